"""Mediation cases in the console: the list with the stations' monthly figures, one case with its timeline, the
audited reveal, the staff's acts and the case's documents.

Every act is `bot/mediation/staff.py`'s own function, the one the desk buttons and `legalbot mediation …` call, so the
permission checks (`mediate`, `record_mediation`, `act_for_others`), the messages to the parties and the audit are one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.console.access import ACT_FOR_OTHERS, VIEW_PERSONAL_DATA, Access
from bot.console.inbox import visible_stations
from bot.core.masking import mask_name
from bot.db.models import MediationCase, MediationEvent, StaffMember
from bot.db.repositories import Repositories
from bot.handoff.permissions import MEDIATE, RECORD_MEDIATION
from bot.mediation import documents
from bot.mediation import staff as acts
from bot.mediation.cases import ENDED, Outcome, Status, TermError, parse_term
from bot.mediation.context import MediationContext
from bot.mediation.stats import MediationFigures, figures, stations_with_cases

ACTS = ("claim", "reached", "schedule", "record", "effective", "filed", "ruling")
DOCUMENTS = {"agreement", "application"}
FORMATS = {"docx": documents.DOCX, "pdf": documents.PDF}
RENDERERS = {"docx": documents.to_docx, "pdf": documents.to_pdf}
MAX_TIMES = 3


class Refused(Exception):
    """The member may not do this on this case (the refusal is already in the audit log)."""


class Problem(Exception):
    """The act does not fit the case or the form: `lines` say why, for the form to show."""

    def __init__(self, *lines: str):
        super().__init__(*lines)
        self.lines = list(lines)


def case_stations(access: Access, member: StaffMember) -> tuple[str, ...] | None:
    """The stations whose cases the member works on (to run or to record): None for all, () for none."""
    found: set[str] = set()
    for action in (MEDIATE, RECORD_MEDIATION):
        stations = access.stations_for(member, action)
        if stations is None:
            return None
        found.update(stations)
    return tuple(sorted(found))


def may_see(access: Access, member: StaffMember, case: MediationCase) -> bool:
    return access.allows(member, MEDIATE, case.station_id) or access.allows(member, RECORD_MEDIATION, case.station_id)


@dataclass(frozen=True)
class Listed:
    id: int
    number: str
    status: str
    station: str
    kind: str
    applicant: str  # masked
    mediator: str
    created_at: datetime


def listing(session: Session, ctx: MediationContext, access: Access, member: StaffMember, status: str | None,
            lang: str, limit: int = 200) -> list[Listed]:
    """Cases of the member's stations, newest first; names masked, no phones and no story."""
    stations = case_stations(access, member)
    if stations == ():
        return []
    query = visible_stations(select(MediationCase), MediationCase.station_id, stations)
    if status:
        query = query.where(MediationCase.status == status)
    return [Listed(c.id, c.number, c.status, ctx.station_name(c.station_id, lang), ctx.data.option("kind", c.kind, lang),
                   mask_name(c.fields.get("name", "")) or "—", c.mediator.name if c.mediator else "—", c.created_at)
            for c in session.scalars(query.order_by(MediationCase.created_at.desc()).limit(limit))]


def month_bounds(ctx: MediationContext, month: str) -> tuple[datetime, datetime] | None:
    """[start, end) of a local calendar month `YYYY-MM`, in UTC; None when it is no month."""
    try:
        start = datetime.strptime(month, "%Y-%m").replace(tzinfo=ctx.zone)
    except ValueError:
        return None
    end = start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def monthly(session: Session, ctx: MediationContext, access: Access, member: StaffMember, month: str,
            lang: str) -> list[tuple[str, MediationFigures]]:
    """bot/mediation/stats.py's figures for the month, per station the member works on that had cases."""
    bounds = month_bounds(ctx, month)
    stations = case_stations(access, member)
    if bounds is None or stations == ():
        return []
    start, end = bounds
    had = stations_with_cases(session, start, end)
    chosen = had if stations is None else [s for s in had if s in stations or s is None]
    return [(ctx.station_name(s, lang), figures(session, start, end, s)) for s in chosen]


@dataclass
class Detail:
    case: MediationCase
    card: str
    revealed: bool
    terms: str
    timeline: list[tuple[datetime, str, str, str]]  # when, what, who, detail
    may_reveal: bool
    may_mediate: bool
    may_record: bool
    is_mediator: bool
    documents: list[str] = field(default_factory=list)  # "agreement", "application"
    place: str = ""  # the default place of a session: the station's address, or by phone
    ended: bool = False


def timeline(ctx: MediationContext, events: list[MediationEvent], lang: str) -> list[tuple[datetime, str, str, str]]:
    """The case's events, named as the parties' timeline names them; staff-only kinds by their code."""
    return [(e.at, ctx.t(f"md_event_{e.kind}", lang) if f"md_event_{e.kind}" in ctx.texts else e.kind, e.actor,
             ctx.local_times(e.detail)) for e in events]


