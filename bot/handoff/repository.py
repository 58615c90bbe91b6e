"""Handoff tables: staff, staff groups, tickets, their audit log and whistle timers. Repositories never commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from bot.core.messages import Outbound
from bot.db.models import Conversation, StaffGroup, StaffMember, Ticket, TicketEvent, User, WhistleTimer

OPEN, CLAIMED, CLOSED, CANCELLED = "open", "claimed", "closed", "cancelled"
SUPERVISOR = "supervisor"
ACTIVE = (OPEN, CLAIMED)
URGENT, NORMAL = 0, 1

_tickets = Ticket.__table__
_timers = WhistleTimer.__table__


class StaffRepository:
    def __init__(self, session: Session):
        self.session = session

    def find(self, channel: str, external_id: str) -> StaffMember | None:
        query = select(StaffMember).where(StaffMember.channel == channel, StaffMember.external_id == external_id,
                                          StaffMember.active.is_(True))
        return self.session.scalar(query)

    def get(self, staff_id: int) -> StaffMember | None:
        return self.session.get(StaffMember, staff_id)

    def all(self) -> list[StaffMember]:
        return list(self.session.scalars(select(StaffMember).order_by(StaffMember.name, StaffMember.id)))

    def active(self, channel: str) -> list[StaffMember]:
        query = select(StaffMember).where(StaffMember.channel == channel, StaffMember.active.is_(True))
        return list(self.session.scalars(query.order_by(StaffMember.id)))

    def supervisors(self, channel: str, station_id: str | None) -> list[StaffMember]:
        """The station's supervisors, else the district's; every supervisor for a ticket with no station."""
        supervisors = [m for m in self.active(channel) if m.role == SUPERVISOR]
        if station_id is None:
            return supervisors
        own = [m for m in supervisors if station_id in m.station_ids]
        return own or [m for m in supervisors if not m.station_ids]

    def of_station(self, channel: str, station_id: str | None) -> list[StaffMember]:
        """Active members of the station, and district-wide ones."""
        return [m for m in self.active(channel) if not m.station_ids or station_id in m.station_ids]


class StaffGroupRepository:
    def __init__(self, session: Session):
        self.session = session

    def by_chat(self, channel: str, chat_id: str) -> StaffGroup | None:
        return self.session.scalar(select(StaffGroup).where(StaffGroup.channel == channel, StaffGroup.chat_id == chat_id))

    def for_station(self, channel: str, station_id: str | None) -> StaffGroup | None:
        """The station's own group, else the district's."""
        query = select(StaffGroup).where(StaffGroup.channel == channel)
        own = self.session.scalar(query.where(StaffGroup.station_id == station_id)) if station_id else None
        return own or self.session.scalar(query.where(StaffGroup.station_id.is_(None)))

    def all(self) -> list[StaffGroup]:
        return list(self.session.scalars(select(StaffGroup).order_by(StaffGroup.id)))


# Staff work in Telegram: residents on a channel without a staff desk of its own (the web) are served from there.
DESK_CHANNELS = {"web": "telegram"}


def desk_channel(resident_channel: str) -> str:
    """The channel whose staff groups and staff members serve a resident of this channel."""
    return DESK_CHANNELS.get(resident_channel, resident_channel)


def recipient(session: Session, channel: str, chat_id: str) -> User:
    """The user row notifications to a chat (a staff member's private chat, a group) are addressed to, unlocked."""
    user = session.scalar(select(User).where(User.channel == channel, User.external_id == chat_id))
    if user is None:
        with session.begin_nested():
            user = User(channel=channel, external_id=chat_id, language="zh")
            user.conversation = Conversation(chat_id=chat_id, screen="home", data={})
            session.add(user)
    return user


class TicketRepository:
    def __init__(self, session: Session):
        self.session = session

    def get(self, ticket_id: int) -> Ticket | None:
        return self.session.get(Ticket, ticket_id)

    def active_for(self, user_id: int) -> Ticket | None:
        query = select(Ticket).where(Ticket.user_id == user_id, Ticket.status.in_(ACTIVE)).order_by(Ticket.id.desc())
        return self.session.scalar(query.limit(1))

    def by_thread(self, group_id: int, thread_id: int) -> Ticket | None:
        query = select(Ticket).where(Ticket.group_id == group_id, Ticket.thread_id == thread_id)
        return self.session.scalar(query.order_by(Ticket.id.desc()).limit(1))

    def claim(self, ticket_id: int, staff_id: int, now: datetime) -> bool:
        """Take an open ticket in one conditional statement: of two staff pressing at once exactly one gets a row."""
        statement = (
            update(_tickets)
            .where(_tickets.c.id == ticket_id, _tickets.c.status == OPEN)
            .values(status=CLAIMED, staff_id=staff_id, claimed_at=func.coalesce(_tickets.c.claimed_at, now))
            .returning(_tickets.c.id)
        )
        claimed = self.session.execute(statement).scalar() is not None
        # Either way the row changed under the loaded ticket: the winner's claim, or our own.
        self.session.expire_all()
        return claimed

    def mark_whistled(self, ticket_id: int, now: datetime) -> bool:
        """The whistle's half of the claim's condition: touch the ticket only while it is still open.

        The same row and the same `status='open'` test as `claim`, so the two take the row lock in turn: a claim that
        committed first leaves the whistle no row; a whistle that came first makes the claim wait for it."""
        statement = (
            update(_tickets)
            .where(_tickets.c.id == ticket_id, _tickets.c.status == OPEN)
            .values(whistled_at=now)
            .returning(_tickets.c.id)
        )
        whistled = self.session.execute(statement).scalar() is not None
        self.session.expire_all()
        return whistled

    def position(self, ticket: Ticket) -> int:
        """Place in the queue of the ticket's station: urgent first, then oldest first."""
        ahead = and_(
            Ticket.status == OPEN,
            or_(Ticket.priority < ticket.priority,
                and_(Ticket.priority == ticket.priority, Ticket.opened_at <= ticket.opened_at)),
        )
        same_station = Ticket.station_id.is_(None) if ticket.station_id is None else Ticket.station_id == ticket.station_id
        return int(self.session.scalar(select(func.count()).select_from(Ticket).where(ahead, same_station)) or 0)

    def queue(self, station_ids: tuple[str, ...] | None, limit: int = 20) -> list[Ticket]:
        """Waiting tickets of these stations and the district's (None: every station), urgent first, oldest first."""
        query = select(Ticket).where(Ticket.status == OPEN)
        if station_ids is not None:
            query = query.where(or_(Ticket.station_id.in_(station_ids), Ticket.station_id.is_(None)))
        return list(self.session.scalars(query.order_by(Ticket.priority, Ticket.opened_at).limit(limit)))

    def mine(self, staff_id: int) -> list[Ticket]:
        query = select(Ticket).where(Ticket.staff_id == staff_id, Ticket.status == CLAIMED).order_by(Ticket.claimed_at)
        return list(self.session.scalars(query))

    def opened_between(self, start: datetime, end: datetime) -> list[Ticket]:
        query = select(Ticket).where(Ticket.opened_at >= start, Ticket.opened_at < end)
        return list(self.session.scalars(query.order_by(Ticket.id)))

    def log(self, ticket_id: int | None, actor: str, kind: str, at: datetime, detail: str = "",
            staff_id: int | None = None) -> None:
        """Audit one step or staff action (refused ones too); never personal data in detail."""
        self.session.add(TicketEvent(ticket_id=ticket_id, staff_id=staff_id, actor=actor, kind=kind,
                                     detail=detail[:500], at=at))

    def events(self, ticket_id: int | None = None) -> list[TicketEvent]:
        query = select(TicketEvent).order_by(TicketEvent.id)
        if ticket_id is not None:
            query = query.where(TicketEvent.ticket_id == ticket_id)
        return list(self.session.scalars(query))


class WhistleRepository:
    def __init__(self, session: Session):
        self.session = session

    def schedule(self, ticket_id: int, due: list[tuple[str, datetime]]) -> None:
        """Replace the ticket's unfired timers with the ladder's steps, numbered after any already fired."""
        self.session.execute(delete(WhistleTimer).where(WhistleTimer.ticket_id == ticket_id,
                                                        WhistleTimer.fired_at.is_(None)))
        fired = self.session.scalar(select(func.max(WhistleTimer.step)).where(WhistleTimer.ticket_id == ticket_id))
        first = (fired + 1) if fired is not None else 0
        self.session.add_all(WhistleTimer(ticket_id=ticket_id, step=first + index, target=target, due_at=at)
                             for index, (target, at) in enumerate(due))

    def cancel(self, ticket_id: int) -> None:
        self.session.execute(delete(WhistleTimer).where(WhistleTimer.ticket_id == ticket_id,
                                                        WhistleTimer.fired_at.is_(None)))

    def due(self, now: datetime, limit: int) -> list[tuple[int, int]]:
        """(timer id, ticket id) of unfired timers that are due, oldest first; nothing is locked yet."""
        query = (
            select(_timers.c.id, _timers.c.ticket_id)
            .where(_timers.c.fired_at.is_(None), _timers.c.due_at <= now)
            .order_by(_timers.c.due_at, _timers.c.id)
            .limit(limit)
        )
        return [(row.id, row.ticket_id) for row in self.session.execute(query)]

    def fire(self, timer_id: int, now: datetime, outcome: str) -> WhistleTimer | None:
        """Mark one timer fired with its outcome; None when another process fired it first."""
        statement = (
            update(_timers)
            .where(_timers.c.id == timer_id, _timers.c.fired_at.is_(None))
            .values(fired_at=now, outcome=outcome)
            .returning(_timers.c.id)
        )
        if self.session.execute(statement).scalar() is None:
            return None
        self.session.expire_all()
        return self.session.get(WhistleTimer, timer_id)

    def for_ticket(self, ticket_id: int) -> list[WhistleTimer]:
        query = select(WhistleTimer).where(WhistleTimer.ticket_id == ticket_id).order_by(WhistleTimer.step)
        return list(self.session.scalars(query))


class HandoffRepositories:
    def __init__(self, session: Session):
        self.session = session
        self.staff = StaffRepository(session)
        self.groups = StaffGroupRepository(session)
        self.tickets = TicketRepository(session)
        self.whistles = WhistleRepository(session)

    def recipient(self, channel: str, chat_id: str) -> User:
        return recipient(self.session, channel, chat_id)

    def tell_station(self, notifications, resident_channel: str, station_id: str | None, message: Outbound,
                     now: datetime, group_only: bool = False) -> None:
        """A station's news for staff: its group (else the district's), else each of its staff members privately."""
        channel = desk_channel(resident_channel)
        group = self.groups.for_station(channel, station_id)
        if group is not None:
            notifications.add(group.recipient_id, message, now)
            return
        if not group_only:
            for member in self.staff.of_station(channel, station_id):
                notifications.add(self.recipient(member.channel, member.external_id).id, message, now)
