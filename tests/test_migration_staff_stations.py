"""Migration 0008 keeps every member's station and every reference to staff, both ways."""

from __future__ import annotations

import uuid

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from bot.db.migrate import alembic_config, upgrade
from tests.conftest import POSTGRES_ADMIN_URL

NOW = "2026-01-01 00:00:00+00"


@pytest.fixture
def empty_database(tmp_path):
    if not POSTGRES_ADMIN_URL:
        yield f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
        return
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"legalbot_migrate_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def rows(url: str, query: str) -> list[tuple]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(query))]
    finally:
        engine.dispose()


def test_staff_stations_and_staff_references_survive_the_migration_both_ways(empty_database):
    url = empty_database
    upgrade(url, "0007")
    engine = create_engine(url)
    with engine.begin() as connection:
        for values in ("1, '501', '王', 'officer', 'luyuan'", "2, '502', '李', 'lawyer', NULL"):
            connection.execute(text("INSERT INTO staff_members (id, channel, external_id, name, role, station_id, "
                                    f"active, created_at) VALUES ({values.split(', ', 1)[0]}, 'telegram', "
                                    f"{values.split(', ', 1)[1]}, true, '{NOW}')"))
        connection.execute(text(f"INSERT INTO ticket_events (staff_id, actor, kind, detail, at) "
                                f"VALUES (1, 'cli', 'staff_added', '', '{NOW}')"))
    engine.dispose()

    upgrade(url)
    assert rows(url, "SELECT id, role FROM staff_members ORDER BY id") == [(1, "station_staff"), (2, "lawyer")]
    assert rows(url, "SELECT staff_id, station_id FROM staff_stations") == [(1, "luyuan")]
    assert rows(url, "SELECT staff_id FROM ticket_events") == [(1,)]

    command.downgrade(alembic_config(url), "0007")
    assert rows(url, "SELECT id, role, station_id FROM staff_members ORDER BY id") == [
        (1, "officer", "luyuan"), (2, "lawyer", None)]
    assert rows(url, "SELECT staff_id FROM ticket_events") == [(1,)]