def detail(session: Session, ctx: MediationContext, access: Access, member: StaffMember, case_id: int,
           now: datetime, lang: str, reveal: bool = False) -> Detail:
    """One case, masked; `reveal` unmasks it for a member who may see personal data, and the viewing is audited."""
    repos = Repositories(session)
    case = repos.mediation.get(case_id)
    if case is None:
        raise LookupError(case_id)
    if not may_see(access, member, case):
        access.check(session, member, RECORD_MEDIATION, case.station_id, now, detail=case.number)
        raise Refused(case.number)
    if reveal and not access.unmask(session, member, case.station_id, f"mediation={case.number}", now):
        raise Refused(case.number)
    station = case.station_id
    is_mediator = case.mediator_id == member.id
    run = access.allows(member, MEDIATE, station) and (case.mediator_id is None or is_mediator
                                                       or access.allows(member, ACT_FOR_OTHERS, station))
    files = []
    if case.agreement.get("terms") and (is_mediator or access.allows(member, VIEW_PERSONAL_DATA, station)):
        files = ["agreement"] + (["application"] if case.effective_on else [])
    return Detail(case, acts.card(ctx, case, reveal=reveal, lang=lang), reveal,
                  documents.terms_text(ctx, case, lang) if case.agreement.get("terms") else "",
                  timeline(ctx, repos.mediation.events(case.id), lang), access.allows(member, VIEW_PERSONAL_DATA, station), run,
                  access.allows(member, RECORD_MEDIATION, station), is_mediator, files,
                  acts.place_text(ctx, case, lang), case.status in {s.value for s in ENDED})


def parse_times(ctx: MediationContext, values: list[str]) -> list[datetime]:
    """The form's local times (`YYYY-MM-DDTHH:MM` from a datetime field, or with a space) as UTC moments."""
    moments = []
    for value in filter(None, (v.strip() for v in values)):
        try:
            local = datetime.strptime(value.replace("T", " ")[:16], "%Y-%m-%d %H:%M").replace(tzinfo=ctx.zone)
        except ValueError:
            raise Problem(ctx.t("md_staff_bad_times")) from None
        moments.append(local.astimezone(timezone.utc))
    return moments


def parse_day(text: str, problem: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise Problem(problem) from None


def parse_terms(lines: str, explain) -> list:
    """Each non-empty line through `parse_term`, the command line's parser; every bad line is reported."""
    terms, problems = [], []
    for number, line in enumerate((line.strip() for line in lines.splitlines()), start=1):
        if not line:
            continue
        try:
            terms.append(parse_term(line))
        except TermError as error:
            problems.append(explain(number, error))
    if problems:
        raise Problem(*problems)
    return terms


def act(session: Session, ctx: MediationContext, access: Access, member: StaffMember, case_id: int, verb: str,
        fields: dict[str, str], now: datetime, explain_term) -> str:
    """Do one staff act on the case through bot/mediation/staff.py; returns its notice.

    Raises `Refused` when the permission table says no (already audited) and `Problem` when the act does not fit."""
    repos = Repositories(session)
    case = repos.mediation.get(case_id, lock=True)
    if case is None:
        raise LookupError(case_id)
    if not may_see(access, member, case):
        access.check(session, member, RECORD_MEDIATION, case.station_id, now, detail=f"{verb} {case.number}")
        raise Refused(case.number)
    try:
        if verb == "claim":
            return acts.claim(ctx, repos, member, case, now)
        if verb == "reached":
            return acts.reached(ctx, repos, member, case, fields.get("answer") == "accepted", now)
        if verb == "schedule":
            times = parse_times(ctx, [fields.get(f"at{i}", "") for i in range(1, MAX_TIMES + 1)])
            return acts.schedule(ctx, repos, member, case, times, fields.get("place", "").strip() or None, now)
        if verb == "record":
            if fields.get("outcome") not in {o.value for o in Outcome}:
                raise Problem(ctx.t("console_md_bad_outcome"))
            outcome = Outcome(fields["outcome"])
            terms = [] if outcome is Outcome.FAILURE else parse_terms(fields.get("terms", ""), explain_term)
            return acts.record(ctx, repos, member, case, outcome, now, reason=fields.get("reason", ""),
                               facts=fields.get("facts", ""), matters=fields.get("matters", ""), terms=terms)
        if verb in ("effective", "filed", "ruling"):
            on = parse_day(fields.get("on", ""), ctx.t("console_md_bad_date"))
            if verb == "effective":
                return acts.effective(ctx, repos, member, case, on, now)
            if verb == "filed":
                return acts.filed(ctx, repos, member, case, on, now)
            return acts.ruling(ctx, repos, member, case, fields.get("result", ""), on, now)
    except acts.StaffError as error:
        if error.key == "md_staff_not_allowed":
            raise Refused(case.number) from None
        raise Problem(error.text(ctx)) from None
    raise LookupError(verb)


def document(session: Session, ctx: MediationContext, access: Access, member: StaffMember, case_id: int, name: str,
             fmt: str, now: datetime) -> tuple[str, list[documents.Block]] | None:
    """The 调解协议书 or 司法确认申请书 of a case, for its mediator or a member who may see personal data; audited.

    Returns the file's name and its filled template: rendering it takes a second, so the caller does that after the
    transaction (RENDERERS)."""
    case = Repositories(session).mediation.get(case_id)
    if case is None or name not in DOCUMENTS or fmt not in FORMATS or not case.agreement.get("terms"):
        return None
    if name == "application" and case.effective_on is None:
        return None
    what = f"mediation={case.number} {name}.{fmt}"
    if case.mediator_id == member.id:
        Repositories(session).handoff.tickets.log(None, member.name, "unmasked", now, detail=f"console {what}",
                                                  staff_id=member.id)
    elif not access.unmask(session, member, case.station_id, what, now):
        raise Refused(case.number)
    stem = documents.template(name)["filename"].format(number=case.number)
    return f"{stem}.{fmt}", documents.blocks(ctx, case, name)


def statuses() -> list[str]:
    return [s.value for s in Status]
