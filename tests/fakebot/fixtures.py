"""Optional pytest fixtures; enable with ``pytest_plugins = ["tests.fakebot.fixtures"]`` in a
conftest.py (or import the fixtures there)."""

from __future__ import annotations

from typing import Iterator

import pytest

from .server import FakeTelegram

TOKEN = "123:TEST"
BOT_USER = {"id": 123, "first_name": "法律超市", "username": "legal_market_bot"}


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegram]:
    """A started FakeTelegram (token "123:TEST", bot @legal_market_bot), stopped afterwards."""
    with FakeTelegram(token=TOKEN, bot_user=dict(BOT_USER)) as server:
        yield server
