"""Reporting periods (a month, a quarter, a year) in Beijing time, and the periods they are compared with."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")
KINDS = ("month", "quarter", "year")
_PATTERNS = {
    "month": re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    "quarter": re.compile(r"^(\d{4})-[Qq]([1-4])$"),
    "year": re.compile(r"^(\d{4})$"),
}


class PeriodError(ValueError):
    """A period that cannot be parsed, with the form that was expected."""


@dataclass(frozen=True)
class Period:
    kind: str  # month | quarter | year
    year: int
    index: int  # month 1-12, quarter 1-4, or 1 for a year

    @classmethod
    def parse(cls, kind: str, value: str) -> Period:
        """`month 2026-11`, `quarter 2026-Q4` or `year 2026`."""
        pattern = _PATTERNS.get(kind)
        match = pattern.match(value.strip()) if pattern else None
        if match is None:
            examples = {"month": "2026-11", "quarter": "2026-Q4", "year": "2026"}
            raise PeriodError(f"{kind} {value!r}: expected {kind} {examples.get(kind, '2026-11')}")
        year = int(match.group(1))
        return cls(kind, year, int(match.group(2)) if kind != "year" else 1)

    @property
    def first_month(self) -> int:
        return {"month": self.index, "quarter": 3 * self.index - 2, "year": 1}[self.kind]

    @property
    def months(self) -> int:
        return {"month": 1, "quarter": 3, "year": 12}[self.kind]

    @property
    def first_day(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end_day(self) -> date:
        """The first day after the period."""
        month = self.first_month + self.months
        return date(self.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.first_day, time(), BEIJING).astimezone(timezone.utc)

    @property
    def ends_at(self) -> datetime:
        return datetime.combine(self.end_day, time(), BEIJING).astimezone(timezone.utc)

    @property
    def month_keys(self) -> list[str]:
        """The YYYY-MM keys of the months inside the period, as the question counts store them."""
        keys = []
        for offset in range(self.months):
            month = self.first_month + offset
            keys.append(f"{self.year}-{month:02d}")
        return keys

    @property
    def label(self) -> str:
        return {"month": f"{self.year}-{self.index:02d}", "quarter": f"{self.year}-Q{self.index}",
                "year": str(self.year)}[self.kind]

    def previous(self) -> Period:
        """The period just before: last month, last quarter or last year."""
        if self.kind == "year":
            return Period("year", self.year - 1, 1)
        count = 12 if self.kind == "month" else 4
        if self.index == 1:
            return Period(self.kind, self.year - 1, count)
        return Period(self.kind, self.year, self.index - 1)

    def year_before(self) -> Period:
        """The same period one year earlier."""
        return Period(self.kind, self.year - 1, self.index)

    def contains(self, moment: datetime) -> bool:
        return self.starts_at <= moment < self.ends_at

    @classmethod
    def month_before(cls, day: date) -> Period:
        """The month before the one that `day` falls in: what a report sent on `day` covers."""
        return cls("month", day.year, day.month).previous()
