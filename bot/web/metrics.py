"""Prometheus metrics: counted in this worker (updates, latency, NLU fallbacks), or read from the shared database
at scrape time (open tickets, whistles fired, outbox backlog), so every worker reports the same figures for those."""

from __future__ import annotations

import functools
import time

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from sqlalchemy import func, select

from bot.core.assistant import Assistant
from bot.core.messages import Inbound, Reply
from bot.db.models import Notification, Ticket, TicketEvent, User
from bot.handoff.repository import CLAIMED, OPEN

# A turn is a few milliseconds inside the bot; the tail reaches into seconds only when Rasa or the database stalls.
LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)


class Metrics:
    """One registry per service, so tests can build several."""

    def __init__(self, assistant: Assistant, connected=lambda: 0):
        self.registry = CollectorRegistry()
        self.updates = Counter("legalbot_updates", "Updates handled, per channel", ["channel"], registry=self.registry)
        self.latency = Histogram("legalbot_turn_seconds", "Time to handle one update in the domain", ["channel"],
                                 buckets=LATENCY_BUCKETS, registry=self.registry)
        self.registry.register(_DatabaseCollector(assistant, connected))

    def instrument(self, assistant: Assistant) -> None:
        """Count and time every turn of every channel this process runs, at the one door they all use."""
        handle = assistant.handle

        @functools.wraps(handle)
        def timed(inbound: Inbound) -> Reply:
            started = time.perf_counter()
            try:
                return handle(inbound)
            finally:
                self.updates.labels(inbound.channel).inc()
                self.latency.labels(inbound.channel).observe(time.perf_counter() - started)

        assistant.handle = timed


class _DatabaseCollector:
    def __init__(self, assistant: Assistant, connected):
        self.assistant = assistant
        self.connected = connected

    def collect(self):
        fallbacks = CounterMetricFamily("legalbot_nlu_fallbacks", "Parses answered by the embedded classifier "
                                        "because Rasa was unavailable (this worker)")
        fallbacks.add_metric([], self.assistant.nlu.fallbacks)
        yield fallbacks
        visitors = GaugeMetricFamily("legalbot_web_visitors_connected", "Web visitors with a live page on this worker")
        visitors.add_metric([], self.connected())
        yield visitors
        with self.assistant.sessions() as session:
            tickets = GaugeMetricFamily("legalbot_tickets", "Tickets not yet closed, by status", labels=["status"])
            counts = dict(session.execute(select(Ticket.status, func.count()).where(Ticket.status.in_([OPEN, CLAIMED]))
                                          .group_by(Ticket.status)).all())
            for status in (OPEN, CLAIMED):
                tickets.add_metric([status], counts.get(status, 0))
            yield tickets
            whistles = CounterMetricFamily("legalbot_whistles_fired", "Whistles and escalations fired for unclaimed "
                                           "tickets (all workers)")
            whistles.add_metric([], session.scalar(select(func.count()).select_from(TicketEvent)
                                                   .where(TicketEvent.kind.in_(["whistle", "escalated"]))) or 0)
            yield whistles
            backlog = GaugeMetricFamily("legalbot_outbox_backlog", "Notifications not yet delivered, per channel",
                                        labels=["channel"])
            pending = session.execute(
                select(User.channel, func.count()).select_from(Notification).join(User, User.id == Notification.user_id)
                .where(Notification.sent_at.is_(None), Notification.failed_at.is_(None)).group_by(User.channel)
            ).all()
            for channel, count in pending:
                backlog.add_metric([channel], count)
            yield backlog
