"""Deleting what a resident's consent allowed (withdrawal), or everything the bot may delete (/forget)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from bot.db.models import (
    AidApplication,
    AidDraft,
    AidEvidence,
    LectureBooking,
    LectureRequest,
    LinkCode,
    AccountLink,
    MessageRecord,
    Notification,
    Ticket,
    TicketEvent,
    User,
)
from bot.db.repositories import Repositories
from bot.privacy.retention import LECTURE_REQUEST_DRAFT, erased_summary, has_personal_summary


def _rows(repos: Repositories, statement) -> int:
    return repos.session.execute(statement).rowcount or 0


def _tickets(repos: Repositories, user: User) -> list[Ticket]:
    return list(repos.session.scalars(select(Ticket).where(Ticket.user_id == user.id)))


def withdraw(repos: Repositories, user: User) -> dict[str, int]:
    """Delete the free text and case details kept under consent; the count per class of the retention table."""
    session = repos.session
    counts = {"messages": _rows(repos, delete(MessageRecord).where(MessageRecord.user_id == user.id))}
    tickets = _tickets(repos, user)
    summaries = 0
    for ticket in tickets:
        if has_personal_summary(ticket):
            ticket.summary, ticket.rating_comment = erased_summary(ticket.summary), None
            summaries += 1
    counts["ticket_summaries"] = summaries
    ids = [ticket.id for ticket in tickets]
    counts["ticket_notes"] = _rows(repos, update(TicketEvent).where(
        TicketEvent.ticket_id.in_(ids), TicketEvent.kind == "note", TicketEvent.detail != "").values(detail="")) \
        if ids else 0
    counts["relays"] = _rows(repos, delete(Notification).where(Notification.about_user_id == user.id))
    # Messages already sent to the resident are in their own chat; the copies kept here go.
    counts["notifications"] = _rows(repos, delete(Notification).where(
        Notification.user_id == user.id, Notification.sent_at.is_not(None) | Notification.failed_at.is_not(None)))
    counts["lecture_request_phones"] = _rows(repos, update(LectureRequest).where(
        LectureRequest.user_id == user.id, LectureRequest.contact_phone != "").values(contact_phone=""))
    drafts = select(AidDraft.id).where(AidDraft.user_id == user.id)
    counts["evidence_files"] = _rows(repos, delete(AidEvidence).where(AidEvidence.draft_id.in_(drafts)))
    counts["drafts"] = _rows(repos, delete(AidDraft).where(AidDraft.user_id == user.id))
    counts["link_codes"] = _rows(repos, delete(LinkCode).where(LinkCode.user_id == user.id))
    # Linking a web visitor to this record needed consent: the link goes with it (internal ids, not counted apart).
    _rows(repos, delete(AccountLink).where((AccountLink.user_id == user.id) | (AccountLink.web_user_id == user.id)))
    conversation = user.conversation
    if conversation is not None and LECTURE_REQUEST_DRAFT in (conversation.data or {}):
        conversation.data = {k: v for k, v in conversation.data.items() if k != LECTURE_REQUEST_DRAFT}
        counts["drafts"] += 1
    user.consent, user.consent_at, user.station_id = "declined", None, None
    session.flush()
    return counts


def forget(repos: Repositories, user: User, now: datetime, cancel_booking) -> dict[str, int]:
    """Withdraw, then delete bookings and requests, close tickets, and cut the link to the Telegram account.

    Submitted legal-aid applications stay under the archive rule; tickets stay as anonymous rows for the counts.
    `cancel_booking` frees a booking's seats for the waitlist.
    """
    session = repos.session
    active = repos.handoff.tickets.active_for(user.id)
    if active is not None:
        active.status, active.closed_at = "cancelled", now
        repos.handoff.whistles.cancel(active.id)
        repos.handoff.tickets.log(active.id, "resident", "forgotten", now)
    counts = withdraw(repos, user)
    bookings = list(session.scalars(select(LectureBooking).where(LectureBooking.user_id == user.id)))
    for booking in bookings:
        cancel_booking(booking)
    counts["lecture_bookings"] = _rows(repos, delete(LectureBooking).where(LectureBooking.user_id == user.id))
    counts["lecture_requests"] = _rows(repos, delete(LectureRequest).where(LectureRequest.user_id == user.id))
    counts["aid_applications"] = len(list(session.scalars(select(AidApplication.id)
                                                         .where(AidApplication.user_id == user.id))))
    # The row stays only so tickets and archived applications keep their shape; nothing in it points to the person.
    user.external_id = f"forgotten-{user.id}"
    user.consent = None
    if user.conversation is not None:
        session.delete(user.conversation)
        user.conversation = None
    session.flush()
    return counts
