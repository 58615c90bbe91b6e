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
from bot.services import build_assistant
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


@pytest.fixture
def settings(clean_database: str) -> Settings:
    return load_settings(Path(__file__).resolve().parent.parent / "config.yml", database_url=clean_database)


@pytest.fixture
def assistant(settings: Settings, clock: FakeClock) -> Assistant:
    built = build_assistant(settings, clock=clock, migrate=False)
    yield built
    built.close()
