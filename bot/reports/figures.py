"""The report's figures, each computed by SQL aggregation: no resident row is loaded into Python."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Float, Numeric, Text, and_, case, cast, func, literal_column, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from bot.db.models import (
    AidApplication,
    AidStatusChange,
    Lecture,
    LectureBooking,
    LectureRequest,
    QuestionCount,
    StaffMember,
    Ticket,
    WhistleTimer,
)
from bot.handoff.repository import URGENT
from bot.handoff.whistle import FIRED
from bot.reports.periods import Period
from bot.db.sql import percentile, seconds_between

DECIDED = ("approved", "rejected")
GRANTED = ("approved", "lawyer_assigned")
DISTRICT = literal_column("'district'")  # rows with no station; inline, so GROUP BY matches the SELECT


@dataclass
class Figures:
    """Everything one period's report says, as plain numbers and rows."""

    period: Period
    station: str | None
    totals: dict[str, float | int | None] = field(default_factory=dict)
    tables: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)


def _ratio(part: float | int | None, whole: float | int | None) -> float | None:
    return round(part / whole, 4) if part is not None and whole else None


def _in_period(column: ColumnElement, period: Period) -> list[ColumnElement]:
    return [column >= period.starts_at, column < period.ends_at]


def build_figures(session: Session, period: Period, station: str | None = None) -> Figures:
    """All sections' figures for one period, optionally for one station."""
    figures = Figures(period, station)
    _demand(session, figures)
    _tickets(session, figures)
    _legal_aid(session, figures)
    _lectures(session, figures)
    _mediation(session, figures)
    return figures


def _demand(session: Session, figures: Figures) -> None:
    where = [QuestionCount.month.in_(figures.period.month_keys)]
    if figures.station:
        where.append(QuestionCount.town == figures.station)
    asked, misses, unhelpful = func.sum(QuestionCount.asked), func.sum(
        case((QuestionCount.entry_id == "", QuestionCount.asked), else_=0)
    ), func.sum(QuestionCount.unhelpful)
    totals = session.execute(select(asked, misses, unhelpful).where(*where)).one()
    figures.totals.update(questions=totals[0] or 0, unanswered=totals[1] or 0, unhelpful=totals[2] or 0)
    by_topic = (
        select(QuestionCount.topic, asked, misses, unhelpful)
        .where(*where).group_by(QuestionCount.topic).order_by(asked.desc(), QuestionCount.topic)
    )
    figures.tables["questions_by_topic"] = [tuple(row) for row in session.execute(by_topic)]
    by_town = (
        select(QuestionCount.town, asked).where(*where)
        .group_by(QuestionCount.town).order_by(asked.desc(), QuestionCount.town)
    )
    figures.tables["questions_by_town"] = [tuple(row) for row in session.execute(by_town)]
    gaps = (
        select(QuestionCount.topic, misses, unhelpful).where(*where)
        .group_by(QuestionCount.topic).having((misses + unhelpful) > 0)
        .order_by((misses + unhelpful).desc(), QuestionCount.topic).limit(5)
    )
    figures.tables["knowledge_gaps"] = [tuple(row) for row in session.execute(gaps)]
    # 本月热点: the most asked entry of each town, picked by a window function in the database.
    ranked = (
        select(
            QuestionCount.town, QuestionCount.entry_id, asked.label("asked"),
            func.row_number().over(partition_by=QuestionCount.town,
                                   order_by=(asked.desc(), QuestionCount.entry_id)).label("rank"),
        )
        .where(*where, QuestionCount.entry_id != "")
        .group_by(QuestionCount.town, QuestionCount.entry_id)
        .subquery()
    )
    hot = select(ranked.c.town, ranked.c.entry_id, ranked.c.asked).where(ranked.c.rank == 1).order_by(ranked.c.town)
    figures.tables["hot_by_town"] = [tuple(row) for row in session.execute(hot)]


