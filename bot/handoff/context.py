"""What the handoff needs from the rest of the bot: settings, texts, stations, topic names and urgent words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo


from bot.core import urgent
from bot.core.content import Content, Texts
from bot.core.stations import StationDirectory, describe_hours
from bot.core.workdays import WorkingDays
from bot.handoff.permissions import Permissions
from bot.handoff.permissions import load as load_permissions
from bot.lectures.context import topic_names
from bot.settings import HandoffConfig, OpeningSpan, Settings

if TYPE_CHECKING:
    from bot.core.assistant import Assistant

# Staff read the desk in Chinese: the bureau's working language.
STAFF_LANG = "zh"


@dataclass(frozen=True)
class HandoffContext:
    settings: Settings
    texts: Texts
    topics: dict[str, dict[str, str]]
    stations: StationDirectory
    home: str = "home"

    @classmethod
    def of(cls, assistant: Assistant) -> HandoffContext:
        return cls(assistant.settings, assistant.content.texts, topic_names(assistant.settings.knowledge_dir),
                   assistant.stations, assistant.content.menu.root)

    @classmethod
    def load(cls, settings: Settings) -> HandoffContext:
        """For the command line: texts and stations, without the knowledge base or NLU."""
        stations = StationDirectory.from_settings(settings)
        content = Content.load(settings.menus_dir)
        return cls(settings, content.texts, topic_names(settings.knowledge_dir), stations, content.menu.root)

    @property
    def config(self) -> HandoffConfig:
        return self.settings.handoff

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    def t(self, key: str, lang: str = STAFF_LANG, **values: Any) -> Any:
        value = self.texts.get(key, lang, **values)
        return value.strip() if isinstance(value, str) else value

    @property
    def permissions(self) -> Permissions:
        return Permissions(load_permissions(self.config.permissions_file))

    def is_urgent(self, text: str) -> bool:
        return urgent.load(self.config.urgent_words_file).is_urgent(text)

    @property
    def days(self) -> WorkingDays:
        return self.stations.days

    def hours_of(self, station_id: str | None) -> tuple[OpeningSpan, ...]:
        """A station's opening spans; the district centre's for a ticket without one."""
        station = self.stations.get(station_id)
        if station is not None:
            return station.hours
        return self.stations.centre_hours or tuple(self.settings.office_hours.get("default", []))

    def describe_hours(self, station_id: str | None, lang: str) -> str:
        """The station's opening hours, with the word that public holidays close it."""
        return self.texts.get("station_hours", lang, hours=describe_hours(self.hours_of(station_id), self.texts, lang))

    def station_name(self, station_id: str | None, lang: str = STAFF_LANG) -> str:
        """The station's name; the district centre's (or the district's) for what no station has."""
        station = self.stations.get(station_id)
        if station is not None:
            return station.name(lang)
        centre = self.stations.centre
        return centre.name.get(lang) if centre else self.settings.district.get(lang)

    def topic_name(self, topic: str | None, lang: str = STAFF_LANG) -> str:
        names = self.topics.get(topic or "other") or self.topics.get("other") or {"zh": "其他", "en": "other"}
        return names["en" if lang == "en" else "zh"]

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)
