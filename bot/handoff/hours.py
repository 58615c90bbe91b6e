"""Office hours on working days: is a station staffed now, and when will it be next."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.workdays import WorkingDays
from bot.settings import OpeningSpan

LOOK_AHEAD_DAYS = 30


def is_open(spans: tuple[OpeningSpan, ...], days: WorkingDays, local: datetime, station_id: str | None = None) -> bool:
    """True when `local` (a station-local time) falls in an opening span of a working day."""
    return any(span.open <= local.time() < span.close for span in days.spans_on(spans, local.date(), station_id))


def next_opening(spans: tuple[OpeningSpan, ...], days: WorkingDays, local: datetime,
                 station_id: str | None = None) -> datetime | None:
    """The next local moment the station opens (now, when it is open); None when it does not within a month."""
    if is_open(spans, days, local, station_id):
        return local
    for offset in range(LOOK_AHEAD_DAYS + 1):
        date = (local + timedelta(days=offset)).date()
        for span in days.spans_on(spans, date, station_id):
            moment = datetime.combine(date, span.open, tzinfo=local.tzinfo)
            if moment > local:
                return moment
    return None
