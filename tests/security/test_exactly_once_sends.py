"""Exactly-once sends: an outbox row is sent once even when its send outlives the claim's lease (429s make it slow),
and a whistle never follows a claim. Both run on PostgreSQL (LEGALBOT_TEST_POSTGRES) with transactions that truly
overlap; on SQLite, whose writers take turns, the same tests pass with the interleavings serialised."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from telegram.ext import AIORateLimiter, ExtBot

from bot.core.messages import Outbound
from bot.db.models import Notification, TicketEvent, WhistleTimer
from bot.db.repositories import Repositories
from bot.handoff import whistle
from bot.handoff.context import HandoffContext
from bot.handoff.repository import TicketRepository
from bot.notifications.outbox import Outbox
from bot.telegram_channel.handlers import BotServices
from bot.telegram_channel.notifications import NotificationCourier
from tests.conftest import BOT_USER
from tests.fakebot import FakeTelegram
from tests.handoff_helpers import OFFICE_HOURS, act, desk_of, outbox_for, staff_cli, ticket
from tests.test_handoff import resident_at_luyuan

RESIDENT = 9701


def wall_clock() -> datetime:
    return datetime.now(timezone.utc)


@pytest.fixture
def server():
    fake = FakeTelegram(token="123456:E2E", bot_user=BOT_USER).start()
    fake.private_user(RESIDENT, first_name="居民")
    yield fake
    fake.stop()


@pytest.fixture
def one_second_lease(assistant):
    assistant.settings.notifications = assistant.settings.notifications.model_copy(
        update={"claim_lease_seconds": 1, "max_attempts": 10})
    return assistant.settings.notifications


def queue_one(assistant) -> int:
    with assistant.sessions() as session, session.begin():
        repos = Repositories(session)
        user = repos.users.find_or_create("telegram", str(RESIDENT), str(RESIDENT), "zh")
        row = repos.notifications.add(user.id, Outbound("您的工单有新消息"), wall_clock())
        session.flush()
        return row.id


def two_processes(assistant, server, config, max_retries: int):
    """Two couriers, as two bot processes would run them: their own worker name, bot and database thread."""
    processes = []
    for name in ("first", "second"):
        bot = ExtBot(server.token, base_url=f"{server.url}/bot", base_file_url=f"{server.url}/file/bot",
                     rate_limiter=AIORateLimiter(max_retries=max_retries))
        courier = NotificationCourier(Outbox(assistant.sessions, wall_clock, config, "telegram", worker=name))
        context = SimpleNamespace(bot=bot, bot_data=BotServices(database_workers=ThreadPoolExecutor(1)))
        processes.append((courier, context))
    return processes


async def race_deliveries(processes, seconds: float) -> None:
    """The first process starts a delivery; the second polls the outbox all through it, as its job would."""
    (first, first_context), (second, second_context) = processes
    for _, context in processes:
        await context.bot.initialize()
    try:
        slow = asyncio.create_task(first.deliver_pending(first_context))
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            await asyncio.sleep(0.15)
            await second.deliver_pending(second_context)
        await slow
        await first.deliver_pending(first_context)  # anything released for a retry goes now
    finally:
        for _, context in processes:
            await context.bot.shutdown()
            context.bot_data.database_workers.shutdown()


def delivered(server) -> list:
    return [c for c in server.calls_to("sendMessage") if c.ok and str(c["chat_id"]) == str(RESIDENT)]


def test_a_send_that_outlives_its_lease_is_never_sent_twice(assistant, server, one_second_lease):
    notification_id = queue_one(assistant)
    # Telegram answers 429 "retry after 2": the rate limiter waits, so the send lasts twice the lease.
    server.fail_next("sendMessage", 429, retry_after=2, times=1)
    asyncio.run(race_deliveries(two_processes(assistant, server, one_second_lease, max_retries=3), seconds=3.5))
    assert len(delivered(server)) == 1
    with assistant.sessions() as session:
        row = session.get(Notification, notification_id)
        assert row.sent_at is not None and row.claimed_by == "first"


def test_without_renewing_the_lease_the_same_race_sends_twice(assistant, server, one_second_lease, monkeypatch):
    """The control: the race above is real, and it is the renewal that wins it."""
    monkeypatch.setattr(Outbox, "renew_every", property(lambda self: 3600))
    queue_one(assistant)
    server.fail_next("sendMessage", 429, retry_after=2, times=1)
    asyncio.run(race_deliveries(two_processes(assistant, server, one_second_lease, max_retries=3), seconds=3.5))
    assert len(delivered(server)) == 2


def test_a_send_given_up_after_429s_is_released_and_sent_once_later(assistant, server, one_second_lease):
    notification_id = queue_one(assistant)
    server.fail_next("sendMessage", 429, retry_after=1, times=2)  # more 429s than the limiter retries
    asyncio.run(race_deliveries(two_processes(assistant, server, one_second_lease, max_retries=1), seconds=3))
    assert len(delivered(server)) == 1
    with assistant.sessions() as session:
        row = session.get(Notification, notification_id)
        assert row.sent_at is not None and row.attempts == 2 and row.claim_token is not None


def test_a_lapsed_claim_can_neither_send_nor_mark_nor_release(assistant, clock, one_second_lease):
    queue_one(assistant)
    first = Outbox(assistant.sessions, clock, one_second_lease, "telegram", worker="same-process")
    second = Outbox(assistant.sessions, clock, one_second_lease, "telegram", worker="same-process")
    (lapsed,) = first.claim()
    clock.advance(seconds=2)
    (taken,) = second.claim()
    assert lapsed.token != taken.token  # even the same worker name gets a new token
    first.retry_later(lapsed, "late")
    assert not first.still_held(lapsed) and not first.sent(lapsed)
    assert second.still_held(taken) and second.sent(taken)


# --- the whistle and the claim ----------------------------------------------------------------------------------


@pytest.fixture
def due_ticket(assistant, settings, clock):
    clock.now = OFFICE_HOURS
    staff_cli(settings, clock, "add", "501", "--name", "王律师", "--role", "lawyer", "--station", "luyuan")
    staff_cli(settings, clock, "set-group", "-100500")
    resident_at_luyuan(assistant).command("human")
    clock.advance(minutes=11)  # the window is over: the whistle is due


def test_a_whistle_never_fires_after_a_claim_that_beat_it(assistant, clock, due_ticket):
    """Hold a claim open, fire the whistle meanwhile, then commit the claim: the whistle waits for it and skips."""
    group_posts = len(outbox_for(assistant, "-100500"))
    claiming = assistant.sessions()
    claiming.begin()
    assert TicketRepository(claiming).claim(1, 1, clock.now)
    result: list[int] = []
    firing = threading.Thread(target=lambda: result.append(
        whistle.fire_due(assistant.sessions, HandoffContext.of(assistant), clock)))
    firing.start()
    firing.join(0.8)
    assert firing.is_alive(), "the whistle must wait for the claim's row lock, not read around it"
    claiming.commit()
    claiming.close()
    firing.join(10)
    assert result == [0]
    assert len(outbox_for(assistant, "-100500")) == group_posts
    with assistant.sessions() as session:
        outcomes = {t.outcome for t in session.scalars(select(WhistleTimer).where(WhistleTimer.fired_at.isnot(None)))}
        whistles = session.scalars(select(TicketEvent).where(TicketEvent.kind.in_(("whistle", "escalated")))).all()
    assert outcomes == {"skipped"} and whistles == []


def test_claims_and_whistles_racing_over_many_tickets_never_deadlock_nor_follow_a_claim(assistant, settings, clock):
    clock.now = OFFICE_HOURS
    staff_cli(settings, clock, "add", "501", "--name", "王律师", "--role", "lawyer", "--station", "luyuan")
    staff_cli(settings, clock, "set-group", "-100500")
    for n in range(12):
        resident_at_luyuan(assistant, f"30{n:02d}").command("human")
    clock.advance(minutes=11)
    desk, ctx = desk_of(assistant), HandoffContext.of(assistant)
    errors: list[BaseException] = []

    def guarded(work):
        def run():
            try:
                work()
            except BaseException as error:  # noqa: BLE001 - reported by the test
                errors.append(error)
        return threading.Thread(target=run)

    threads = [guarded(lambda: [act(desk, "501", "button", button_data=f"tk:{n}") for n in range(1, 13)]),
               guarded(lambda: whistle.fire_due(assistant.sessions, ctx, clock)),
               guarded(lambda: whistle.fire_due(assistant.sessions, ctx, clock))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    with assistant.sessions() as session:
        for n in range(1, 13):
            events = [e.kind for e in session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == n)
                                                      .order_by(TicketEvent.id))]
            assert "claimed" in events
            assert "whistle" not in events[events.index("claimed"):], (n, events)
    assert all(ticket(assistant, n).status == "claimed" for n in range(1, 13))
