"""What mediation needs from the rest of the bot: its own data files, texts, stations, the statute table, time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import yaml

from bot.core.content import Content, Texts, pick
from bot.core.stations import StationDirectory
from bot.forms.definition import Form, load_form
from bot.handoff.permissions import Permissions
from bot.handoff.permissions import load as load_permissions
from bot.knowledge.laws import Article, StatuteTable, statute_table
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.core.assistant import Assistant

HERE = Path(__file__).resolve().parent
FORM = "mediation"  # forms/mediation.yml
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[+-]\d{2}:\d{2}|Z)")
FORMS = HERE.parent.parent / "forms"
STAFF_LANG = "zh"  # staff read the desk and the command line in Chinese, the bureau's working language


@dataclass(frozen=True)
class ServiceData:
    """mediation.yml and the application form (forms/mediation.yml), read once."""

    config: dict[str, Any]
    form: Form

    def option(self, field: str, value: str, lang: str) -> str:
        """A choice's label as people read it (the form file holds the only copy of each label)."""
        step = self.form.step(field)
        label = next((choice.label for choice in step.choices if choice.key == value), None) if step else None
        return pick(label, lang) if label else value

    def label(self, field: str, lang: str) -> str:
        step = self.form.step(field)
        return pick(step.label, lang) if step and isinstance(step.label, dict) else field


def cited(config: dict[str, Any], name: str) -> tuple[str, int]:
    """mediation.yml's `articles`: a name → (law id, article number), written as `law_id/number`."""
    law, _, number = str(config["articles"][name]).partition("/")
    return law, int(number)


@lru_cache(maxsize=4)
def service_data(forms_dir: Path = FORMS, folder: Path = HERE) -> ServiceData:
    config = yaml.safe_load((folder / "mediation.yml").read_text(encoding="utf-8"))
    return ServiceData(config, load_form(forms_dir / f"{FORM}.yml"))


@dataclass(frozen=True)
class MediationContext:
    settings: Settings
    texts: Texts
    stations: StationDirectory
    data: ServiceData
    home: str = "home"

    @classmethod
    def of(cls, assistant: Assistant) -> MediationContext:
        return cls(assistant.settings, assistant.content.texts, assistant.stations,
                   service_data(assistant.settings.forms_dir), assistant.content.menu.root)

    @classmethod
    def load(cls, settings: Settings) -> MediationContext:
        """For the command line and background jobs without an assistant."""
        content = Content.load(settings.menus_dir)
        return cls(settings, content.texts, StationDirectory.from_settings(settings), service_data(settings.forms_dir),
                   content.menu.root)

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

    def article(self, name: str) -> Article:
        """An article the service cites, by its name in mediation.yml (`articles`), from the statute table."""
        law, number = cited(self.config, name)
        found = self.statutes.article(law, number)
        if found is None:  # checked at start-up (plugin.check), so this is a packaging error
            raise LookupError(f"{law} article {number} is not in the statute table")
        return found

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def local_times(self, text: str) -> str:
        """An event's detail as staff read it: the moments stored in UTC (proposed times, a fixed session) in
        Beijing time, as 2026-12-03 10:00."""
        def local(match: re.Match) -> str:
            moment = datetime.fromisoformat(match.group(0).replace("Z", "+00:00"))
            return self.local(moment).strftime("%Y-%m-%d %H:%M") if moment.tzinfo else match.group(0)

        return _ISO_MOMENT.sub(local, text)

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
