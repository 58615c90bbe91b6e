"""iCalendar files (RFC 5545) for a booked lecture, written by hand: CRLF lines folded at 75 octets."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.core.messages import Attachment
from bot.db.models import Lecture, LectureBooking
from bot.lectures import wording
from bot.lectures.context import LectureContext

CRLF = "\r\n"
MAX_OCTETS = 75
PRODID = "-//legalbot//Micro-lectures//EN"
MIME_TYPE = "text/calendar"


def escape_text(value: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and line breaks (RFC 5545 3.3.11)."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets, never inside a UTF-8 character (RFC 5545 3.1)."""
    pieces, current, size = [], "", 0
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > MAX_OCTETS:
            pieces.append(current)
            current, size = " ", 1  # a continuation line starts with one space, which counts
        current += char
        size += octets
    pieces.append(current)
    return CRLF.join(pieces)


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def utc_offset(delta: timedelta | None) -> str:
    minutes = int((delta or timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def lecture_calendar(
    ctx: LectureContext, lecture: Lecture, booking: LectureBooking, lang: str, now: datetime
) -> Attachment:
    """A calendar file with the lecture as one event, its times in the district's zone."""
    tzid = ctx.settings.timezone
    start, end = ctx.local(lecture.starts_at), ctx.local(lecture.ends_at)
    # The district's zone (Asia/Shanghai) has kept one offset since 1991; the offset in force at the lecture is
    # what a calendar needs to place it.
    offset = utc_offset(start.utcoffset())
    description = "\n".join(
        [
            ctx.t("lec_card_who", lang, topic=ctx.topic_name(lecture.topic, lang),
                  speaker=wording.speaker(ctx, lecture, lang)),
            ctx.t("lec_ics_seats", lang, seats=booking.seats),
            ctx.t("lec_ics_source", lang, district=ctx.settings.district.get(lang)),
        ]
    )
    location = lecture.online_url or " · ".join(
        part for part in (ctx.town_name(lecture.town, lang) if lecture.town else "", wording.place(lecture, lang))
        if part
    )
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VTIMEZONE",
        f"TZID:{tzid}",
        "BEGIN:STANDARD",
        "DTSTART:19700101T000000",
        f"TZOFFSETFROM:{offset}",
        f"TZOFFSETTO:{offset}",
        f"TZNAME:{start.tzname()}",
        "END:STANDARD",
        "END:VTIMEZONE",
        "BEGIN:VEVENT",
        f"UID:lecture-{lecture.id}-user-{booking.user_id}@legalbot",
        f"DTSTAMP:{utc_stamp(now)}",
        f"DTSTART;TZID={tzid}:{start:%Y%m%dT%H%M%S}",
        f"DTEND;TZID={tzid}:{end:%Y%m%dT%H%M%S}",
        f"SUMMARY:{escape_text(wording.title(lecture, lang))}",
        f"DESCRIPTION:{escape_text(description)}",
        f"LOCATION:{escape_text(location)}",
    ]
    if lecture.online_url:
        lines.append(f"URL:{lecture.online_url}")
    lines += ["STATUS:CONFIRMED", "SEQUENCE:0", "END:VEVENT", "END:VCALENDAR"]
    content = "".join(fold(line) + CRLF for line in lines).encode("utf-8")
    return Attachment(f"lecture-{lecture.id}.ics", content, MIME_TYPE)
