"""Reminders 24 hours and 1 hour before: rows in the database, fired once, also across a restart."""

import pytest

from bot.db.models import LectureReminder
from bot.lectures import reminders
from bot.lectures.context import LectureContext
from bot.lectures.startup import start_up
from bot.services import build_assistant
from tests.lecture_helpers import add_lecture, consenting, notifications_for


def fire(assistant) -> int:
    return reminders.fire_due(assistant.sessions, LectureContext.of(assistant), assistant.clock)


def reminder_texts(assistant, user: str) -> list[str]:
    return [n.text.split("\n")[0] for n in notifications_for(assistant, user)]


def reminder_rows(assistant) -> list[tuple[int, str | None]]:
    with assistant.sessions() as session:
        rows = session.query(LectureReminder).order_by(LectureReminder.minutes_before.desc()).all()
        return [(row.minutes_before, row.outcome) for row in rows]


def test_reminders_fire_a_day_and_an_hour_before_and_only_once(assistant, clock):
    lecture_id = add_lecture(assistant, clock, days=3)
    consenting(assistant, "3001").press_data(f"lecb:{lecture_id}.2")
    assert reminder_rows(assistant) == [(1440, None), (60, None)]
    assert fire(assistant) == 0
    clock.advance(days=2, minutes=1)
    assert fire(assistant) == 1 and fire(assistant) == 0
    clock.advance(hours=22, minutes=58)
    assert fire(assistant) == 0
    clock.advance(minutes=1)
    assert fire(assistant) == 1 and fire(assistant) == 0
    texts = reminder_texts(assistant, "3001")
    assert texts == ["⏰ 提醒：您预约的讲座约 24 小时后开始（2 个座位）。", "⏰ 提醒：您预约的讲座约 60 分钟后开始（2 个座位）。"]


def test_a_restart_neither_loses_nor_repeats_a_reminder(assistant, settings, clock, domain_services):
    lecture_id = add_lecture(assistant, clock, days=2)
    consenting(assistant, "3011").press_data(f"lecb:{lecture_id}.1")
    clock.advance(days=1, minutes=5)
    assert fire(assistant) == 1
    restarted = build_assistant(settings, clock=clock, migrate=False, **domain_services)
    try:
        start_up(restarted)
        assert fire(restarted) == 0
        clock.advance(hours=23)
        start_up(restarted)
        assert fire(restarted) == 1 and fire(assistant) == 0
    finally:
        restarted.close()
    assert len(reminder_texts(assistant, "3011")) == 2


def test_after_downtime_only_the_nearest_due_reminder_is_sent(assistant, clock):
    lecture_id = add_lecture(assistant, clock, days=2)
    consenting(assistant, "3021").press_data(f"lecb:{lecture_id}.1")
    clock.advance(days=1, hours=23, minutes=30)
    assert fire(assistant) == 1
    assert reminder_texts(assistant, "3021") == ["⏰ 提醒：您预约的讲座约 30 分钟后开始（1 个座位）。"]
    assert reminder_rows(assistant) == [(1440, "skipped"), (60, "sent")]


def test_no_reminder_for_a_cancelled_booking(assistant, clock):
    lecture_id = add_lecture(assistant, clock, days=2)
    resident = consenting(assistant, "3031")
    resident.press_data(f"lecb:{lecture_id}.1")
    resident.press("取消预约")
    resident.press("确定取消")
    clock.advance(days=2)
    assert fire(assistant) == 0 and notifications_for(assistant, "3031") == []


def test_a_booking_close_to_the_lecture_gets_only_the_reminders_still_ahead(assistant, clock):
    lecture_id = add_lecture(assistant, clock, days=0, hours=5)
    consenting(assistant, "3041").press_data(f"lecb:{lecture_id}.1")
    assert reminder_rows(assistant) == [(60, None)]


def test_start_up_adds_reminders_a_booking_lacks(assistant, clock):
    lecture_id = add_lecture(assistant, clock, days=3)
    consenting(assistant, "3051").press_data(f"lecb:{lecture_id}.1")
    with assistant.sessions() as session, session.begin():
        session.query(LectureReminder).delete()
    start_up(assistant)
    assert reminder_rows(assistant) == [(1440, None), (60, None)]


@pytest.mark.parametrize("language, expected", [("en", "⏰ Reminder: your lecture starts in about 24 hours (1 seat(s)).")])
def test_reminders_speak_the_residents_language(assistant, clock, language, expected):
    lecture_id = add_lecture(assistant, clock, days=2)
    consenting(assistant, "3061", language=language).press_data(f"lecb:{lecture_id}.1")
    clock.advance(days=1)
    fire(assistant)
    assert reminder_texts(assistant, "3061") == [expected]
