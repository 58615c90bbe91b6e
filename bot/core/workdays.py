"""Working days: the State Council's public holidays and make-up working days (调休), less the bureau's own closures."""

from __future__ import annotations

import logging
import threading
from datetime import date, timedelta
from enum import Enum
from functools import lru_cache
from typing import Callable

import chinese_calendar
from lunar_python import Lunar

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


# 《全国年节及纪念日放假办法》 as revised in 2013 (in force 2014) and in 2024 (in force 2025, which added the
# eve of the Spring Festival and 2 May); the years before 2014 are not modelled.
STATUTORY_FROM = 2014
SPRING_EVE_AND_MAY_2_FROM = 2025


def _lunar(year: int, month: int, day: int) -> date:
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


@lru_cache(maxsize=None)
def statutory_holidays(year: int) -> frozenset[date]:
    """The public holidays the law itself fixes for a year, without the State Council's bridging days and 调休."""
    if year < STATUTORY_FROM:
        raise NotImplementedError(f"the holiday law before {STATUTORY_FROM} is not modelled")
    # raises NotImplementedError outside the years its solar-term formula covers (1900 to 2100)
    qingming = next(day for day, name in chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 30))
                    if name == "清明")
    new_year = _lunar(year, 1, 1)
    spring = [new_year + timedelta(days=n) for n in range(3)]
    labour = [date(year, 5, 1)]
    if year >= SPRING_EVE_AND_MAY_2_FROM:
        spring.append(new_year - timedelta(days=1))
        labour.append(date(year, 5, 2))
    return frozenset([date(year, 1, 1), *spring, qingming, *labour, _lunar(year, 5, 5), _lunar(year, 8, 15),
                      *(date(year, 10, day) for day in (1, 2, 3))])


def statutory_kind(day: date) -> DayKind:
    """The day as the law alone has it: its public holidays, otherwise Monday to Friday."""
    if day in statutory_holidays(day.year):
        return DayKind.HOLIDAY
    return DayKind.WORKDAY if day.weekday() < 5 else DayKind.WEEKEND


class WorkingDays:
    """Which days stations are staffed, and in which spans."""

    def __init__(self, closures: list[Closure] | None = None, official: Callable[[date], DayKind] = official_kind):
        self.closures = list(closures or [])
        self._official = official
        self._warned: set[int] = set()
        self._lock = threading.Lock()

    def kind(self, day: date) -> DayKind:
        """The official kind of a day; for a year the schedule does not know, the law's holidays, with one warning."""
        try:
            return self._official(day)
        except NotImplementedError:
            pass
        try:
            kind, closes_on = statutory_kind(day), "the statutory public holidays and weekends"
        except NotImplementedError:
            kind, closes_on = DayKind.WORKDAY if day.weekday() < 5 else DayKind.WEEKEND, "weekends only"
        with self._lock:
            if day.year not in self._warned:
                self._warned.add(day.year)
                # The law fixes the holidays themselves; only the State Council's notice says which weekdays are
                # bridged, which weekend days are worked (调休) and on which weekday a holiday on a weekend is made up.
                log.warning("the chinesecalendar package has no holiday schedule for %s: closing on %s until it "
                            "is updated; the State Council's bridging days and make-up working days (调休) are not "
                            "known", day.year, closes_on)
        return kind

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
