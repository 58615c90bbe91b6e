"""Form rows: drafts, their files and generic submissions. Never commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.db.models import FormDraft, FormFile, FormSubmission


class FormRepository:
    def __init__(self, session: Session):
        self.session = session

    # --- drafts ---------------------------------------------------------------------------------------------
    def draft_for(self, user_id: int, form: str) -> FormDraft | None:
        return self.session.scalar(select(FormDraft).where(FormDraft.user_id == user_id, FormDraft.form == form))

    def start_draft(self, user_id: int, form: str, step: str, data: dict, now: datetime) -> FormDraft:
        draft = FormDraft(user_id=user_id, form=form, step=step, data=data, created_at=now, updated_at=now)
        self.session.add(draft)
        self.session.flush()
        return draft

    def drafts_of(self, user_id: int) -> list[FormDraft]:
        return list(self.session.scalars(select(FormDraft).where(FormDraft.user_id == user_id).order_by(FormDraft.id)))

    def drop_draft(self, draft: FormDraft) -> None:
        self.session.execute(delete(FormFile).where(FormFile.draft_id == draft.id))
        self.session.delete(draft)
        self.session.flush()

    def drop_all(self, user_id: int) -> int:
        """/cancel: every form the user has in progress goes, with its files."""
        drafts = select(FormDraft.id).where(FormDraft.user_id == user_id)
        self.session.execute(delete(FormFile).where(FormFile.draft_id.in_(drafts)))
        result = self.session.execute(delete(FormDraft).where(FormDraft.user_id == user_id))
        self.session.expire_all()
        return result.rowcount or 0

    def purge_drafts(self, cutoff: datetime) -> int:
        """Delete drafts untouched since the cutoff (their files go with them)."""
        stale = select(FormDraft.id).where(FormDraft.updated_at < cutoff)
        self.session.execute(delete(FormFile).where(FormFile.draft_id.in_(stale)))
        result = self.session.execute(delete(FormDraft).where(FormDraft.updated_at < cutoff))
        return result.rowcount or 0

    # --- files ----------------------------------------------------------------------------------------------
    def add_file(self, draft: FormDraft, field: str, name: str, mime: str, content: bytes, now: datetime) -> FormFile:
        row = FormFile(draft_id=draft.id, field=field, file_name=name, mime_type=mime, size=len(content),
                       content=content, created_at=now)
        self.session.add(row)
        self.session.flush()
        return row

    def files_of(self, draft_id: int, field: str | None = None) -> list[FormFile]:
        query = select(FormFile).where(FormFile.draft_id == draft_id).order_by(FormFile.id)
        if field is not None:
            query = query.where(FormFile.field == field)
        return list(self.session.scalars(query))

    # --- submissions ----------------------------------------------------------------------------------------
    def add_submission(self, submission: FormSubmission, prefix: str, year: int) -> FormSubmission:
        """Store a submission and give it a reference such as QY-2026-000012 (from its row id: never shared)."""
        self.session.add(submission)
        self.session.flush()
        submission.reference = f"{prefix}-{year}-{submission.id:06d}"
        self.session.flush()
        return submission

    def submission_of_draft(self, form: str, draft_id: int) -> FormSubmission | None:
        return self.session.scalar(select(FormSubmission).where(FormSubmission.form == form,
                                                                FormSubmission.draft_id == draft_id))

    def submission(self, submission_id: int) -> FormSubmission | None:
        return self.session.get(FormSubmission, submission_id)

    def submissions_for(self, user_id: int, form: str) -> list[FormSubmission]:
        query = (select(FormSubmission).where(FormSubmission.user_id == user_id, FormSubmission.form == form)
                 .order_by(FormSubmission.id))
        return list(self.session.scalars(query))

    def listing(self, form: str, follow_up_only: bool = False) -> list[FormSubmission]:
        query = select(FormSubmission).where(FormSubmission.form == form).order_by(FormSubmission.id)
        if follow_up_only:
            query = query.where(FormSubmission.follow_up_at.is_not(None))
        return list(self.session.scalars(query))
