"""Settings: config.yml with environment overrides, read through one cached getter."""

from __future__ import annotations

import os
from datetime import date, time
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


class CheckedText(Localized):
    """A text in both languages, and whether the bureau has confirmed it."""

    verified: bool = False


class Phone(BaseModel):
    """A station's own line; a station without one is reached through the district's 12348 hotline."""

    number: str = Field(pattern=r"^[0-9-]{3,20}$")
    verified: bool = False


class Place(BaseModel):
    """WGS-84 coordinates of the town or street government seat that hosts a station."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    verified: bool = False

    @model_validator(mode="before")
    @classmethod
    def from_pair(cls, value: Any) -> Any:
        if isinstance(value, (list, tuple)) and len(value) == 2:
            return {"lat": value[0], "lon": value[1]}
        return value

    @property
    def point(self) -> tuple[float, float]:
        return (self.lat, self.lon)


class Hours(BaseModel):
    """Which set of office_hours a station keeps, and whether the bureau has confirmed it."""

    spans: str = "default"
    verified: bool = False

    @model_validator(mode="before")
    @classmethod
    def from_name(cls, value: Any) -> Any:
        return {"spans": value} if isinstance(value, str) else value


class StationConfig(BaseModel):
    """A town-level public legal service station (公共法律服务工作站), one per street, town or township."""

    id: str = Field(pattern=r"^[a-z0-9_]{1,24}$")
    code: str = Field("", pattern=r"^([0-9]{9})?$")  # the official division code, e.g. 110112007
    kind: Literal["street", "town", "township"] = "street"
    name: Localized
    aliases: list[str] = []  # other names residents and staff use, e.g. 于家务乡
    address: CheckedText
    phone: Phone | None = None
    location: Place
    hours: Hours = Hours()


class CentreConfig(BaseModel):
    """The district public legal service centre: it takes whatever no station can."""

    name: Localized
    address: CheckedText | None = None
    phone: Phone | None = None
    hours: Hours = Hours()


class RoomConfig(BaseModel):
    """A legal service room below a station: a village's or community's (村居), or a special one such as a park's."""

    id: str = Field(pattern=r"^[a-z0-9_]{1,24}$")
    station: str
    kind: Literal["village", "community", "park"]
    name: Localized
    serves: Localized | None = None
    verified: bool = False


class Closure(BaseModel):
    """A closure of the bureau's own, on top of the State Council's holidays: district-wide, or one station's."""

    model_config = {"populate_by_name": True}

    first: date = Field(alias="from")
    last: date | None = Field(None, alias="to")
    station: str | None = None
    note: str = ""

    def covers(self, day: date, station_id: str | None) -> bool:
        in_station = self.station is None or self.station == station_id
        return in_station and self.first <= day <= (self.last or self.first)


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


class ConsoleConfig(BaseModel):
    """The staff console (/staff): sign-in links sent by the bot, and how long a signed-in session lasts."""

    link_minutes: int = Field(10, ge=1, le=60)  # a sign-in link works once, within this time
    session_hours: float = Field(8, gt=0, le=24)  # a working day at most, however active
    idle_minutes: int = Field(60, ge=5)  # signed out after this long without a request
    secure_cookie: bool = False  # True behind HTTPS: the cookie is then never sent over plain HTTP
    base_url: str = "http://127.0.0.1:8080"  # the service's public address, as staff open it (https behind a proxy)


class EscalationStep(BaseModel):
    """One rung of the whistle's ladder: who is told, and how many minutes after the previous rung."""

    to: Literal["group", "supervisor", "duty"]
    after_minutes: float = Field(10, gt=0)


class HandoffConfig(BaseModel):
    """转人工: the response window (吹哨报到), its escalation ladder and the duty desk."""

    window_minutes: float = Field(10, gt=0)
    urgent_window_minutes: float = Field(3, gt=0)
    escalation: list[EscalationStep] = [
        EscalationStep(to="group", after_minutes=10),
        EscalationStep(to="supervisor", after_minutes=5),
        EscalationStep(to="duty", after_minutes=5),
    ]
    urgent_words_file: Path = Path("knowledge/urgent_words.yml")
    permissions_file: Path = Path("knowledge/staff_permissions.yml")
    duty_chat_id: str = ""
    show_staff_name: bool = True
    whistle_check_seconds: float = 20
    expected_minutes_per_ticket: float = 10
    summary_messages: int = Field(5, ge=0, le=20)
    holidays: list[date] = []  # older configs: district-wide closures, moved to Settings.closures on load


class LegalAidConfig(BaseModel):
    """法律援助绿色通道: the eligibility rules and the evidence files an application may carry."""

    rules_file: Path = Path("knowledge/legal_aid_rules.yml")
    max_file_mb: float = Field(10, gt=0, le=20)  # Telegram lets bots download files up to 20 MB
    max_files: int = Field(10, ge=1, le=50)
    file_types: list[str] = ["image/jpeg", "image/png", "application/pdf", "application/msword",
                             "application/vnd.openxmlformats-officedocument.wordprocessingml.document"]
    file_type_names: str = "JPG, PNG, PDF, Word"


