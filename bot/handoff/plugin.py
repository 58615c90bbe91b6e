"""转人工, as the assistant sees it."""

from __future__ import annotations

from datetime import timedelta

from bot.core.messages import Reply
from bot.core.service import CommandGroup, Job, Service
from bot.core.turn import Turn
from bot.handoff import commands, tickets, whistle
from bot.handoff.context import HandoffContext
from bot.handoff.notices import RATE_VERB
from bot.handoff.repository import HandoffRepositories

FIRE_WHISTLES = "fire_whistles"


def urgent(turn: Turn, text: str) -> Reply | None:
    """A message with an urgent word (家暴, 自杀 …) opens an urgent ticket at once, before any consultation."""
    if tickets.context(turn).is_urgent(text):
        return Reply([tickets.open_ticket(turn, "urgent", text)])
    return None


def fire_whistles(assistant) -> int:
    return whistle.fire_due(assistant.sessions, HandoffContext.of(assistant), assistant.clock)


SERVICE = Service(
    name="handoff",
    verbs={RATE_VERB: tickets.rate},
    screens={"handoff": tickets.handoff_screen},
    intercept=tickets.intercept,
    free_text=urgent,
    staff_request=tickets.open_ticket,
    repositories={"handoff": HandoffRepositories},
    jobs=[Job(FIRE_WHISTLES, lambda settings: timedelta(seconds=settings.handoff.whistle_check_seconds),
              fire_whistles)],
    cli=CommandGroup(("staff", "tickets"), commands.add_parsers, commands.run),
)
