"""Claiming and whistling are decided by the database: of staff pressing at once one wins; a timer fires once.

Meant for PostgreSQL (LEGALBOT_TEST_POSTGRES), where the transactions really overlap; on SQLite, whose writers take
turns, it still checks that exactly one claim wins and no whistle is lost or doubled.
"""

import threading

from sqlalchemy import func, select

from bot.db.models import TicketEvent
from bot.handoff import whistle
from bot.handoff.context import HandoffContext
from tests.handoff_helpers import OFFICE_HOURS, act, desk_of, staff_cli, ticket
from tests.test_handoff import resident_at_luyuan

STAFF = 8


def race(workers: int, work) -> list:
    start = threading.Barrier(workers)
    results, failures = [None] * workers, []

    def run(index: int) -> None:
        try:
            start.wait()
            results[index] = work(index)
        except BaseException as error:  # noqa: BLE001 - reported below, from the test's thread
            failures.append(error)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not failures, failures
    return results


def test_of_staff_pressing_claim_at_the_same_moment_exactly_one_wins(assistant, settings, clock):
    clock.now = OFFICE_HOURS
    for n in range(STAFF):
        staff_cli(settings, clock, "add", f"60{n}", "--name", f"员工{n}", "--role", "station_staff", "--station", "luyuan")
    staff_cli(settings, clock, "set-group", "-100500")
    resident_at_luyuan(assistant).command("human")
    desk = desk_of(assistant)
    replies = race(STAFF, lambda n: act(desk, f"60{n}", "button", button_data="tk:1"))
    winners = [reply for reply in replies if reply.edit is not None]
    assert len(winners) == 1
    winner_name = winners[0].edit.text.split("由 ")[1].split(" ")[0]
    assert all(f"已由 {winner_name} 认领" in reply.notice for reply in replies if reply.edit is None)
    with assistant.sessions() as session:
        claims = session.scalar(select(func.count()).where(TicketEvent.kind == "claimed"))
    assert claims == 1 and ticket(assistant).status == "claimed"


def test_two_processes_firing_whistles_at_once_fire_each_timer_once(assistant, settings, clock):
    clock.now = OFFICE_HOURS
    staff_cli(settings, clock, "set-group", "-100500")
    for n in range(5):
        resident_at_luyuan(assistant, f"80{n}").command("human")
    clock.advance(minutes=10)
    ctx = HandoffContext.of(assistant)
    fired = race(2, lambda _: whistle.fire_due(assistant.sessions, ctx, clock))
    assert sum(fired) == 5