class WebConfig(BaseModel):
    """The web channel (`legalbot serve`): address, workers, cookie, live delivery and rate limits."""

    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = Field(1, ge=1)
    secure_cookie: bool = False  # True behind HTTPS: the visitor cookie is then never sent over plain HTTP
    cookie_days: int = Field(180, ge=1)
    poll_seconds: float = Field(1, gt=0)  # how often a worker looks in the outbox for its connected visitors
    per_visitor_per_minute: int = Field(60, ge=1)
    per_ip_per_minute: int = Field(600, ge=1)
    link_code_minutes: int = Field(10, ge=1)
    # The web chat's public address ("https://fl.example.cn"): when set, mediation invitations carry a web link
    # (<public_url>/#start=m_<token>) for a respondent without Telegram. Empty: no web link is announced.
    public_url: str = Field("", pattern=r"^(https?://[^\s#?]+)?$")

    @field_validator("public_url")
    @classmethod
    def strip_trailing_slash(cls, url: str) -> str:
        return url.rstrip("/")


class Settings(BaseSettings):
    """Everything the bot is configured with."""

    model_config = SettingsConfigDict(extra="ignore", env_nested_delimiter="__")

    config_dir: Path = PROJECT_ROOT
    district: Localized = Localized(zh="本区", en="the district")
    database_url: str = "sqlite:///var/legalbot.sqlite3"
    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_webhook_secret: SecretStr | None = None
    web_secret_key: SecretStr | None = None  # signs the web visitor cookie; else a key kept in var/
    web: WebConfig = WebConfig()
    webhook: WebhookConfig = WebhookConfig()
    rate_limit: RateLimitConfig = RateLimitConfig()
    privacy: PrivacyConfig = PrivacyConfig()
    timezone: str = "Asia/Shanghai"
    nlu: NluConfig = NluConfig()
    hot_questions: HotQuestionsConfig = HotQuestionsConfig()
    lectures: LecturesConfig = LecturesConfig()
    notifications: NotificationsConfig = NotificationsConfig()
    handoff: HandoffConfig = HandoffConfig()
    console: ConsoleConfig = ConsoleConfig()
    legal_aid: LegalAidConfig = LegalAidConfig()
    menus_dir: Path = Path("menus")
    knowledge_dir: Path = Path("knowledge")
    nlu_dir: Path = Path("nlu")
    forms_dir: Path = Path("forms")  # guided forms as data (bot/forms)
    knowledge_check_seconds: float = 10  # how often a running bot looks for edited knowledge-base files
    max_text_length: int = 4096
    concurrent_updates: int = 16
    office_hours: dict[str, list[OpeningSpan]] = {}
    stations: list[StationConfig] = []
    district_centre: CentreConfig | None = None
    rooms: list[RoomConfig] = []
    district_phone: str = "12348"
    closures: list[Closure] = []

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
        self.forms_dir = self.config_dir / self.forms_dir
        self.handoff.urgent_words_file = self.config_dir / self.handoff.urgent_words_file
        self.handoff.permissions_file = self.config_dir / self.handoff.permissions_file
        self.privacy.retention_file = self.config_dir / self.privacy.retention_file
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix) and not self.database_url.startswith(prefix + "/"):
            relative = self.database_url[len(prefix):]
            if relative and relative != ":memory:":
                self.database_url = prefix + str(self.config_dir / relative)
        if self.handoff.holidays:
            self.closures += [Closure(first=day) for day in self.handoff.holidays]
            self.handoff.holidays = []
        ids = [station.id for station in self.stations]
        if len(set(ids)) != len(ids):
            raise ValueError("two stations share an id")
        for station in self.stations:
            if station.hours.spans not in self.office_hours:
                raise ValueError(f"station {station.id}: unknown office hours {station.hours.spans!r}")
        if self.district_centre and self.district_centre.hours.spans not in self.office_hours:
            raise ValueError(f"district centre: unknown office hours {self.district_centre.hours.spans!r}")
        for room in self.rooms:
            if room.station not in ids:
                raise ValueError(f"room {room.id}: unknown station {room.station!r}")
        for closure in self.closures:
            if closure.station is not None and closure.station not in ids:
                raise ValueError(f"closure from {closure.first}: unknown station {closure.station!r}")
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
    for secret in ("telegram_bot_token", "telegram_webhook_secret", "web_secret_key"):
        if secret in data:
            raise ValueError(f"{path}: {secret} must come from the environment, not the config file")
    data.setdefault("config_dir", path.parent)
    stations_file = data.pop("stations_file", None)
    if stations_file:  # the bureau's service network, kept in a file of its own; config.yml may still override
        network = yaml.safe_load((Path(data["config_dir"]) / stations_file).read_text(encoding="utf-8")) or {}
        for key in ("office_hours", "stations", "district_centre", "rooms", "district_phone"):
            if key in network:
                data.setdefault(key, network[key])
    settings = Settings(**data)
    return settings.model_copy(update=overrides) if overrides else settings


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, loaded on first use."""
    return load_settings()
