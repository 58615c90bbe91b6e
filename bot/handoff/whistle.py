"""The whistle (吹哨报到): each ticket's response window and escalation ladder, as timer rows fired once each."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Callable

from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Ticket
from bot.db.repositories import Repositories
from bot.handoff import notices
from bot.handoff.context import HandoffContext
from bot.handoff.hours import is_open, next_opening
from bot.handoff.repository import URGENT

log = logging.getLogger(__name__)
BATCH = 100
FIRED, SKIPPED = "fired", "skipped"


def staffed_now(ctx: HandoffContext, station_id: str | None, now: datetime) -> bool:
    return is_open(ctx.hours_of(station_id), ctx.days, ctx.local(now), station_id)


def back_at(ctx: HandoffContext, station_id: str | None, now: datetime) -> datetime | None:
    """When staff are next in (UTC); None when the station never opens."""
    local = next_opening(ctx.hours_of(station_id), ctx.days, ctx.local(now), station_id)
    return local.astimezone(timezone.utc) if local else None


def schedule(ctx: HandoffContext, repos: Repositories, ticket: Ticket, now: datetime) -> None:
    """Start the ticket's window now (urgent tickets, or a station that is open) or when the station opens,
    and lay its escalation ladder out as timer rows."""
    config = ctx.config
    urgent = ticket.priority == URGENT
    start = now if urgent else (back_at(ctx, ticket.station_id, now) or now)
    window = timedelta(minutes=config.urgent_window_minutes if urgent else config.window_minutes)
    ticket.window_ends_at = start + window
    due, at = [], ticket.window_ends_at
    for index, step in enumerate(config.escalation or []):
        if index:
            at = at + timedelta(minutes=step.after_minutes)
        due.append((step.to, at))
    repos.handoff.whistles.schedule(ticket.id, due or [("group", at)])


def fire_due(sessions: sessionmaker[Session], ctx: HandoffContext, clock: Callable[[], datetime]) -> int:
    """Fire due timers, each in its own transaction, and write their whistles with it; return how many whistled.

    Each whistle first passes the claim's own conditional UPDATE on the ticket row (`mark_whistled`), then marks its
    timer fired: the ticket lock is taken before the timer's, in the same order as a claim (ticket, then its timers),
    so the two never deadlock and a whistle never follows a committed claim."""
    fired = 0
    with sessions() as session:
        due = Repositories(session).handoff.whistles.due(clock(), BATCH)
    for timer_id, ticket_id in due:
        now = clock()
        with sessions() as session, session.begin():
            repos = Repositories(session)
            if not repos.handoff.tickets.mark_whistled(ticket_id, now):
                repos.handoff.whistles.fire(timer_id, now, SKIPPED)  # claimed, closed or cancelled meanwhile
                continue
            timer = repos.handoff.whistles.fire(timer_id, now, FIRED)
            if timer is None:
                continue  # another process fired this one
            blow(ctx, repos, repos.handoff.tickets.get(ticket_id), timer.step, timer.target, now)
            fired += 1
    if len(due) == BATCH:
        fired += fire_due(sessions, ctx, clock)
    return fired


def blow(ctx: HandoffContext, repos: Repositories, ticket: Ticket, step: int, target: str, now: datetime) -> None:
    """Whistle an unclaimed ticket to the rung's target; a rung with nobody configured whistles to the group."""
    age = notices.age_minutes(ticket, now)
    station = ctx.station_name(ticket.station_id)
    if target == "group":
        text = ctx.t("desk_whistle", id=ticket.id, urgent=notices.urgent_mark(ctx, ticket), age=age)
    else:
        text = ctx.t("desk_escalated", id=ticket.id, urgent=notices.urgent_mark(ctx, ticket), age=age,
                     station=station, step=step + 1)
    text = f"{text}\n\n{notices.card(ctx, ticket, now)}"
    told = (
        (target == "supervisor" and notices.to_supervisors(ctx, repos, ticket, now, text))
        or (target == "duty" and notices.to_duty(ctx, repos, ticket, now, text))
    )
    if not told:
        notices.post_new(ctx, repos, ticket, now, text)
    repos.handoff.tickets.log(ticket.id, "whistle", "whistle" if target == "group" else "escalated", now,
                              detail=f"step={step} target={target} age={age}")
    log.info("ticket %s whistled (step %s, %s) after %s min", ticket.id, step, target, age)
