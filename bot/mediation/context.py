"""What mediation needs from the rest of the bot: its own data files, texts, stations, the statute table, time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import yaml

from bot.core.content import Content, Texts, pick
from bot.core.stations import StationDirectory
from bot.handoff.permissions import Permissions
from bot.handoff.permissions import load as load_permissions
from bot.knowledge.laws import Article, StatuteTable, statute_table
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.core.assistant import Assistant

HERE = Path(__file__).resolve().parent
STAFF_LANG = "zh"  # staff read the desk and the command line in Chinese, the bureau's working language


@dataclass(frozen=True)
class Step:
    """One question of the intake form (intake.yml)."""

    field: str
    type: str
    label: dict[str, str]
    ask: dict[str, str]
    options: dict[str, dict[str, str]]
    min: int = 1
    max: int = 800
    optional: bool = False


@dataclass(frozen=True)
class ServiceData:
    """mediation.yml and intake.yml, read once."""

    config: dict[str, Any]
    steps: tuple[Step, ...]

    def step(self, field: str) -> Step:
        return next(step for step in self.steps if step.field == field)

    def option(self, field: str, value: str, lang: str) -> str:
        options = self.step(field).options
        return pick(options[value], lang) if value in options else value


@lru_cache(maxsize=2)
def service_data(folder: Path = HERE) -> ServiceData:
    config = yaml.safe_load((folder / "mediation.yml").read_text(encoding="utf-8"))
    form = yaml.safe_load((folder / "intake.yml").read_text(encoding="utf-8"))
    steps = tuple(Step(field=s["field"], type=s["type"], label=s["label"], ask=s["ask"],
                       options=s.get("options") or {}, min=s.get("min", 1), max=s.get("max", 800),
                       optional=bool(s.get("optional"))) for s in form["steps"])
    return ServiceData(config, steps)


@dataclass(frozen=True)
class MediationContext:
    settings: Settings
    texts: Texts
    stations: StationDirectory
    data: ServiceData
    home: str = "home"

    @classmethod
    def of(cls, assistant: Assistant) -> MediationContext:
        return cls(assistant.settings, assistant.content.texts, assistant.stations, service_data(),
                   assistant.content.menu.root)

    @classmethod
    def load(cls, settings: Settings) -> MediationContext:
        """For the command line and background jobs without an assistant."""
        content = Content.load(settings.menus_dir)
        return cls(settings, content.texts, StationDirectory.from_settings(settings), service_data(), content.menu.root)

    @property
    def config(self) -> dict[str, Any]:
        return self.data.config

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    def t(self, key: str, lang: str = STAFF_LANG, **values: Any) -> Any:
        value = self.texts.get(key, lang, **values)
        return value.strip() if isinstance(value, str) else value

    def station_name(self, station_id: str | None, lang: str = STAFF_LANG) -> str:
        station = self.stations.get(station_id)
        if station is not None:
            return station.name(lang)
        centre = self.stations.centre
        return centre.name.get(lang) if centre else self.settings.district.get(lang)

    def station_address(self, station_id: str | None, lang: str) -> str:
        station = self.stations.get(station_id)
        if station is not None:
            return station.config.address.get(lang)
        centre = self.stations.centre
        return centre.address.get(lang) if centre and centre.address else self.station_name(station_id, lang)

    def committee(self, station_id: str | None, lang: str) -> str:
        return pick(self.config["committee"], lang).format(station=self.station_name(station_id, lang))

    @property
    def permissions(self) -> Permissions:
        return Permissions(load_permissions(self.settings.handoff.permissions_file))

    def court(self, lang: str) -> str:
        return pick(self.config["judicial_confirmation"]["court"], lang)

    @property
    def statutes(self) -> StatuteTable:
        return statute_table(self.settings.knowledge_dir / "laws")

    def article(self, law: str, number: int) -> Article:
        found = self.statutes.article(law, number)
        if found is None:  # the statute table is part of the product: a missing article is a packaging error
            raise LookupError(f"{law} article {number} is not in the statute table")
        return found

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def when(self, moment: datetime, lang: str) -> str:
        """A time as residents read it: 2026-12-03（周四）10:00, in Beijing time."""
        local = self.local(moment)
        weekday = self.texts.get("md_weekdays", lang)[local.weekday()]
        return self.texts.get("md_when", lang, date=local.date().isoformat(), weekday=weekday,
                              time=local.strftime("%H:%M"))

    def at_reminder_hour(self, day: date) -> datetime:
        """The moment (UTC) date-based reminders go out on a day: the configured local hour."""
        local = datetime.combine(day, time(int(self.config.get("reminder_hour", 9))), self.zone)
        return local.astimezone(timezone.utc)
