"""The .ics file follows RFC 5545: CRLF lines of at most 75 octets, escaped text, times in the district's zone."""

from datetime import datetime, timedelta, timezone

from bot.db.models import Lecture, LectureBooking
from bot.lectures.calendar import escape_text, fold, lecture_calendar
from bot.lectures.context import LectureContext

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=timezone.utc)


def unfold(content: str) -> list[str]:
    return content.replace("\r\n ", "").split("\r\n")


def make_calendar(assistant, **fields) -> str:
    starts = datetime(2026, 11, 29, 11, 0, tzinfo=timezone.utc)
    values = dict(id=7, title="讲座", topic="labor", speaker="王律师", town="luyuan", place="工作站", online_url=None,
                  starts_at=starts, ends_at=starts + timedelta(minutes=90), capacity=30, seats_taken=0)
    lecture = Lecture(**{**values, **fields})
    booking = LectureBooking(id=3, lecture_id=7, user_id=42, seats=2)
    attachment = lecture_calendar(LectureContext.of(assistant), lecture, booking, "zh", NOW)
    assert attachment.mime_type == "text/calendar" and attachment.filename == "lecture-7.ics"
    return attachment.content.decode("utf-8")


def test_every_line_ends_in_crlf_and_fits_in_75_octets(assistant):
    content = make_calendar(assistant, title="工资被拖欠怎么办：农民工讨薪的五条路，" * 4, place="潞源街道" * 10)
    assert content.endswith("\r\n") and "\n" not in content.replace("\r\n", "")
    lines = content.split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines), "the long title is folded"
    summary = next(line for line in unfold(content) if line.startswith("SUMMARY:"))
    assert summary == "SUMMARY:" + escape_text("工资被拖欠怎么办：农民工讨薪的五条路，" * 4)


def test_times_are_local_with_a_matching_time_zone_and_a_utc_stamp(assistant):
    lines = unfold(make_calendar(assistant))
    assert "DTSTART;TZID=Asia/Shanghai:20261129T190000" in lines
    assert "DTEND;TZID=Asia/Shanghai:20261129T203000" in lines
    assert "DTSTAMP:20261126T093000Z" in lines
    zone = lines[lines.index("BEGIN:VTIMEZONE"):lines.index("END:VTIMEZONE") + 1]
    assert "TZID:Asia/Shanghai" in zone and "TZOFFSETTO:+0800" in zone and "TZOFFSETFROM:+0800" in zone
    assert lines[0] == "BEGIN:VCALENDAR" and "VERSION:2.0" in lines and lines[-2] == "END:VCALENDAR"
    assert [line for line in lines if line.startswith("UID:")] == ["UID:lecture-7-user-42@legalbot"]


def test_text_values_are_escaped(assistant):
    lines = unfold(make_calendar(assistant, title="Wages; rights, and\\ more\nnext line"))
    assert "SUMMARY:Wages\\; rights\\, and\\\\ more\\nnext line" in lines


def test_an_online_lecture_carries_its_link(assistant):
    lines = unfold(make_calendar(assistant, online_url="https://meet.example.org/abc?x=1,2"))
    assert "URL:https://meet.example.org/abc?x=1,2" in lines
    assert "LOCATION:https://meet.example.org/abc?x=1\\,2" in lines


def test_folding_never_splits_a_character():
    line = "DESCRIPTION:" + "讲" * 60
    folded = fold(line)
    assert all(len(piece.encode()) <= 75 for piece in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line
    assert fold("SHORT:ok") == "SHORT:ok"
