"""Shared fixtures: a migrated database (SQLite, or PostgreSQL when LEGALBOT_TEST_POSTGRES is set)."""

from __future__ import annotations

import os
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.core.assistant import Assistant
from bot.db.migrate import upgrade
from bot.db.models import Base
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.retrieval import Retriever
from bot.nlu.service import NluService
from bot.services import build_assistant, build_nlu
from bot.settings import Settings, load_settings

POSTGRES_ADMIN_URL = os.environ.get("LEGALBOT_TEST_POSTGRES")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """A fresh database for this test run, migrated to the latest schema."""
    if not POSTGRES_ADMIN_URL:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        upgrade(url)
        yield url
        return
    name = f"legalbot_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def clean_database(database_url: str) -> str:
    """The test database, emptied before the test."""
    engine = create_engine(database_url)
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))
    engine.dispose()
    return database_url


class FakeClock:
    """A clock the tests move by hand."""

    def __init__(self, start: datetime | None = None):
        self.now = start or datetime(2026, 11, 26, 9, 30, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


CONFIG = Path(__file__).resolve().parent.parent / "config.yml"


@pytest.fixture(scope="session")
def knowledge() -> KnowledgeBase:
    return KnowledgeBase.load(load_settings(CONFIG).knowledge_dir)


@pytest.fixture(scope="session")
def retriever(knowledge: KnowledgeBase) -> Retriever:
    return Retriever(knowledge.entries)


@pytest.fixture(scope="session")
def embedded_nlu(knowledge: KnowledgeBase) -> NluService:
    """NLU without Rasa: the embedded classifier, trained once for the whole run."""
    settings = load_settings(CONFIG)
    settings.nlu.rasa_url = ""
    return build_nlu(settings, knowledge)


@pytest.fixture
def settings(clean_database: str) -> Settings:
    settings = load_settings(CONFIG, database_url=clean_database)
    settings.nlu = settings.nlu.model_copy(update={"rasa_url": ""})
    return settings


@pytest.fixture
def domain_services(knowledge, retriever, embedded_nlu) -> dict:
    """The loaded knowledge base and trained NLU, shared so each assistant starts fast."""
    return dict(knowledge=knowledge, retriever=retriever, nlu=embedded_nlu)


@pytest.fixture
def assistant(settings: Settings, clock: FakeClock, domain_services) -> Assistant:
    built = build_assistant(settings, clock=clock, migrate=False, **domain_services)
    yield built
    built.close()


BOT_USER = dict(id=777000, first_name="法律超市", username="legal_market_bot")


@pytest.fixture
def start_bot(settings, clock, domain_services):
    """Start the real PTB application against a fresh fake Bot API server; stopped after the test."""
    from tests.fakebot import FakeTelegram
    from tests.live_bot import LiveBot

    started = []

    def start(mode: str = "polling", server=None):
        """A bot on a new fake server, or, given one, a second bot process on the same server and database."""
        server = server or FakeTelegram(token="123456:E2E", bot_user=BOT_USER).start()
        bot = LiveBot(server, settings, clock, mode=mode, services=domain_services)
        started.append(bot)
        return bot.start()

    yield start
    for bot in started:
        bot.stop()
    for server in {id(bot.server): bot.server for bot in started}.values():
        server.stop()


@pytest.fixture
def telegram_bot(start_bot):
    """The bot in polling mode."""
    return start_bot()
