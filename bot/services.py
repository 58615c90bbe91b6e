"""Build the domain services from settings: shared by every channel and command."""

from __future__ import annotations

from bot.core.assistant import Assistant, Clock, utcnow
from bot.core.content import Content
from bot.db.engine import make_engine, make_session_factory
from bot.db.migrate import upgrade
from bot.settings import Settings


def build_assistant(settings: Settings, clock: Clock = utcnow, migrate: bool = True) -> Assistant:
    """Open the database (migrating it to the latest schema) and load the content."""
    if migrate:
        upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    return Assistant(settings, Content.load(settings.menus_dir), make_session_factory(engine), clock)
