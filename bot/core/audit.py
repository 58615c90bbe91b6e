"""The audit log for what happens outside any ticket: forged updates, refused staff actions, views of personal data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import TicketEvent


def record(session: Session, actor: str, kind: str, at: datetime, detail: str = "", staff_id: int | None = None,
           ticket_id: int | None = None) -> None:
    """Add one audit row in the caller's transaction; ids only in `detail`, never personal data."""
    session.add(TicketEvent(ticket_id=ticket_id, staff_id=staff_id, actor=actor[:64], kind=kind[:24],
                            detail=detail[:500], at=at))


def record_now(sessions: sessionmaker[Session], actor: str, kind: str, at: datetime, detail: str = "") -> None:
    """Add one audit row in a transaction of its own."""
    with sessions() as session, session.begin():
        record(session, actor, kind, at, detail)
