"""Mediation statistics per station and period: cases by kind, the acceptance, agreement, confirmation and performance
rates, and the median days from application to session; every figure is computed by SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case as when, func, or_, select
from sqlalchemy.orm import Session

from bot.db.models import MediationCase as M
from bot.db.sql import percentile, seconds_between


@dataclass
class MediationFigures:
    station: str | None
    cases: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    answered: int = 0  # the other party accepted or declined
    accepted: int = 0
    with_outcome: int = 0
    agreed: int = 0  # an agreement or a partial one
    effective: int = 0
    confirmed: int = 0  # the court confirmed the agreement
    performance_answered: int = 0
    performed: int = 0
    median_days_to_session: float | None = None

    @staticmethod
    def rate(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def acceptance_rate(self) -> float | None:
        return self.rate(self.accepted, self.answered)

    @property
    def agreement_rate(self) -> float | None:
        return self.rate(self.agreed, self.with_outcome)

    @property
    def confirmation_rate(self) -> float | None:
        return self.rate(self.confirmed, self.effective)

    @property
    def performance_rate(self) -> float | None:
        return self.rate(self.performed, self.performance_answered)


def figures(session: Session, start: datetime, end: datetime, station: str | None = None) -> MediationFigures:
    """Cases applied for in [start, end), at one station or (None) the whole district."""
    where = [M.created_at >= start, M.created_at < end]
    if station is not None:
        where.append(M.station_id == station)
    result = MediationFigures(station)
    result.by_kind = {kind: int(n) for kind, n in session.execute(
        select(M.kind, func.count()).where(*where).group_by(M.kind).order_by(func.count().desc(), M.kind))}
    result.cases = sum(result.by_kind.values())
    agreed = M.outcome.in_(("agreement", "partial"))
    answered = or_(M.accepted_at.is_not(None), M.status == "declined")
    any_answer = or_(M.applicant_performed.is_not(None), M.respondent_performed.is_not(None))
    performed = and_(any_answer, or_(M.applicant_performed.is_(None), M.applicant_performed == "yes"),
                     or_(M.respondent_performed.is_(None), M.respondent_performed == "yes"))

    def count(condition):
        return func.coalesce(func.sum(when((condition, 1), else_=0)), 0)

    row = session.execute(select(
        count(answered), count(M.accepted_at.is_not(None)), count(M.outcome.is_not(None)), count(agreed),
        count(M.effective_on.is_not(None)), count(M.ruling == "confirmed"), count(any_answer), count(performed),
    ).where(*where)).one()
    (result.answered, result.accepted, result.with_outcome, result.agreed, result.effective, result.confirmed,
     result.performance_answered, result.performed) = (int(v) for v in row)
    days = seconds_between(session, M.created_at, M.session_at) / 86400.0
    median = percentile(session, days, [*where, M.session_at.is_not(None)], 0.5)
    result.median_days_to_session = round(float(median), 1) if median is not None else None
    return result


def by_station(session: Session, start: datetime, end: datetime) -> list[tuple]:
    """(station or None, cases, accepted, agreed, confirmed) per station, in one grouped query."""
    def count(condition):
        return func.coalesce(func.sum(when((condition, 1), else_=0)), 0)

    query = (select(M.station_id, func.count(), count(M.accepted_at.is_not(None)),
                    count(M.outcome.in_(("agreement", "partial"))), count(M.ruling == "confirmed"))
             .where(M.created_at >= start, M.created_at < end).group_by(M.station_id).order_by(M.station_id))
    return [tuple(row) for row in session.execute(query)]


def stations_with_cases(session: Session, start: datetime, end: datetime) -> list[str | None]:
    query = select(M.station_id).where(M.created_at >= start, M.created_at < end).distinct().order_by(M.station_id)
    return list(session.scalars(query))
