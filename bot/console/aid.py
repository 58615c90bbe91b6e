"""Legal-aid applications in the console: the list, one application, its evidence files and status changes.

Status changes go through bot/legal_aid's own `change_status`, so the state machine, the history and the message to
the applicant are the same as from a Telegram button or `legalbot aid set-status`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import AidApplication, AidEvidence, AidStatusChange, StaffMember
from bot.db.repositories import Repositories
from bot.handoff.context import HandoffContext
from bot.legal_aid import staff_notices
from bot.legal_aid.tracking import Status, TransitionError, next_statuses, reason_required
from bot.console.access import DECIDE_LEGAL_AID, VIEW_PERSONAL_DATA, VIEW_QUEUE, Access
from bot.console.inbox import visible_stations


@dataclass(frozen=True)
class Listed:
    id: int
    number: str
    status: str
    station: str
    claim: str
    submitted_at: datetime


def listing(session: Session, ctx: HandoffContext, access: Access, member: StaffMember, status: str | None,
            lang: str, limit: int = 200) -> list[Listed]:
    """Applications of the stations the member works for, newest first; no personal data."""
    stations = access.stations_for(member, VIEW_QUEUE)
    if stations == ():
        return []
    query = visible_stations(select(AidApplication), AidApplication.station_id, stations)
    if status:
        query = query.where(AidApplication.status == status)
    book = staff_notices.book_for(ctx.settings)
    return [Listed(a.id, a.tracking_number, a.status, ctx.station_name(a.station_id, lang),
                   book.claims.get(a.claim, {}).get(lang, a.claim), a.submitted_at)
            for a in session.scalars(query.order_by(AidApplication.submitted_at.desc()).limit(limit))]


@dataclass(frozen=True)
class Detail:
    application: AidApplication
    card: str
    revealed: bool
    evidence: list[AidEvidence]
    history: list[AidStatusChange]
    moves: list[tuple[str, bool]]  # next statuses, and whether each needs a reason
    may_decide: bool


def detail(session: Session, ctx: HandoffContext, access: Access, member: StaffMember, application_id: int,
           now: datetime) -> Detail | None:
    """One application; unmasked, with its files, only for a role that may see personal data (audited)."""
    repos = Repositories(session)
    application = repos.aid.get(application_id)
    if application is None or not access.check(session, member, VIEW_QUEUE, application.station_id, now,
                                               detail=f"aid={application.tracking_number}"):
        return None
    revealed = access.unmask(session, member, application.station_id, f"aid={application.tracking_number}", now)
    if revealed:
        repos.handoff.tickets.log(None, member.name, "aid_viewed", now, detail=application.tracking_number,
                                  staff_id=member.id)
    current = Status(application.status)
    moves = [(s.value, reason_required(current, s)) for s in next_statuses(current)]
    return Detail(application, staff_notices.card(ctx, application, reveal=revealed), revealed,
                  repos.aid.evidence_of(application.id) if revealed else [], repos.aid.history(application.id), moves,
                  access.allows(member, DECIDE_LEGAL_AID, application.station_id))


def evidence_file(session: Session, access: Access, member: StaffMember, application_id: int, evidence_id: int,
                  now: datetime) -> AidEvidence | None:
    """One evidence file of the application, for a role that may see personal data; each download audited."""
    application = session.get(AidApplication, application_id)
    item = session.get(AidEvidence, evidence_id)
    if application is None or item is None or item.application_id != application.id:
        return None
    what = f"aid={application.tracking_number} evidence={item.id}"
    if not access.unmask(session, member, application.station_id, what, now):
        return None
    return item


def set_status(session: Session, ctx: HandoffContext, access: Access, member: StaffMember, application_id: int,
               target: str, reason: str, now: datetime) -> tuple[bool, str]:
    """Move the application (the applicant is told); returns whether it moved and the notice for the page."""
    repos = Repositories(session)
    application = repos.aid.lock(application_id)
    if application is None:
        return False, ""
    if not access.check(session, member, DECIDE_LEGAL_AID, application.station_id, now,
                        detail=f"aid={application.tracking_number}"):
        return False, ""
    try:
        staff_notices.change_status(ctx, repos, application, target, reason or None, member.name, now)
    except TransitionError as error:
        repos.handoff.tickets.log(None, member.name, "aid_status_refused", now, staff_id=member.id,
                                  detail=f"{application.tracking_number} {error.code}")
        return False, staff_notices.transition_error_text(ctx.texts, error)
    repos.handoff.tickets.log(None, member.name, "aid_status", now, staff_id=member.id,
                              detail=f"{application.tracking_number} {target}")
    return True, ctx.texts.get("aid_staff_status_set", staff_notices.STAFF_LANG, number=application.tracking_number,
                               status=ctx.texts.get(f"aid_status_{target}", staff_notices.STAFF_LANG))
