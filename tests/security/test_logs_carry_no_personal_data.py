"""Logs: a database error inside a turn writes no phone or ID number to any log handler."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError

from bot.core.masking import MaskingFilter, install_log_masking
from bot.db import repositories
from bot.db.engine import make_engine
from bot.db.models import MessageRecord

PHONE, ID_NUMBER = "13912345678", "11010519491231002X"
SAID = f"我的电话{PHONE}，身份证号{ID_NUMBER}，老板欠我工资"


def test_database_errors_carry_no_statement_values_and_the_filter_hides_quoted_rows(database_url):
    engine = make_engine(database_url)
    try:
        with pytest.raises(DBAPIError) as raised, engine.begin() as connection:
            connection.execute(insert(MessageRecord.__table__), [dict(
                user_id=1, direction="in", kind="text", text=SAID, created_at=None)])
        assert "[SQL parameters hidden due to hide_parameters=True]" in str(raised.value)
        # PostgreSQL quotes the failing row in its DETAIL line whatever the engine hides: the log filter removes it.
        record = logging.LogRecord("bot", logging.ERROR, __file__, 1, "turn failed", None,
                                   (type(raised.value), raised.value, raised.value.__traceback__))
        MaskingFilter().filter(record)
        written = logging.Formatter().format(record)
        assert "NotNullViolation" in written or "NOT NULL" in written
        for secret in (PHONE, ID_NUMBER, "老板欠我工资"):
            assert secret not in written
    finally:
        engine.dispose()


@pytest.fixture
def masked_logs(caplog):
    """The masking filter on every root handler, as `legalbot` installs it at start-up (caplog's handler included)."""
    caplog.set_level(logging.DEBUG)
    masking = install_log_masking()
    yield caplog
    for handler in logging.getLogger().handlers:
        handler.removeFilter(masking)


def test_a_database_error_in_a_turn_logs_no_personal_data(telegram_bot, masked_logs, monkeypatch):
    server = telegram_bot.server
    resident = server.private_user(9401, first_name="老王")
    resident.click(resident.ask("/start"), "✅ 同意")

    def failing_insert(self, rows):
        # The turn's last write fails as a broken database would, with the resident's words among its values.
        broken = [{**row, "created_at": None} for row in rows]
        self.session.connection().execute(repositories._INSERT_MESSAGES, broken)

    monkeypatch.setattr(repositories.MessageRepository, "add_all", failing_insert)
    apology = resident.ask(SAID)
    assert "出了点问题" in apology["text"]

    failures = [r for r in masked_logs.records if r.exc_info or r.exc_text]
    assert failures, "the database error was not logged at all"
    assert any("IntegrityError" in (r.exc_text or "") for r in failures)
    written = "\n".join(logging.Formatter().format(r) for r in masked_logs.records)
    for secret in (PHONE, ID_NUMBER, ID_NUMBER[:17]):  # at every level, PTB's debug dumps of updates included
        assert secret not in written
    # At the level `legalbot run` logs (INFO), not even the words of the message.
    production = "\n".join(logging.Formatter().format(r) for r in masked_logs.records if r.levelno >= logging.INFO)
    assert "老板欠我工资" not in production


def test_the_log_filter_is_installed_once_per_handler():
    root = logging.getLogger()
    handler = logging.StreamHandler()
    root.addHandler(handler)
    try:
        first, second = install_log_masking(), install_log_masking()
        assert first is second
        assert sum(isinstance(f, MaskingFilter) for f in handler.filters) == 1
    finally:
        root.removeHandler(handler)
        for h in root.handlers:
            h.removeFilter(first)
