"""Mediation rows: cases, their per-year counter, timeline events and timers. Never commits."""

from __future__ import annotations

from datetime import datetime

from collections.abc import Collection

from sqlalchemy import and_, case as when, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.models import MediationCase, MediationCounter, MediationEvent, MediationTimer
from bot.mediation.cases import ENDED, Status, case_number

_timers = MediationTimer.__table__


class MediationRepository:
    def __init__(self, session: Session):
        self.session = session

    # --- cases ----------------------------------------------------------------------------------------------
    def next_number(self, year: int) -> str:
        """The year's next case number, from a counter row read under a row lock: two applications never share one."""
        counter = self.session.scalar(select(MediationCounter).where(MediationCounter.year == year).with_for_update())
        if counter is None:
            try:
                with self.session.begin_nested():
                    self.session.add(MediationCounter(year=year, last=0))
            except IntegrityError:
                pass  # another transaction created it first; lock theirs
            counter = self.session.scalar(
                select(MediationCounter).where(MediationCounter.year == year).with_for_update())
            assert counter is not None
        counter.last += 1
        self.session.flush()
        return case_number(year, counter.last)

    def add(self, case: MediationCase) -> MediationCase:
        self.session.add(case)
        self.session.flush()
        return case

    def get(self, case_id: int, *, lock: bool = False) -> MediationCase | None:
        query = select(MediationCase).where(MediationCase.id == case_id)
        return self.session.scalar(query.with_for_update() if lock else query)

    def by_number(self, number: str, *, lock: bool = False) -> MediationCase | None:
        query = select(MediationCase).where(MediationCase.number == number)
        return self.session.scalar(query.with_for_update() if lock else query)

    def by_invite(self, digest: str) -> MediationCase | None:
        return self.session.scalar(select(MediationCase).where(MediationCase.invite_hash == digest))

    def of_user(self, user_id: int, limit: int = 5) -> list[MediationCase]:
        query = (select(MediationCase)
                 .where(or_(MediationCase.applicant_id == user_id, MediationCase.respondent_id == user_id))
                 .order_by(MediationCase.id.desc()).limit(limit))
        return list(self.session.scalars(query))

    def listing(self, status: str | None = None, station: str | None = None) -> list[MediationCase]:
        query = select(MediationCase).order_by(MediationCase.id)
        if status:
            query = query.where(MediationCase.status == status)
        if station:
            query = query.where(MediationCase.station_id == station)
        return list(self.session.scalars(query))

    def claim(self, case_id: int, staff_id: int, now: datetime) -> bool:
        """Give an unclaimed, unfinished case to a mediator, in one conditional UPDATE: of two at once, one wins."""
        result = self.session.execute(
            update(MediationCase)
            .where(MediationCase.id == case_id, MediationCase.mediator_id.is_(None),
                   MediationCase.status.not_in([s.value for s in ENDED]))
            .values(mediator_id=staff_id, claimed_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        self.session.expire_all()
        return result.rowcount == 1

    def answer_invitation(self, case_id: int, user_id: int, accept: bool, now: datetime) -> bool:
        """The first person to answer an unused invitation becomes the respondent; any later opening is refused.

        Accepting moves an invited case on; a case staff already moved on by phone keeps its status."""
        target = Status.ACCEPTED.value if accept else Status.DECLINED.value
        values = dict(respondent_id=user_id, invite_used_at=now, updated_at=now, respondent_by="link",
                      status=when((MediationCase.status == Status.INVITED.value, target), else_=MediationCase.status))
        if accept:
            values["accepted_at"] = when((MediationCase.accepted_at.is_(None), now), else_=MediationCase.accepted_at)
        result = self.session.execute(
            update(MediationCase)
            .where(MediationCase.id == case_id, MediationCase.invite_used_at.is_(None),
                   MediationCase.respondent_id.is_(None),
                   MediationCase.status.not_in([s.value for s in ENDED]))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        self.session.expire_all()
        return result.rowcount == 1

    # --- timeline -------------------------------------------------------------------------------------------
    def log(self, case: MediationCase, kind: str, actor: str, at: datetime, detail: str = "",
            shown: bool = True) -> None:
        self.session.add(MediationEvent(case_id=case.id, kind=kind, actor=actor[:64], detail=detail[:2000],
                                        shown=shown, at=at))
        self.session.flush()

    def events(self, case_id: int, shown_only: bool = False) -> list[MediationEvent]:
        query = select(MediationEvent).where(MediationEvent.case_id == case_id)
        if shown_only:
            query = query.where(MediationEvent.shown.is_(True))
        return list(self.session.scalars(query.order_by(MediationEvent.id)))

    # --- timers ---------------------------------------------------------------------------------------------
    def set_timer(self, case_id: int, kind: str, due_at: datetime) -> None:
        """(Re)place the case's timer of this kind: a rescheduled session gets fresh reminders."""
        self.session.execute(delete(MediationTimer).where(MediationTimer.case_id == case_id,
                                                          MediationTimer.kind == kind))
        self.session.add(MediationTimer(case_id=case_id, kind=kind, due_at=due_at))
        self.session.flush()

    def timers(self, case_id: int) -> list[MediationTimer]:
        query = select(MediationTimer).where(MediationTimer.case_id == case_id).order_by(MediationTimer.due_at)
        return list(self.session.scalars(query))

    def claim_due(self, now: datetime, limit: int, *, kinds: Collection[str] = (), exclude: Collection[str] = (),
                  stale_before: datetime | None = None) -> list[MediationTimer]:
        """Mark due timers fired in one statement; a timer claimed by another process is skipped, never fired twice.

        `stale_before`: a claim older than this that never recorded its outcome (the process died) is taken again."""
        pending = _timers.c.fired_at.is_(None)
        if stale_before is not None:
            pending = or_(pending, and_(_timers.c.outcome.is_(None), _timers.c.fired_at < stale_before))
        where = [pending, _timers.c.due_at <= now]
        if kinds:
            where.append(_timers.c.kind.in_(list(kinds)))
        if exclude:
            where.append(_timers.c.kind.not_in(list(exclude)))
        candidates = (select(_timers.c.id).where(*where)
                      .order_by(_timers.c.due_at).limit(limit).with_for_update(skip_locked=True))
        statement = (update(_timers).where(_timers.c.id.in_(candidates), pending)
                     .values(fired_at=now).returning(_timers.c.id))
        ids = list(self.session.execute(statement).scalars())
        if not ids:
            return []
        query = select(MediationTimer).where(MediationTimer.id.in_(ids)).order_by(MediationTimer.due_at, MediationTimer.id)
        return list(self.session.scalars(query))