def _tickets(session: Session, figures: Figures) -> None:
    where = _in_period(Ticket.opened_at, figures.period)
    if figures.station:
        where.append(Ticket.station_id == figures.station)
    in_window = func.sum(case((and_(Ticket.claimed_at.is_not(None), Ticket.claimed_at <= Ticket.window_ends_at), 1),
                              else_=0))
    claimed = func.count(Ticket.claimed_at)
    to_claim = seconds_between(session, Ticket.opened_at, Ticket.claimed_at)
    to_reply = seconds_between(session, Ticket.opened_at, Ticket.first_reply_at)
    row = session.execute(
        select(func.count(), claimed, in_window, func.avg(cast(Ticket.rating, Float)), func.count(Ticket.rating),
               func.sum(case((Ticket.priority == URGENT, 1), else_=0)))
        .where(*where)
    ).one()
    tickets = row[0] or 0
    figures.totals.update(
        tickets=tickets, tickets_claimed=row[1] or 0, claimed_in_window=row[2] or 0,
        share_in_window=_ratio(row[2] or 0, tickets), rating_average=round(row[3], 2) if row[3] else None,
        ratings=row[4] or 0, urgent_tickets=row[5] or 0,
        claim_minutes_median=_minutes(percentile(session, to_claim, where, 0.5)),
        claim_minutes_p90=_minutes(percentile(session, to_claim, where, 0.9)),
        reply_minutes_median=_minutes(percentile(session, to_reply, where, 0.5)),
        reply_minutes_p90=_minutes(percentile(session, to_reply, where, 0.9)),
    )
    escalated = select(func.count()).select_from(WhistleTimer).join(Ticket, Ticket.id == WhistleTimer.ticket_id).where(
        *where, WhistleTimer.fired_at.is_not(None), WhistleTimer.outcome == FIRED
    )
    figures.totals["escalations"] = session.scalar(escalated) or 0
    station = func.coalesce(Ticket.station_id, DISTRICT)
    by_station = (
        select(station, func.count(), claimed, in_window, func.avg(to_claim) / 60.0, func.avg(cast(Ticket.rating, Float)))
        .where(*where).group_by(station).order_by(station)
    )
    figures.tables["tickets_by_station"] = [
        (name, count, done, windowed, _ratio(windowed, count), _round(minutes), _round(rating))
        for name, count, done, windowed, minutes, rating in session.execute(by_station)
    ]
    # A member may serve several stations: a row per member and the station of the tickets they took.
    by_staff = (
        select(StaffMember.name, station, func.count(), in_window, func.avg(to_claim) / 60.0,
               func.avg(cast(Ticket.rating, Float)))
        .join(StaffMember, StaffMember.id == Ticket.staff_id)
        .where(*where).group_by(StaffMember.id, StaffMember.name, station)
        .order_by(func.count().desc(), StaffMember.name, station)
    )
    figures.tables["tickets_by_staff"] = [
        (name, home, count, windowed, _round(minutes), _round(rating))
        for name, home, count, windowed, minutes, rating in session.execute(by_staff)
    ]
    stars = select(Ticket.rating, func.count()).where(*where, Ticket.rating.is_not(None)).group_by(Ticket.rating)
    figures.tables["ratings"] = sorted(tuple(row) for row in session.execute(stars))


def _legal_aid(session: Session, figures: Figures) -> None:
    where = _in_period(AidApplication.submitted_at, figures.period)
    if figures.station:
        where.append(AidApplication.station_id == figures.station)
    fast = AidApplication.decision["fast_track"].as_boolean()
    amount = cast(func.nullif(func.replace(func.replace(AidApplication.fields["amount"].as_string(), ",", ""), "+", ""),
                              ""), Numeric(14, 2))
    wages = AidApplication.claim == "wages"
    row = session.execute(
        select(func.count(), func.sum(case((fast, 1), else_=0)), func.sum(case((wages, 1), else_=0)),
               func.sum(case((wages, amount), else_=None)),
               func.sum(case((AidApplication.status.in_(GRANTED), 1), else_=0)))
        .where(*where)
    ).one()
    applications = row[0] or 0
    figures.totals.update(
        aid_applications=applications, aid_fast_tracked=row[1] or 0, aid_wage_claims=row[2] or 0,
        aid_wage_amount=float(row[3]) if row[3] is not None else 0.0, aid_granted=row[4] or 0,
    )
    by_kind = (
        select(AidApplication.matter, AidApplication.claim, func.count(), func.sum(case((fast, 1), else_=0)))
        .where(*where).group_by(AidApplication.matter, AidApplication.claim)
        .order_by(func.count().desc(), AidApplication.matter, AidApplication.claim)
    )
    figures.tables["aid_by_kind"] = [tuple(row) for row in session.execute(by_kind)]
    decided = (
        select(AidStatusChange.application_id, func.min(AidStatusChange.at).label("decided_at"),
               func.max(case((AidStatusChange.to_status == "approved", 1), else_=0)).label("approved"))
        .where(AidStatusChange.to_status.in_(DECIDED))
        .group_by(AidStatusChange.application_id)
        .subquery()
    )
    decided_where = [*where, AidApplication.id == decided.c.application_id]
    days = seconds_between(session, AidApplication.submitted_at, decided.c.decided_at) / 86400.0
    outcome = session.execute(
        select(func.count(), func.sum(decided.c.approved)).select_from(AidApplication).join(
            decided, decided.c.application_id == AidApplication.id).where(*where)
    ).one()
    figures.totals.update(
        aid_decided=outcome[0] or 0, aid_approved=outcome[1] or 0,
        aid_approval_rate=_ratio(outcome[1] or 0, outcome[0] or 0),
        aid_days_to_decision_median=_round(percentile(session, days, decided_where, 0.5), 1),
    )
    station = func.coalesce(AidApplication.station_id, DISTRICT)
    by_station = (
        select(station, func.count(), func.sum(case((wages, 1), else_=0)), func.sum(case((wages, amount), else_=None)))
        .where(*where).group_by(station).order_by(station)
    )
    figures.tables["aid_by_station"] = [
        (name, count, wage_claims, float(total or 0)) for name, count, wage_claims, total in session.execute(by_station)
    ]


