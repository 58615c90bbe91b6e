"""SQL that differs by dialect, or that several services' figures share."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session


def seconds_between(session: Session, start: ColumnElement, end: ColumnElement) -> ColumnElement:
    """end - start in seconds, in the dialect's own date arithmetic."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def percentile(session: Session, value: ColumnElement, where: list[ColumnElement], share: float) -> float | None:
    """The nearest-rank percentile of a column, ordered and picked by the database."""
    count = session.scalar(select(func.count()).where(*where, value.is_not(None))) or 0
    if count == 0:
        return None
    rank = int(share * (count - 1) + 0.5)
    return session.scalar(select(value).where(*where, value.is_not(None)).order_by(value).offset(rank).limit(1))
