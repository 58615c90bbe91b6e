"""The monthly report reaches each station's supervisors on the first working day, once, through the outbox."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.db.engine import make_engine, make_session_factory
from bot.db.models import Notification, ReportDelivery, StaffMember, StaffStation
from bot.reports.delivery import (
    LEASE,
    claim,
    deliver_monthly_reports,
    first_working_day,
    period_due,
)
from bot.core.workdays import WorkingDays

is_workday = WorkingDays().is_workday

BEIJING_0900_OCT_8 = datetime(2026, 10, 8, 1, 0, tzinfo=timezone.utc)


def test_the_first_working_day_follows_the_state_council_schedule():
    assert first_working_day(2026, 10, is_workday) == date(2026, 10, 8)  # after the National Day week
    assert first_working_day(2026, 2, is_workday) == date(2026, 2, 2)
    assert first_working_day(2026, 3, is_workday) == date(2026, 3, 2)  # the 1st is a Sunday


@pytest.mark.parametrize("moment, due", [
    (datetime(2026, 10, 1, 1, tzinfo=timezone.utc), None),  # a holiday
    (datetime(2026, 10, 8, 0, 20, tzinfo=timezone.utc), None),  # 08:20 in Beijing: not yet
    (datetime(2026, 10, 8, 0, 31, tzinfo=timezone.utc), "2026-09"),
    (datetime(2026, 10, 20, 3, tzinfo=timezone.utc), "2026-09"),  # the bot was down on the day: it catches up
    (datetime(2026, 12, 31, 17, tzinfo=timezone.utc), None),  # already 1 January in Beijing, a holiday
])
def test_the_report_is_due_from_0830_on_the_first_working_day(moment, due):
    period = period_due(moment, is_workday)
    assert (period.label if period else None) == due


@pytest.fixture
def sessions(settings):
    engine = make_engine(settings.database_url)
    yield make_session_factory(engine)
    engine.dispose()


def _supervisor(sessions, number: int, station: str | None, role: str = "supervisor") -> None:
    with sessions.begin() as session:
        session.add(StaffMember(channel="telegram", external_id=str(880_000 + number), name=f"督导{number}",
                                role=role, active=True, created_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
                                stations=[StaffStation(station_id=station)] if station else []))


def test_each_station_with_supervisors_gets_its_report_once(sessions, settings):
    station = settings.stations[0].id
    _supervisor(sessions, 1, None)
    _supervisor(sessions, 2, station)
    _supervisor(sessions, 3, station, role="station_staff")
    assert deliver_monthly_reports(sessions, settings, BEIJING_0900_OCT_8, "worker-a", is_workday) == 2
    assert deliver_monthly_reports(sessions, settings, BEIJING_0900_OCT_8 + timedelta(hours=2), "worker-b",
                                   is_workday) == 0
    with sessions() as session:
        sent = list(session.scalars(select(Notification).order_by(Notification.id)))
        deliveries = {d.station_id: d for d in session.scalars(select(ReportDelivery))}
    assert len(sent) == 4  # a PDF and a workbook to each of the two supervisors
    assert [n.attachment_type for n in sent[:2]] == [
        "application/pdf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]
    assert sent[0].attachment_content.startswith(b"%PDF")
    assert "2026-09" in sent[0].text
    assert set(deliveries) == {"", station} and all(d.period == "2026-09" for d in deliveries.values())


def test_no_report_is_claimed_for_a_station_nobody_supervises(sessions, settings):
    assert deliver_monthly_reports(sessions, settings, BEIJING_0900_OCT_8, "worker-a", is_workday) == 0
    with sessions() as session:
        assert session.scalars(select(ReportDelivery)).all() == []


def test_a_stale_claim_is_taken_over_and_the_late_worker_does_not_send_again(sessions, settings):
    _supervisor(sessions, 1, None)
    with sessions.begin() as session:
        assert claim(session, "2026-09", "", "stalled", BEIJING_0900_OCT_8) is not None
    assert deliver_monthly_reports(sessions, settings, BEIJING_0900_OCT_8 + LEASE / 2, "worker-b", is_workday) == 0
    later = BEIJING_0900_OCT_8 + LEASE + timedelta(minutes=1)
    assert deliver_monthly_reports(sessions, settings, later, "worker-b", is_workday) == 1
    with sessions.begin() as session:
        assert claim(session, "2026-09", "", "stalled", later + LEASE * 2) is None  # delivered: never again
        assert session.scalar(select(ReportDelivery.claimed_by)) == "worker-b"


def test_two_processes_at_once_send_each_report_once(sessions, settings):
    _supervisor(sessions, 1, None)
    for number, station in enumerate(s.id for s in settings.stations[:3]):
        _supervisor(sessions, 10 + number, station)
    counts, start = [], threading.Barrier(2)

    def worker(name: str) -> None:
        start.wait()
        counts.append(deliver_monthly_reports(sessions, settings, BEIJING_0900_OCT_8, name, is_workday))

    threads = [threading.Thread(target=worker, args=(f"worker-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 4
    with sessions() as session:
        assert session.query(Notification).count() == 8


def test_a_bureau_closure_moves_the_first_working_day(settings):
    from bot.settings import Closure

    closed = WorkingDays([Closure(first=date(2026, 10, 8))])
    assert first_working_day(2026, 10, closed.is_workday) == date(2026, 10, 9)


def test_the_reports_service_job_sends_the_report_through_the_running_bot(telegram_bot, sessions, clock):
    """The declared job, run by the real PTB job queue against the fake Bot API: the supervisor gets the files once."""
    import time

    from bot.reports.plugin import DELIVER

    _supervisor(sessions, 1, None)
    clock.now = BEIJING_0900_OCT_8
    server = telegram_bot.server
    mark = server.mark()
    telegram_bot.run_job(DELIVER, timeout=120)
    server.wait_for("sendDocument", lambda call: str(call["chat_id"]) == "880001", after=mark, timeout=60)
    time.sleep(1)  # the report's other file
    to_supervisor = lambda: [c for c in server.calls_to("sendDocument", after=mark)  # noqa: E731
                             if str(c["chat_id"]) == "880001"]
    files = len(to_supervisor())
    telegram_bot.run_job(DELIVER, timeout=120)
    time.sleep(1)
    assert len(to_supervisor()) == files, "once, however often the job runs"
