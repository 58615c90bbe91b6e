"""A ticket's summary, so the resident never repeats themselves: topic, town, last messages, other context."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.core.turn import Turn
from bot.db.models import LectureBooking, LectureRequest
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
    session = turn.repos.session
    request = session.scalar(select(LectureRequest).where(LectureRequest.user_id == turn.user.id)
                             .order_by(LectureRequest.id.desc()).limit(1))
    if request is not None:
        summary["context"].append(f"lecture_request {request.reference or request.id}: {request.organisation}")
        summary["phone"] = request.contact_phone
    booked = session.scalars(select(LectureBooking).where(LectureBooking.user_id == turn.user.id,
                                                          LectureBooking.status == "booked")).all()
    for booking in booked:
        summary["context"].append(f"lecture_booking {booking.lecture_id}: {booking.seats}")
    draft = data.get("lecture_request")
    if draft:
        summary["context"].append("lecture_request_draft: " + ", ".join(sorted(k for k in draft if k != "phone")))
    return summary


def phone_for(summary: dict[str, Any], claimed: bool) -> str:
    """The resident's phone for staff: masked until the ticket is claimed."""
    phone = summary.get("phone")
    if not phone:
        return "—"
    return phone if claimed else mask(phone)
