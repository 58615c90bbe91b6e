"""Mediation's timed messages, as rows fired once each: session reminders (a day and an hour before), the
judicial-confirmation reminders (day 20 and day 27 after the agreement took effect) and the performance follow-up."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy.orm import Session, sessionmaker

from bot.core.callbacks import Action
from bot.core.messages import Button, Outbound
from bot.db.models import MediationCase, MediationTimer
from bot.db.repositories import Repositories
from bot.mediation import documents, staff
from bot.mediation.cases import Party, Status
from bot.mediation.context import STAFF_LANG, MediationContext

log = logging.getLogger(__name__)
BATCH = 100
FIRED, SKIPPED = "fired", "skipped"


# What a documents timer builds (seconds of CPU, so with no transaction open) and how it hands the files over.
DOCUMENTS = {
    staff.AGREEMENT_DOCUMENTS: (documents.agreement_files, staff.send_agreement),
    staff.APPLICATION_DOCUMENTS: (documents.application_files, staff.send_application),
}
DOCUMENT_LEASE = timedelta(minutes=10)  # a claim this old with no outcome was a process that died: build again


def fire_due(sessions: sessionmaker[Session], ctx: MediationContext, clock: Callable[[], datetime]) -> int:
    """Claim due timers and write their messages in the same transaction; return how many were sent."""
    fired = 0
    while True:
        now = clock()
        with sessions() as session, session.begin():
            repos = Repositories(session)
            claimed = repos.mediation.claim_due(now, BATCH, exclude=DOCUMENTS)
            for timer in claimed:
                case = repos.mediation.get(timer.case_id)
                sent = case is not None and fire(ctx, repos, case, timer, now)
                timer.outcome = FIRED if sent else SKIPPED
                fired += int(bool(sent))
        if len(claimed) < BATCH:
            return fired


def deliver_documents(sessions: sessionmaker[Session], ctx: MediationContext, clock: Callable[[], datetime]) -> int:
    """Build due agreements and applications with no transaction open, then hand each to the parties in a short one,
    unless the case changed meanwhile; return how many were handed over."""
    handed = 0
    while True:
        with sessions() as session, session.begin():
            claimed = Repositories(session).mediation.claim_due(clock(), BATCH, kinds=DOCUMENTS,
                                                                 stale_before=clock() - DOCUMENT_LEASE)
            work = [(timer.id, timer.kind, _snapshot(session, timer.case_id)) for timer in claimed]
        for timer_id, kind, snapshot in work:
            build, hand_over = DOCUMENTS[kind]
            files = build(ctx, snapshot) if snapshot is not None else []
            with sessions() as session, session.begin():
                repos = Repositories(session)
                case = repos.mediation.get(snapshot.id, lock=True) if snapshot is not None else None
                timer = session.get(MediationTimer, timer_id, with_for_update=True)
                if timer is None or timer.outcome is not None:
                    continue  # replaced by a newer timer, or another process handed them over
                current = case is not None and (case.agreement, case.effective_on) == (snapshot.agreement,
                                                                                       snapshot.effective_on)
                if current:
                    hand_over(ctx, repos, case, files, clock())
                timer.outcome = FIRED if current else SKIPPED
                handed += int(current)
        if len(claimed) < BATCH:
            return handed


def _snapshot(session: Session, case_id: int) -> MediationCase | None:
    """The case as the documents need it, detached, so they are built after the transaction ends."""
    case = Repositories(session).mediation.get(case_id)
    if case is None:
        return None
    case.mediator  # noqa: B018 - the documents name the mediator: loaded before detaching
    session.expunge(case)
    return case


def fire(ctx: MediationContext, repos: Repositories, case: MediationCase, timer: MediationTimer, now: datetime) -> bool:
    """Write one timer's messages; False when the case has moved on and the timer no longer applies."""
    kind = timer.kind
    if kind.startswith("session_"):
        return _session_reminder(ctx, repos, case, now)
    if kind.startswith("confirm_day"):
        return _confirmation_reminder(ctx, repos, case, int(kind.removeprefix("confirm_day")), now)
    if kind == "follow_up":
        return _follow_up(ctx, repos, case, now)
    log.warning("unknown mediation timer kind %s on case %s", kind, case.id)
    return False


def _session_reminder(ctx: MediationContext, repos: Repositories, case: MediationCase, now: datetime) -> bool:
    if case.status != Status.SCHEDULED or case.session_at is None or case.session_at <= now:
        return False

    def remind(lang: str, party: Party) -> list[Outbound]:
        return [Outbound(ctx.t("md_session_reminder", lang, number=case.number, when=ctx.when(case.session_at, lang),
                               place=staff.place_text(ctx, case, lang)))]

    staff.tell_parties(repos, case, remind, now)
    if case.mediator is not None:
        staff.tell_mediator(ctx, repos, case, ctx.t("md_session_reminder", STAFF_LANG, number=case.number,
                                                    when=ctx.when(case.session_at, STAFF_LANG),
                                                    place=staff.place_text(ctx, case, STAFF_LANG)), now)
    repos.mediation.log(case, "session_reminded", "bot", now, shown=False)
    return True


def _confirmation_reminder(ctx: MediationContext, repos: Repositories, case: MediationCase, day: int,
                           now: datetime) -> bool:
    """Only while no filing or ruling is recorded."""
    if case.status != Status.EFFECTIVE or case.filed_on is not None or case.ruling is not None:
        return False
    assert case.effective_on is not None
    window = int(ctx.config["judicial_confirmation"]["window_days"])
    deadline = case.effective_on + timedelta(days=window)

    def remind(lang: str, party: Party) -> list[Outbound]:
        return [Outbound(ctx.t("md_confirm_reminder", lang, number=case.number, days=window - day,
                               deadline=deadline.isoformat(), court=ctx.court(lang)))]

    staff.tell_parties(repos, case, remind, now)
    repos.mediation.log(case, f"reminded_day{day}", "bot", now)
    return True


def _follow_up(ctx: MediationContext, repos: Repositories, case: MediationCase, now: datetime) -> bool:
    """On the agreed deadline each party is asked whether the agreement was performed."""
    if case.status not in (Status.EFFECTIVE, Status.CONFIRMED):
        return False

    def ask(lang: str, party: Party) -> list[Outbound]:
        rows = [[Button(ctx.t("md_performed_yes", lang), Action("mdp", f"{case.id}.py").encode()),
                 Button(ctx.t("md_performed_no", lang), Action("mdp", f"{case.id}.pn").encode())]]
        return [Outbound(ctx.t("md_follow_up", lang, number=case.number,
                               date=case.perform_by.isoformat() if case.perform_by else ""), rows)]

    staff.tell_parties(repos, case, ask, now)
    repos.mediation.log(case, "followed_up", "bot", now)
    return True
