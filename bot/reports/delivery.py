"""The monthly report, sent on the first working day of the month to each station's supervisors, once."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from typing import Callable

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from bot.core.content import load_texts
from bot.core.messages import Attachment, Outbound
from bot.db.models import ReportDelivery, StaffMember, StaffStation
from bot.db.repositories import Repositories
from bot.handoff.repository import SUPERVISOR
from bot.reports.periods import BEIJING, Period
from bot.reports.service import build_report
from bot.reports.render import to_pdf, to_xlsx
from bot.settings import Settings

log = logging.getLogger(__name__)

SEND_FROM = time(8, 30)  # Beijing time on the first working day
LEASE = timedelta(minutes=30)  # a claim older than this, never delivered, is taken over
DISTRICT = ""
_deliveries = ReportDelivery.__table__
_CLAIM = {
    name: dialect.insert(_deliveries).on_conflict_do_nothing().returning(_deliveries.c.id)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


def first_working_day(year: int, month: int, is_workday: Callable[[date], bool]) -> date:
    day = date(year, month, 1)
    while not is_workday(day):
        day += timedelta(days=1)
    return day


def period_due(now: datetime, is_workday: Callable[[date], bool]) -> Period | None:
    """Last month's period once this month's first working day has reached 08:30 in Beijing, else None."""
    local = now.astimezone(BEIJING)
    start = first_working_day(local.year, local.month, is_workday)
    if (local.date(), local.time()) < (start, SEND_FROM):
        return None
    return Period.month_before(local.date())


def claim(session: Session, period: str, station: str, worker: str, now: datetime) -> int | None:
    """Take the delivery of one period and station; None when it is done or another process holds it."""
    values = dict(period=period, station_id=station, claimed_by=worker, claimed_at=now, recipients=0)
    connection = session.connection()
    new_id = connection.execute(_CLAIM[connection.dialect.name], values).scalar()
    if new_id is not None:
        return new_id
    taken = connection.execute(
        update(_deliveries)
        .where(_deliveries.c.period == period, _deliveries.c.station_id == station,
               _deliveries.c.delivered_at.is_(None), _deliveries.c.claimed_at < now - LEASE)
        .values(claimed_by=worker, claimed_at=now)
        .returning(_deliveries.c.id)
    ).scalar()
    return taken


def supervisors(session: Session, station: str) -> list[StaffMember]:
    """The active supervisors of a station; for the district report, those attached to no station."""
    query = select(StaffMember).where(StaffMember.role == SUPERVISOR, StaffMember.active.is_(True))
    member_of = select(StaffStation.staff_id)
    if station == DISTRICT:
        query = query.where(StaffMember.id.not_in(member_of))
    else:
        query = query.where(StaffMember.id.in_(member_of.where(StaffStation.station_id == station)))
    return list(session.scalars(query.order_by(StaffMember.id)))


def deliver_monthly_reports(sessions: sessionmaker[Session], settings: Settings, now: datetime, worker: str,
                            is_workday: Callable[[date], bool]) -> int:
    """Send every report that is due and not yet sent; the number sent by this call."""
    period = period_due(now, is_workday)
    if period is None:
        return 0
    with sessions() as session:
        supervised = select(StaffStation.station_id).join(StaffMember, StaffMember.id == StaffStation.staff_id).where(
            StaffMember.role == SUPERVISOR, StaffMember.active.is_(True)).distinct()
        stations = [DISTRICT, *sorted(session.scalars(supervised))]
    sent = 0
    for station in stations:
        with sessions.begin() as session:
            readers = [(m.channel, m.external_id) for m in supervisors(session, station)]
            delivery_id = claim(session, period.label, station, worker, now) if readers else None
        if delivery_id is None:
            continue
        # The report is built with no lock held; only the short transaction below writes.
        with sessions() as session:
            document = build_report(session, settings, period, station or None, "zh", now)
        texts = load_texts(settings.menus_dir)
        files = [
            Attachment(f"report-{period.label}-{station or 'district'}.pdf",
                       to_pdf(document, "zh", texts.get("report_none", "zh")), "application/pdf"),
            Attachment(f"report-{period.label}-{station or 'district'}.xlsx", to_xlsx(document),
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ]
        with sessions.begin() as session:
            fenced = session.execute(
                update(_deliveries)
                .where(_deliveries.c.id == delivery_id, _deliveries.c.claimed_by == worker,
                       _deliveries.c.delivered_at.is_(None))
                .values(delivered_at=now, recipients=len(readers))
            ).rowcount
            if not fenced:
                log.warning("report delivery %s for %s was taken over; not sent twice", period.label, station)
                continue
            repos = Repositories(session)
            for channel, external_id in readers:
                recipient = repos.handoff.recipient(channel, external_id)
                text = texts.get("report_delivery", "zh", title=document.title)
                repos.notifications.add(recipient.id, Outbound(text, attachment=files[0]), now)
                repos.notifications.add(recipient.id, Outbound(texts.get("report_delivery_xlsx", "zh"),
                                                               attachment=files[1]), now)
        sent += 1
        log.info("monthly report %s for %s queued for %d supervisors", period.label, station or "district",
                 len(readers))
    return sent
