"""The ticket inbox: what the console lists, and the desk actions it hands to the Telegram desk's own domain.

Claim, reply, note, transfer and close go through `StaffDesk.handle` as the member's own private-chat commands, so
the console and Telegram share the same tickets, the same atomic claim, the same whistle and the same audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.core.callbacks import Action
from bot.db.models import StaffMember, Ticket
from bot.db.repositories import Repositories
from bot.handoff import notices
from bot.handoff.context import HandoffContext
from bot.handoff.desk import StaffDesk, StaffInbound, StaffReply
from bot.handoff.repository import CLAIMED, OPEN, URGENT
from bot.console.access import ACT_FOR_OTHERS, VIEW_QUEUE, Access

VERBS = ("claim", "reply", "note", "transfer", "close")


@dataclass(frozen=True)
class Row:
    """One ticket in the inbox: no personal data, only what a queue needs."""

    id: int
    urgent: bool
    station: str
    topic: str
    status: str
    staff: str
    opened_at: datetime
    window_ends_at: datetime
    waited_minutes: int
    seconds_left: int  # to the end of the response window; negative once the whistle is due
    replied: bool  # a claimed ticket: whether the resident has had a first answer

    def as_json(self) -> dict:
        return {"id": self.id, "urgent": self.urgent, "station": self.station, "topic": self.topic,
                "status": self.status, "staff": self.staff, "waited": self.waited_minutes,
                "left": self.seconds_left, "replied": self.replied}


def _row(ctx: HandoffContext, ticket: Ticket, now: datetime, lang: str) -> Row:
    return Row(ticket.id, ticket.priority == URGENT, ctx.station_name(ticket.station_id, lang),
               ctx.topic_name((ticket.summary or {}).get("topic"), lang), ticket.status,
               ticket.staff.name if ticket.staff is not None else "", ticket.opened_at, ticket.window_ends_at,
               notices.age_minutes(ticket, now), int((ticket.window_ends_at - now).total_seconds()),
               ticket.first_reply_at is not None)


def visible_stations(query, column, stations: tuple[str, ...] | None):
    """Limit a query to these stations and the district's own rows (None: every station)."""
    if stations is None:
        return query
    return query.where(or_(column.in_(stations), column.is_(None)))


def inbox(session: Session, ctx: HandoffContext, access: Access, member: StaffMember, now: datetime, lang: str,
          limit: int = 50) -> dict[str, list[Row]]:
    """The waiting queue (urgent first, then oldest) and the member's own tickets; empty when not permitted."""
    stations = access.stations_for(member, VIEW_QUEUE)
    if stations == ():
        return {"queue": [], "mine": []}
    waiting = visible_stations(select(Ticket).where(Ticket.status == OPEN), Ticket.station_id, stations)
    waiting = waiting.order_by(Ticket.priority, Ticket.opened_at).limit(limit)
    mine = select(Ticket).where(Ticket.status == CLAIMED, Ticket.staff_id == member.id).order_by(Ticket.claimed_at)
    return {"queue": [_row(ctx, t, now, lang) for t in session.scalars(waiting)],
            "mine": [_row(ctx, t, now, lang) for t in session.scalars(mine)]}


@dataclass(frozen=True)
class TicketView:
    row: Row
    card: str
    revealed: bool
    events: list[tuple[datetime, str, str, str]]  # when, who, kind, detail (notes only)
    may_act: bool  # the claimer, or a supervisor over the station


def ticket_view(session: Session, ctx: HandoffContext, access: Access, member: StaffMember, ticket_id: int,
                now: datetime, lang: str) -> TicketView | None:
    """One ticket for a member allowed to see its station's queue; the card unmasked only when the role may
    see personal data and the member holds the ticket (audited)."""
    repos = Repositories(session)
    ticket = repos.handoff.tickets.get(ticket_id)
    if ticket is None or not access.check(session, member, VIEW_QUEUE, ticket.station_id, now, ticket_id):
        return None
    holds = ticket.status == CLAIMED and (ticket.staff_id == member.id
                                          or access.allows(member, ACT_FOR_OTHERS, ticket.station_id))
    revealed = holds and access.unmask(session, member, ticket.station_id, f"ticket={ticket.id}", now, ticket.id)
    repos.handoff.tickets.log(ticket.id, member.name, "console_viewed", now, staff_id=member.id,
                              detail="unmasked" if revealed else "masked")
    events = [(e.at, e.actor, e.kind, e.detail if e.kind == "note" else "")
              for e in repos.handoff.tickets.events(ticket.id) if not e.kind.startswith("console_")]
    return TicketView(_row(ctx, ticket, now, lang), notices.card(ctx, ticket, now, reveal=revealed), revealed,
                      events, holds)


def act(desk: StaffDesk, member: StaffMember, verb: str, ticket_id: int, text: str = "") -> str:
    """Do one desk action as this member, exactly as their private-chat command would; returns the desk's answer."""
    words = " ".join(text.split())
    if verb == "claim":
        inbound = StaffInbound(member.channel, member.external_id, member.external_id, "button",
                               button_data=Action(notices.CLAIM_VERB, str(ticket_id)).encode(), private=True)
    else:
        inbound = StaffInbound(member.channel, member.external_id, member.external_id, "command",
                               text=f"/{verb} {ticket_id} {words}".strip(), command=verb, private=True)
    return answer_text(desk.handle(inbound))


def answer_text(reply: StaffReply) -> str:
    """What the desk said, as one notice for the page; empty when it said nothing (a reply sent)."""
    if reply.notice:
        return reply.notice
    if reply.edit is not None:
        return reply.edit.text
    return "\n".join(message.text for message in reply.messages)
