"""Settings: config.yml with environment overrides, read through one cached getter."""

from __future__ import annotations

import os
from datetime import time
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "config.yml"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Localized(BaseModel):
    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class OpeningSpan(BaseModel):
    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]]
    open: time
    close: time


class StationConfig(BaseModel):
    id: str = Field(pattern=r"^[a-z0-9_]{1,24}$")
    kind: Literal["street", "town", "township"] = "street"
    name: Localized
    address: Localized
    phone: str
    location: tuple[float, float]
    hours: str = "default"


class WebhookConfig(BaseModel):
    listen: str = "127.0.0.1"
    port: int = 8443
    path: str = "telegram"
    url: str = ""


class RateLimitConfig(BaseModel):
    """Outgoing limits that keep the bot within Telegram's flood limits; 0 turns a limit off."""

    overall_per_second: float = 30
    group_per_minute: float = 20
    max_retries: int = 3


class NluConfig(BaseModel):
    """Where the Rasa server is, and when the embedded classifier stands in for it."""

    rasa_url: str = "http://127.0.0.1:5005"
    timeout_seconds: float = 2.0
    retry_seconds: float = 30.0
    intent_threshold: float = 0.6


class HotQuestionsConfig(BaseModel):
    min_town_questions: int = 20
    limit: int = 8


class PrivacyConfig(BaseModel):
    """Where the retention table is, and the per-resident flood limit."""

    retention_file: Path = Path("privacy/retention.yml")
    flood_messages: int = Field(40, gt=0)  # at most this many updates from one resident ...
    flood_seconds: int = Field(60, gt=0)  # ... in this many seconds; more get one polite answer, then silence


class LecturesConfig(BaseModel):
    """法治微讲堂: booking limits, reminder times and the demo catalogue."""

    reminder_minutes_before: list[int] = [1440, 60]
    reminder_check_seconds: float = 30
    max_seats_per_booking: int = Field(4, ge=1, le=20)
    page_size: int = Field(5, ge=1, le=10)
    demo_data: bool = True
    demo_file: Path = Path("menus/lectures_demo.yml")
    request_prefix: str = Field("JZ", pattern=r"^[A-Z]{1,4}$")


class NotificationsConfig(BaseModel):
    """The outbox of messages to users that answer nobody's update (waitlist, reminders, cancellations)."""

    poll_seconds: float = 2
    batch_size: int = 20
    claim_lease_seconds: int = 120
    max_attempts: int = 5
    keep_sent_days: int = 30


class EscalationStep(BaseModel):
    """One rung of the whistle's ladder: who is told, and how many minutes after the previous rung."""

    to: Literal["group", "supervisor", "duty"]
    after_minutes: float = Field(10, gt=0)


class HandoffConfig(BaseModel):
    """转人工: the response window (吹哨报到), its escalation ladder, holidays and the duty desk."""

    window_minutes: float = Field(10, gt=0)
    urgent_window_minutes: float = Field(3, gt=0)
    escalation: list[EscalationStep] = [
        EscalationStep(to="group", after_minutes=10),
        EscalationStep(to="supervisor", after_minutes=5),
        EscalationStep(to="duty", after_minutes=5),
    ]
    urgent_words_file: Path = Path("knowledge/urgent_words.yml")
    duty_chat_id: str = ""
    show_staff_name: bool = True
    whistle_check_seconds: float = 20
    expected_minutes_per_ticket: float = 10
    summary_messages: int = Field(5, ge=0, le=20)
    holidays: list[str] = []


class LegalAidConfig(BaseModel):
    """法律援助绿色通道: the eligibility rules and the evidence files an application may carry."""

    rules_file: Path = Path("knowledge/legal_aid_rules.yml")
    max_file_mb: float = Field(10, gt=0, le=20)  # Telegram lets bots download files up to 20 MB
    max_files: int = Field(10, ge=1, le=50)
    file_types: list[str] = ["image/jpeg", "image/png", "application/pdf", "application/msword",
                             "application/vnd.openxmlformats-officedocument.wordprocessingml.document"]
    file_type_names: str = "JPG, PNG, PDF, Word"


class Settings(BaseSettings):
    """Everything the bot is configured with."""

    model_config = SettingsConfigDict(extra="ignore", env_nested_delimiter="__")

    config_dir: Path = PROJECT_ROOT
    district: Localized = Localized(zh="本区", en="the district")
    database_url: str = "sqlite:///var/legalbot.sqlite3"
    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_webhook_secret: SecretStr | None = None
    webhook: WebhookConfig = WebhookConfig()
    rate_limit: RateLimitConfig = RateLimitConfig()
    privacy: PrivacyConfig = PrivacyConfig()
    timezone: str = "Asia/Shanghai"
    nlu: NluConfig = NluConfig()
    hot_questions: HotQuestionsConfig = HotQuestionsConfig()
    lectures: LecturesConfig = LecturesConfig()
    notifications: NotificationsConfig = NotificationsConfig()
    handoff: HandoffConfig = HandoffConfig()
    legal_aid: LegalAidConfig = LegalAidConfig()
    menus_dir: Path = Path("menus")
    knowledge_dir: Path = Path("knowledge")
    nlu_dir: Path = Path("nlu")
    max_text_length: int = 4096
    concurrent_updates: int = 16
    office_hours: dict[str, list[OpeningSpan]] = {}
    stations: list[StationConfig] = []

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (env_settings, init_settings)

    @field_validator("telegram_api_url")
    @classmethod
    def strip_trailing_slash(cls, url: str) -> str:
        return url.rstrip("/")

    @model_validator(mode="after")
    def resolve_paths(self) -> "Settings":
        self.menus_dir = self.config_dir / self.menus_dir
        self.knowledge_dir = self.config_dir / self.knowledge_dir
        self.nlu_dir = self.config_dir / self.nlu_dir
        self.handoff.urgent_words_file = self.config_dir / self.handoff.urgent_words_file
        self.privacy.retention_file = self.config_dir / self.privacy.retention_file
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix) and not self.database_url.startswith(prefix + "/"):
            relative = self.database_url[len(prefix):]
            if relative and relative != ":memory:":
                self.database_url = prefix + str(self.config_dir / relative)
        for station in self.stations:
            if station.hours not in self.office_hours:
                raise ValueError(f"station {station.id}: unknown office hours {station.hours!r}")
        return self

    @property
    def sqlite_path(self) -> Path | None:
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix) and self.database_url != prefix + ":memory:":
            return Path(self.database_url[len(prefix):])
        return None


def load_settings(config_path: str | os.PathLike[str] | None = None, **overrides: Any) -> Settings:
    """Build settings from a config file (LEGALBOT_CONFIG or config.yml), the environment and overrides."""
    path = Path(config_path or os.environ.get("LEGALBOT_CONFIG") or DEFAULT_CONFIG).resolve()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for secret in ("telegram_bot_token", "telegram_webhook_secret"):
        if secret in data:
            raise ValueError(f"{path}: {secret} must come from the environment, not the config file")
    data.setdefault("config_dir", path.parent)
    settings = Settings(**data)
    return settings.model_copy(update=overrides) if overrides else settings


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, loaded on first use."""
    return load_settings()
