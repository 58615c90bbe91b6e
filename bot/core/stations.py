"""The district's public legal service stations and their opening hours."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import time

from bot.core.content import Texts
from bot.settings import WEEKDAYS, OpeningSpan, StationConfig

EARTH_RADIUS_KM = 6371.0


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


@dataclass(frozen=True)
class Station:
    config: StationConfig
    hours: tuple[OpeningSpan, ...]

    @property
    def id(self) -> str:
        return self.config.id

    def name(self, lang: str) -> str:
        return self.config.name.get(lang)


class StationDirectory:
    """Look up stations by id or by distance."""

    def __init__(self, stations: list[StationConfig], office_hours: dict[str, list[OpeningSpan]]):
        self._stations = {s.id: Station(s, tuple(office_hours[s.hours])) for s in stations}

    def __iter__(self):
        return iter(self._stations.values())

    def __len__(self) -> int:
        return len(self._stations)

    def get(self, station_id: str | None) -> Station | None:
        return self._stations.get(station_id or "")

    def nearest(self, point: tuple[float, float]) -> tuple[Station, float]:
        return min(((s, distance_km(point, s.config.location)) for s in self), key=lambda pair: pair[1])


def _clock(t: time) -> str:
    return f"{t.hour}:{t.minute:02d}"


def describe_hours(spans: tuple[OpeningSpan, ...], texts: Texts, lang: str) -> str:
    """Render opening hours compactly, e.g. 周一至周五 9:00-12:00、13:30-17:30."""
    names = texts.get("weekdays", lang)
    per_day: dict[str, list[str]] = {day: [] for day in WEEKDAYS}
    for span in sorted(spans, key=lambda span: span.open):
        for day in span.days:
            per_day[day].append(f"{_clock(span.open)}-{_clock(span.close)}")
    groups: list[tuple[int, int, tuple[str, ...]]] = []
    for index, day in enumerate(WEEKDAYS):
        intervals = tuple(per_day[day])
        if groups and groups[-1][2] == intervals and groups[-1][1] == index - 1:
            groups[-1] = (groups[-1][0], index, intervals)
        else:
            groups.append((index, index, intervals))
    parts = []
    for first, last, intervals in groups:
        if not intervals:
            continue
        days = names[first] if first == last else texts.get("day_range", lang, first=names[first], last=names[last])
        parts.append(f"{days} {texts.get('hours_joiner', lang).join(intervals)}")
    return texts.get("hours_group_joiner", lang).join(parts) or texts.get("hours_closed", lang)