def applicant_category_counts(session: Session, period: Period, station: str | None, keys: list[str]) -> list[tuple]:
    """Applications per applicant category (a JSON list per application), one membership test per category."""
    where = _in_period(AidApplication.submitted_at, period)
    if station:
        where.append(AidApplication.station_id == station)
    if not keys:
        return []
    # Categories are a JSON list per application; each is counted by a membership test in SQL.
    text = cast(AidApplication.fields["applicant"], Text)
    columns = [func.sum(case((text.like(f'%"{key}"%'), 1), else_=0)) for key in keys]
    row = session.execute(select(*columns).where(*where)).one()
    return [(key, count or 0) for key, count in zip(keys, row)]


def _lectures(session: Session, figures: Figures) -> None:
    where = [*_in_period(Lecture.starts_at, figures.period), Lecture.status != "cancelled"]
    if figures.station:
        where.append(Lecture.town == figures.station)
    booked = (
        select(func.coalesce(func.sum(LectureBooking.seats), 0))
        .join(Lecture, Lecture.id == LectureBooking.lecture_id)
        .where(*where, LectureBooking.status == "booked")
    )
    waiting = (
        select(func.count()).select_from(LectureBooking)
        .join(Lecture, Lecture.id == LectureBooking.lecture_id)
        .where(*where, LectureBooking.status == "waiting")
    )
    requests_where = _in_period(LectureRequest.created_at, figures.period)
    served = func.sum(case((LectureRequest.lecture_id.is_not(None), 1), else_=0))
    requests = session.execute(select(func.count(), served).where(*requests_where)).one()
    figures.totals.update(
        lectures_held=session.scalar(select(func.count()).select_from(Lecture).where(*where)) or 0,
        lecture_seats_booked=session.scalar(booked) or 0,
        lecture_waitlist=session.scalar(waiting) or 0,
        lecture_requests=requests[0] or 0,
        lecture_requests_served=requests[1] or 0,
    )


def _mediation(session: Session, figures: Figures) -> None:
    """网络调解: cases applied for in the period (bot/mediation/stats.py holds the queries)."""
    from bot.mediation import stats

    period = figures.period
    found = stats.figures(session, period.starts_at, period.ends_at, figures.station)
    figures.totals.update(
        mediation_cases=found.cases, mediation_acceptance_rate=_rate(found.acceptance_rate),
        mediation_agreement_rate=_rate(found.agreement_rate), mediation_confirmation_rate=_rate(found.confirmation_rate),
        mediation_performance_rate=_rate(found.performance_rate),
        mediation_days_to_session_median=found.median_days_to_session,
    )
    figures.tables["mediation_by_kind"] = list(found.by_kind.items())
    rows = stats.by_station(session, period.starts_at, period.ends_at)
    figures.tables["mediation_by_station"] = [
        (station or "district", *counts) for station, *counts in rows if not figures.station or station == figures.station
    ]


def _rate(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


def _minutes(seconds: float | None) -> float | None:
    return round(float(seconds) / 60.0, 1) if seconds is not None else None


def _round(value: float | None, digits: int = 1) -> float | None:
    return round(float(value), digits) if value is not None else None
