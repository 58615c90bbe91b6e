"""Legal-aid rows: evidence files, applications, their tracking numbers and status history. Never commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.models import AidApplication, AidCounter, AidEvidence, AidStatusChange, FormDraft
from bot.legal_aid.tracking import tracking_number


class AidRepository:
    def __init__(self, session: Session):
        self.session = session

    def draft_for(self, user_id: int) -> FormDraft | None:
        """The application the user is writing (a draft of the form engine's)."""
        return self.session.scalar(select(FormDraft).where(FormDraft.user_id == user_id, FormDraft.form == "legal_aid"))

    # --- evidence -------------------------------------------------------------------------------------------
    def evidence_of(self, application_id: int) -> list[AidEvidence]:
        query = select(AidEvidence).where(AidEvidence.application_id == application_id).order_by(AidEvidence.id)
        return list(self.session.scalars(query))

    # --- applications ---------------------------------------------------------------------------------------
    def next_tracking_number(self, year: int) -> str:
        """The year's next number, from a counter row read under a row lock: two submits never share one."""
        counter = self.session.scalar(select(AidCounter).where(AidCounter.year == year).with_for_update())
        if counter is None:
            try:
                with self.session.begin_nested():
                    self.session.add(AidCounter(year=year, last=0))
            except IntegrityError:
                pass  # another transaction created it first; lock theirs
            counter = self.session.scalar(select(AidCounter).where(AidCounter.year == year).with_for_update())
            assert counter is not None
        counter.last += 1
        self.session.flush()
        return tracking_number(year, counter.last)

    def submit(self, draft_id: int, application: AidApplication, year: int,
               evidence: list[AidEvidence]) -> AidApplication:
        """File a drafted application: number it, keep its evidence, record the first status."""
        application.tracking_number = self.next_tracking_number(year)
        application.draft_id = draft_id
        self.session.add(application)
        self.session.flush()
        for item in evidence:
            item.application_id = application.id
            self.session.add(item)
        self.record_status(application, None, application.status, None, "applicant", application.submitted_at)
        return application

    def by_draft(self, draft_id: int) -> AidApplication | None:
        return self.session.scalar(select(AidApplication).where(AidApplication.draft_id == draft_id))

    def get(self, application_id: int) -> AidApplication | None:
        return self.session.get(AidApplication, application_id)

    def by_tracking_number(self, number: str, *, lock: bool = False) -> AidApplication | None:
        query = select(AidApplication).where(AidApplication.tracking_number == number.strip().upper())
        return self.session.scalar(query.with_for_update() if lock else query)

    def lock(self, application_id: int) -> AidApplication | None:
        return self.session.scalar(select(AidApplication).where(AidApplication.id == application_id).with_for_update())

    def for_user(self, user_id: int, limit: int = 5) -> list[AidApplication]:
        query = (select(AidApplication).where(AidApplication.user_id == user_id)
                 .order_by(AidApplication.id.desc()).limit(limit))
        return list(self.session.scalars(query))

    def listing(self, status: str | None = None, station: str | None = None) -> list[AidApplication]:
        query = select(AidApplication).order_by(AidApplication.id)
        if status:
            query = query.where(AidApplication.status == status)
        if station:
            query = query.where(AidApplication.station_id == station)
        return list(self.session.scalars(query))

    def submitted_between(self, start: datetime, end: datetime) -> list[AidApplication]:
        query = (select(AidApplication).where(AidApplication.submitted_at >= start, AidApplication.submitted_at < end)
                 .order_by(AidApplication.id))
        return list(self.session.scalars(query))

    def count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(AidApplication)) or 0)

    def record_status(self, application: AidApplication, old: str | None, new: str, reason: str | None,
                      actor: str, at: datetime) -> None:
        self.session.add(AidStatusChange(application_id=application.id, from_status=old, to_status=new,
                                         reason=reason, actor=actor, at=at))
        self.session.flush()

    def history(self, application_id: int) -> list[AidStatusChange]:
        query = select(AidStatusChange).where(AidStatusChange.application_id == application_id).order_by(AidStatusChange.id)
        return list(self.session.scalars(query))
