"""Office hours and holidays: is a station staffed now, and when will it be next."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.settings import WEEKDAYS, OpeningSpan

LOOK_AHEAD_DAYS = 30


def is_open(spans: tuple[OpeningSpan, ...], holidays: list[str], local: datetime) -> bool:
    """True when `local` (a station-local time) falls in an opening span on a working day."""
    if local.date().isoformat() in holidays:
        return False
    day = WEEKDAYS[local.weekday()]
    return any(day in span.days and span.open <= local.time() < span.close for span in spans)


def next_opening(spans: tuple[OpeningSpan, ...], holidays: list[str], local: datetime) -> datetime | None:
    """The next local moment the station opens (now, when it is open); None when it never does."""
    if is_open(spans, holidays, local):
        return local
    for offset in range(LOOK_AHEAD_DAYS + 1):
        date = (local + timedelta(days=offset)).date()
        if date.isoformat() in holidays:
            continue
        day = WEEKDAYS[date.weekday()]
        starts = sorted(span.open for span in spans if day in span.days)
        for start in starts:
            moment = datetime.combine(date, start, tzinfo=local.tzinfo)
            if moment > local:
                return moment
    return None
