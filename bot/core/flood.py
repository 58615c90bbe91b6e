"""The per-resident flood limit: past it, one polite answer, then silence; nothing of a flood reaches staff."""

from __future__ import annotations

from datetime import datetime

from bot.core.messages import Outbound, Reply
from bot.core.turn import Turn

KEY = "flood"  # conversation.data: {"since": start of the window, "n": updates in it, "warned": answered once}


def _window(turn: Turn) -> tuple[str | None, int, bool]:
    limits = turn.assistant.settings.privacy
    window = turn.conversation.data.get(KEY) or {}
    since = window.get("since")
    if since is None or (turn.now - datetime.fromisoformat(since)).total_seconds() >= limits.flood_seconds:
        return None, 0, False
    return since, int(window.get("n", 0)), bool(window.get("warned"))


def over(turn: Turn) -> bool:
    """Whether the resident is already past the limit, without counting anything."""
    return _window(turn)[1] >= turn.assistant.settings.privacy.flood_messages


def count(turn: Turn) -> bool:
    """Count this update in the resident's window; True when it is past the limit."""
    since, seen, warned = _window(turn)
    window = {"since": since or turn.now.isoformat(), "n": seen + 1, "warned": warned}
    turn.conversation.data = {**turn.conversation.data, KEY: window}
    return window["n"] > turn.assistant.settings.privacy.flood_messages


def answer(turn: Turn) -> Reply:
    """Ask the resident once to slow down; after that say nothing."""
    window = turn.conversation.data[KEY]
    if window.get("warned"):
        return Reply(handled=False)
    turn.conversation.data = {**turn.conversation.data, KEY: {**window, "warned": True}}
    return Reply([Outbound(turn.t("flood_slow_down", seconds=turn.assistant.settings.privacy.flood_seconds).strip())])
