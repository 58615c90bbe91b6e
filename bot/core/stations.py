"""The district's service network: its stations, their rooms, the district centre, and their opening hours."""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from datetime import time

from bot.core.content import Texts
from bot.core.workdays import WorkingDays
from bot.settings import WEEKDAYS, CentreConfig, OpeningSpan, RoomConfig, Settings, StationConfig

EARTH_RADIUS_KM = 6371.0
# Kinds of station, grouped as residents are asked for them: 街道, then 镇/乡.
GROUPS = {"street": ("street",), "town": ("town", "township")}
# Suffixes a resident may leave out: 潞源 for 潞源街道, 于家务 for 于家务回族乡. Longest first.
NAME_SUFFIXES = ("回族乡", "民族乡", "街道", "地区", "镇", "乡")
PREFIXES = ("北京市", "北京", "通州区", "通州")
EN_SUFFIXES = ("subdistrict", "street", "town", "township", "hui ethnic township", "ethnic township")


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def _key(text: str) -> str:
    """A name as typed, reduced for matching: NFKC, casefolded, without spaces or punctuation."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text or "").casefold() if ch.isalnum())


def short_name(name: str) -> str:
    """潞源街道 → 潞源, 台湖镇 → 台湖, 于家务回族乡 → 于家务."""
    for suffix in NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


@dataclass(frozen=True)
class Station:
    config: StationConfig
    hours: tuple[OpeningSpan, ...]
    rooms: tuple[RoomConfig, ...] = ()

    @property
    def id(self) -> str:
        return self.config.id

    @property
    def code(self) -> str:
        return self.config.code

    @property
    def group(self) -> str:
        return next(group for group, kinds in GROUPS.items() if self.config.kind in kinds)

    def name(self, lang: str) -> str:
        return self.config.name.get(lang)

    def unverified(self) -> list[str]:
        """What is shown of the station that the bureau has not confirmed (address, phone, location, hours)."""
        config = self.config
        fields = [("address", config.address.verified), ("phone", config.phone is None or config.phone.verified),
                  ("location", config.location.verified), ("hours", config.hours.verified)]
        return [name for name, verified in fields if not verified]


class UnknownStation(ValueError):
    """A station named by nothing in the directory; the message lists the valid stations."""

    def __init__(self, value: str, directory: StationDirectory):
        self.value = value
        super().__init__(f"unknown station {value!r}; give an id, a division code or a name:\n{directory.listing()}")


class StationDirectory:
    """Find stations by id, division code or name (the one resolver), by group, or by distance."""

    def __init__(self, stations: list[StationConfig], office_hours: dict[str, list[OpeningSpan]],
                 rooms: list[RoomConfig] | None = None, centre: CentreConfig | None = None,
                 days: WorkingDays | None = None, district_phone: str = "12348"):
        rooms = rooms or []
        self._stations = {
            s.id: Station(s, tuple(office_hours[s.hours.spans]), tuple(r for r in rooms if r.station == s.id))
            for s in stations
        }
        self.centre = centre
        self.centre_hours = tuple(office_hours.get(centre.hours.spans, [])) if centre else ()
        self.days = days or WorkingDays()
        self.district_phone = district_phone
        self._names: dict[str, Station] = {}
        for station in self._stations.values():
            config = station.config
            names = [config.id, config.code, config.name.zh, config.name.en, *config.aliases]
            names += [short_name(config.name.zh), *(short_name(alias) for alias in config.aliases)]
            english = _key(config.name.en)
            names += [english[: -len(suffix)] for suffix in map(_key, EN_SUFFIXES) if english.endswith(suffix)]
            for name in names:
                if name:
                    self._names.setdefault(_key(name), station)

    @classmethod
    def from_settings(cls, settings: Settings) -> StationDirectory:
        return cls(settings.stations, settings.office_hours, settings.rooms, settings.district_centre,
                   WorkingDays(settings.closures), settings.district_phone)

    def __iter__(self):
        return iter(self._stations.values())

    def __len__(self) -> int:
        return len(self._stations)

    def get(self, station_id: str | None) -> Station | None:
        return self._stations.get(station_id or "")

    def resolve(self, value: str | None) -> Station | None:
        """The station an id, a division code or a name (潞源街道, 潞源, 通州区潞源街道, Luyuan) stands for."""
        key = _key(value or "")
        station = self._names.get(key)
        for prefix in map(_key, PREFIXES):  # 北京市通州区潞源街道: each prefix off in turn
            if station is None and key.startswith(prefix):
                key = key[len(prefix):]
                station = self._names.get(key)
        return station

    def lookup(self, value: str) -> Station:
        """Like resolve, for the command line: raises UnknownStation, which lists the valid stations."""
        station = self.resolve(value)
        if station is None:
            raise UnknownStation(value, self)
        return station

    def station_id(self, value: str | None) -> str | None:
        """For an optional command-line argument: None stays None, anything else must name a station."""
        return None if value is None else self.lookup(value).id

    def grouped(self) -> dict[str, list[Station]]:
        """Streets, then towns and townships, each in file order."""
        return {group: [s for s in self if s.config.kind in kinds] for group, kinds in GROUPS.items()}

    def listing(self) -> str:
        """The valid stations, one a line (id, division code, name), for the command line."""
        lines = []
        for group, stations in self.grouped().items():
            lines.append(f"{group}s:" if group == "street" else "towns and townships:")
            lines += [f"  {s.id:<12} {s.code:<10} {s.name('zh')}" for s in stations]
        return "\n".join(lines)

    def nearest(self, point: tuple[float, float]) -> tuple[Station, float]:
        return min(((s, distance_km(point, s.config.location.point)) for s in self), key=lambda pair: pair[1])


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
