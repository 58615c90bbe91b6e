"""转人工, as the assistant sees it."""

from __future__ import annotations

from datetime import timedelta

from bot.core.messages import Inbound, Outcome, Reply
from bot.core.service import CommandGroup, Job, Service
from bot.core.turn import Turn
from bot.handoff import commands, tickets, whistle
from bot.handoff.context import HandoffContext
from bot.handoff.notices import RATE_VERB
from bot.handoff.repository import HandoffRepositories

FIRE_WHISTLES = "fire_whistles"


def intercept(turn: Turn, inbound: Inbound) -> Reply | None:
    """The relay while a ticket is open; a form in progress keeps its own answers and /cancel even then."""
    return tickets.intercept(turn, inbound, form_in_progress=turn.assistant.form_in_progress(turn) is not None)


def holds(turn: Turn) -> bool:
    """While a ticket is open, typed text is for staff, not a question."""
    return turn.repos.handoff.tickets.active_for(turn.user.id) is not None


def urgent(turn: Turn, text: str) -> Reply | None:
    """An emergency (家暴, 自杀 …) gets the emergency numbers and an urgent ticket, and still the answer to its
    question from the services after this one."""
    if not tickets.context(turn).is_urgent(text):
        return None
    ticket = tickets.open_ticket(turn, "urgent", text)
    answer = turn.assistant.answer_text(turn, text, after=urgent)
    found = answer.outcome or Outcome("miss")
    if found.kind in ("handoff", "miss"):  # no answer, only the way to staff: the ticket says it all
        return Reply([ticket], outcome=Outcome("urgent", topic=found.topic, topics=found.topics))
    return Reply([ticket] + answer.messages, outcome=Outcome("urgent", found.entries, found.topic, found.topics))


def ticket_remains(turn: Turn) -> str | None:
    """/cancel does not end a ticket (its own /cancel does, when no form is in progress): say it is still open."""
    ticket = turn.repos.handoff.tickets.active_for(turn.user.id)
    return turn.t("cancelled_ticket_remains", id=ticket.id) if ticket is not None else None


def fire_whistles(assistant) -> int:
    return whistle.fire_due(assistant.sessions, HandoffContext.of(assistant), assistant.clock)


SERVICE = Service(
    name="handoff",
    verbs={RATE_VERB: tickets.rate},
    screens={"handoff": tickets.handoff_screen},
    intercept=intercept,
    holds=holds,
    free_text=urgent,
    cancel=ticket_remains,
    staff_request=tickets.open_ticket,
    repositories={"handoff": HandoffRepositories},
    jobs=[Job(FIRE_WHISTLES, lambda settings: timedelta(seconds=settings.handoff.whistle_check_seconds),
              fire_whistles)],
    cli=CommandGroup(("staff", "tickets"), commands.add_parsers, commands.run),
)
