"""A ticket's summary, so the resident never repeats themselves: topic, town, last messages, other context."""

from __future__ import annotations

from typing import Any

from bot.core.turn import Turn
from bot.core.phones import mask


def build(turn: Turn, text: str, limit: int) -> dict[str, Any]:
    """What staff see on a new ticket. Messages are included only when the resident consented to keeping them."""
    data = turn.conversation.data
    summary: dict[str, Any] = {"topic": data.get("last_topic"), "town": turn.user.station_id, "messages": [],
                               "context": [], "phone": None}
    if turn.consented:
        said = [row.text for row in turn.repos.messages.for_user(turn.user.id)
                if row.direction == "in" and row.kind == "text" and row.text]
        if text:
            said.append(text)
        summary["messages"] = said[-limit:] if limit else []
    for context in turn.assistant.staff_context:  # other services' context: a lecture request, bookings
        lines, phone = context(turn)
        summary["context"] += lines
        summary["phone"] = summary["phone"] or phone
    for draft in turn.repos.forms.drafts_of(turn.user.id):  # a form in progress: which answers it has, not them
        fields = sorted(key for key in draft.data if not key.startswith("_") and key != "phone")
        summary["context"].append(f"{draft.form}_draft: " + ", ".join(fields))
    return summary


def phone_for(summary: dict[str, Any], claimed: bool) -> str:
    """The resident's phone for staff: masked until the ticket is claimed."""
    phone = summary.get("phone")
    if not phone:
        return "—"
    return phone if claimed else mask(phone)
