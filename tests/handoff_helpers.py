"""Staff and groups for handoff tests, and what the outbox holds for a chat."""

from __future__ import annotations

import argparse
from datetime import datetime, timezone
from itertools import count

from sqlalchemy import select

from bot.db.models import Notification, Ticket, User
from bot.handoff.commands import add_parsers, run
from bot.handoff.context import HandoffContext
from bot.handoff.desk import StaffDesk, StaffInbound, StaffReply

# 10:00 on a Thursday in Beijing: the stations are open.
OFFICE_HOURS = datetime(2026, 11, 26, 2, 0, tzinfo=timezone.utc)
_updates = count(1)


def cli(settings, clock, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    add_parsers(parser.add_subparsers(dest="command", required=True))
    return run(parser.parse_args(list(argv)), settings, clock)


def staff_cli(settings, clock, *argv: str) -> int:
    return cli(settings, clock, "staff", *argv)


def desk_of(assistant) -> StaffDesk:
    return StaffDesk(assistant.sessions, HandoffContext.of(assistant), assistant.clock)


def act(desk: StaffDesk, staff_id: str, kind: str, *, chat: str = "-100500", **fields) -> StaffReply:
    """A staff member (or anyone) acting in the staff group, or in private with private=True."""
    private = fields.pop("private", False)
    inbound = StaffInbound(channel="telegram", user_id=staff_id, chat_id=staff_id if private else chat, kind=kind,
                           private=private, update_key=f"staff-{next(_updates)}", **fields)
    return desk.handle(inbound)


def command(desk: StaffDesk, staff_id: str, text: str, **fields) -> StaffReply:
    return act(desk, staff_id, "command", text=text, command=text.split()[0][1:], **fields)


def outbox_for(assistant, external_id: str) -> list[Notification]:
    with assistant.sessions() as session:
        user = session.scalar(select(User).where(User.external_id == external_id))
        if user is None:
            return []
        return list(session.scalars(select(Notification).where(Notification.user_id == user.id)
                                    .order_by(Notification.id)))


def ticket(assistant, ticket_id: int = 1) -> Ticket:
    with assistant.sessions() as session:
        found = session.get(Ticket, ticket_id)
        session.expunge_all()
        return found
