"""Working days: the State Council's public holidays and make-up working days (调休), less the bureau's own closures."""

from __future__ import annotations

import logging
import threading
from datetime import date
from enum import Enum
from typing import Callable

import chinese_calendar

from bot.settings import WEEKDAYS, Closure, OpeningSpan

log = logging.getLogger(__name__)

# A make-up working day falls on a weekend, which has no spans of its own; it keeps an ordinary weekday's hours.
MAKE_UP_DAY_HOURS = "mon"


class DayKind(str, Enum):
    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"  # a public holiday, or a day off moved next to one
    MAKE_UP = "make_up"  # a weekend day worked in exchange (调休上班)


def official_kind(day: date) -> DayKind:
    """The day as the State Council's schedule has it; raises NotImplementedError for a year it has not published."""
    off, name = chinese_calendar.get_holiday_detail(day)
    if off:
        return DayKind.HOLIDAY if name else DayKind.WEEKEND
    return DayKind.MAKE_UP if day.weekday() >= 5 else DayKind.WORKDAY


class WorkingDays:
    """Which days stations are staffed, and in which spans."""

    def __init__(self, closures: list[Closure] | None = None, official: Callable[[date], DayKind] = official_kind):
        self.closures = list(closures or [])
        self._official = official
        self._warned: set[int] = set()
        self._lock = threading.Lock()

    def kind(self, day: date) -> DayKind:
        """The official kind of a day; for a year the schedule does not know, Monday to Friday, with one warning."""
        try:
            return self._official(day)
        except NotImplementedError:
            with self._lock:
                if day.year not in self._warned:
                    self._warned.add(day.year)
                    log.warning("the chinesecalendar package has no holiday schedule for %s: counting Monday to "
                                "Friday as working days until it is updated", day.year)
            return DayKind.WORKDAY if day.weekday() < 5 else DayKind.WEEKEND

    def is_workday(self, day: date, station_id: str | None = None) -> bool:
        """A day the bureau works: an official working or make-up day that it has not closed."""
        return self.kind(day) in (DayKind.WORKDAY, DayKind.MAKE_UP) and not self.closed(day, station_id)

    def closed(self, day: date, station_id: str | None = None) -> bool:
        """Closed by the bureau itself: district-wide, or this station."""
        return any(closure.covers(day, station_id) for closure in self.closures)

    def spans_on(self, spans: tuple[OpeningSpan, ...], day: date, station_id: str | None = None) -> list[OpeningSpan]:
        """The opening spans that apply on a day, earliest first: none on a holiday or a closure."""
        kind = self.kind(day)
        if kind is DayKind.HOLIDAY or self.closed(day, station_id):
            return []
        weekday = MAKE_UP_DAY_HOURS if kind is DayKind.MAKE_UP else WEEKDAYS[day.weekday()]
        return sorted((span for span in spans if weekday in span.days), key=lambda span: span.open)
