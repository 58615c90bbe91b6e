"""What the lecture feature does when a bot process starts."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.lectures import reminders
from bot.lectures.context import LectureContext
from bot.lectures.importer import load_demo

if TYPE_CHECKING:
    from bot.core.assistant import Assistant

log = logging.getLogger(__name__)


def start_up(assistant: Assistant) -> None:
    """Load the demo lectures when configured and none lies ahead; give every booking ahead its reminders."""
    ctx, now = LectureContext.of(assistant), assistant.clock()
    if ctx.config.demo_data:
        added = load_demo(assistant.sessions, ctx, now)
        if added:
            log.info("loaded %d demo lectures", added)
    reminders.rebuild(assistant.sessions, ctx.config, now)
