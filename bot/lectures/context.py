"""What the lecture feature needs from the rest of the bot: settings, texts, topic names and station names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import yaml

from bot.core.content import Content, Texts
from bot.core.stations import StationDirectory
from bot.lectures.repository import ONLINE
from bot.settings import LecturesConfig, Settings

if TYPE_CHECKING:
    from bot.core.assistant import Assistant



@lru_cache(maxsize=4)
def topic_names(knowledge_dir: Path) -> dict[str, dict[str, str]]:
    """Topic names from knowledge/topics.yml, read once: lectures need no more of the knowledge base, which may
    still be loading in the background."""
    return yaml.safe_load((knowledge_dir / "topics.yml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class LectureContext:
    settings: Settings
    texts: Texts
    topics: dict[str, dict[str, str]]
    stations: StationDirectory

    @classmethod
    def of(cls, assistant: Assistant) -> LectureContext:
        return cls(assistant.settings, assistant.content.texts, topic_names(assistant.settings.knowledge_dir),
                   assistant.stations)

    @classmethod
    def load(cls, settings: Settings) -> LectureContext:
        """For the command line: the texts, topic names and stations, without the knowledge base or NLU."""
        return cls(settings, Content.load(settings.menus_dir).texts, topic_names(settings.knowledge_dir),
                   StationDirectory.from_settings(settings))

    @property
    def config(self) -> LecturesConfig:
        return self.settings.lectures

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def t(self, key: str, lang: str, **values: Any) -> Any:
        value = self.texts.get(key, lang, **values)
        return value.strip() if isinstance(value, str) else value

    def topic_name(self, topic: str, lang: str) -> str:
        names = self.topics.get(topic) or self.topics.get("other") or {"zh": topic, "en": topic}
        return names["en" if lang == "en" else "zh"]

    def town_name(self, town: str | None, lang: str) -> str:
        if town == ONLINE:
            return self.t("lec_online", lang)
        station = self.stations.get(town)
        if station is not None:
            return station.name(lang)
        return self.t("lec_district_wide", lang, district=self.settings.district.get(lang))

    def is_town(self, town: str) -> bool:
        return town == ONLINE or self.stations.get(town) is not None
