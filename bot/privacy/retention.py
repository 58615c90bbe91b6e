"""One retention policy (privacy/retention.yml) and the one purge that enforces it across every table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Callable

import yaml
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from bot.db.models import (
    AidApplication,
    FormDraft,
    FormFile,
    FormSubmission,
    ConsoleLink,
    ConsoleSession,
    Lecture,
    LectureBooking,
    LectureRequest,
    LinkCode,
    MediationCase,
    MessageRecord,
    Notification,
    ProcessedUpdate,
    Ticket,
    TicketEvent,
    UnansweredQuestion,
)

FINISHED_TICKETS = ("closed", "cancelled")


@dataclass(frozen=True)
class DataClass:
    """One line of the table: a class of personal data and how long it is kept."""

    name: str
    label: dict[str, str]
    days: int | None = None
    archive: bool = False
    then: str = "delete"  # or "erase": the personal part goes, the row stays for anonymous counts

    def describe(self, lang: str) -> str:
        return self.label["en" if lang == "en" else "zh"]


@dataclass(frozen=True)
class RetentionPolicy:
    classes: dict[str, DataClass]

    def days(self, name: str) -> int:
        days = self.classes[name].days
        assert days is not None, f"{name} follows the archive rule"
        return days

    @classmethod
    def load(cls, path: Path) -> RetentionPolicy:
        return _load(path)


@lru_cache(maxsize=4)
def _load(path: Path) -> RetentionPolicy:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    classes = {}
    for name, line in (data.get("classes") or {}).items():
        archive = bool(line.get("archive"))
        days = None if archive else int(line["days"])
        then = line.get("then", "delete")
        if then not in ("delete", "erase"):
            raise ValueError(f"{path}: {name}: then must be delete or erase, not {then!r}")
        classes[name] = DataClass(name, {"zh": line["zh"], "en": line["en"]}, days, archive, then)
    unknown = set(classes) - set(PURGES)
    missing = set(PURGES) - set(classes)
    if unknown or missing:
        raise ValueError(f"{path}: classes without a purge {sorted(unknown)}, purges without a line {sorted(missing)}")
    return RetentionPolicy(classes)


def erased_summary(summary: dict | None) -> dict:
    """A ticket summary with the personal part gone: only the topic and town remain, for anonymous counts."""
    summary = summary or {}
    return {"topic": summary.get("topic"), "town": summary.get("town"), "messages": [], "context": [], "phone": None,
            "erased": True}


def has_personal_summary(ticket: Ticket) -> bool:
    summary = ticket.summary or {}
    return bool(summary.get("messages") or summary.get("context") or summary.get("phone") or ticket.rating_comment)


def _rows(session: Session, statement) -> int:
    return session.execute(statement).rowcount or 0


def _messages(session: Session, cutoff: datetime) -> int:
    return _rows(session, delete(MessageRecord).where(MessageRecord.created_at < cutoff))


def _ticket_summaries(session: Session, cutoff: datetime) -> int:
    finished = select(Ticket).where(Ticket.status.in_(FINISHED_TICKETS), Ticket.closed_at < cutoff)
    erased = 0
    for ticket in session.scalars(finished):
        if has_personal_summary(ticket):
            ticket.summary, ticket.rating_comment = erased_summary(ticket.summary), None
            erased += 1
    session.flush()
    return erased


def _ticket_notes(session: Session, cutoff: datetime) -> int:
    return _rows(session, update(TicketEvent).where(TicketEvent.kind == "note", TicketEvent.detail != "",
                                                   TicketEvent.at < cutoff).values(detail=""))


def _delivered_notifications(cutoff: datetime, relays: bool):
    about = Notification.about_user_id.is_not(None) if relays else Notification.about_user_id.is_(None)
    done = or_(Notification.sent_at.is_not(None), Notification.failed_at.is_not(None))
    return delete(Notification).where(about, done, Notification.created_at < cutoff)


def _relays(session: Session, cutoff: datetime) -> int:
    return _rows(session, _delivered_notifications(cutoff, relays=True))


def _notifications(session: Session, cutoff: datetime) -> int:
    return _rows(session, _delivered_notifications(cutoff, relays=False))


def _lecture_request_phones(session: Session, cutoff: datetime) -> int:
    return _rows(session, update(LectureRequest).where(LectureRequest.created_at < cutoff,
                                                       LectureRequest.contact_phone != "").values(contact_phone=""))


def _lecture_bookings(session: Session, cutoff: datetime) -> int:
    ended = select(Lecture.id).where(Lecture.ends_at < cutoff)
    return _rows(session, delete(LectureBooking).where(LectureBooking.lecture_id.in_(ended)))


def _drafts(session: Session, cutoff: datetime) -> int:
    """Forms in progress untouched since the cutoff (every form: legal aid, lecture requests, the health check)."""
    stale = select(FormDraft.id).where(FormDraft.updated_at < cutoff)
    session.execute(delete(FormFile).where(FormFile.draft_id.in_(stale)))
    return _rows(session, delete(FormDraft).where(FormDraft.updated_at < cutoff))


def _evidence_files(session: Session, cutoff: datetime) -> int:
    return _rows(session, delete(FormFile).where(FormFile.created_at < cutoff))


def _form_submissions(session: Session, cutoff: datetime) -> int:
    """Health-check reports: deleted a year after they were made (a follow-up has happened by then)."""
    return _rows(session, delete(FormSubmission).where(FormSubmission.created_at < cutoff))


def _dedupe_rows(session: Session, cutoff: datetime) -> int:
    return _rows(session, delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < cutoff))


def _link_codes(session: Session, cutoff: datetime) -> int:
    return _rows(session, delete(LinkCode).where(LinkCode.created_at < cutoff))


def _unanswered_questions(session: Session, cutoff: datetime) -> int:
    return _rows(session, delete(UnansweredQuestion).where(UnansweredQuestion.asked_at < cutoff))


def _console_sign_ins(session: Session, cutoff: datetime) -> int:
    """Staff console links and sessions, counted from when they were made (a session lasts a day at most)."""
    links = _rows(session, delete(ConsoleLink).where(ConsoleLink.created_at < cutoff))
    return links + _rows(session, delete(ConsoleSession).where(ConsoleSession.created_at < cutoff))


def _aid_applications(session: Session, cutoff: datetime | None) -> int:
    """Never deleted here: the count of applications kept under the archive rule."""
    return int(session.scalar(select(func.count()).select_from(AidApplication)) or 0)


def _mediation_cases(session: Session, cutoff: datetime | None) -> int:
    """Never deleted here: mediation cases (with their timelines) are kept under the archive rule."""
    return int(session.scalar(select(func.count()).select_from(MediationCase)) or 0)


# What each line of the table does to the database, past its cutoff.
PURGES: dict[str, Callable[[Session, datetime | None], int]] = {
    "messages": _messages,
    "ticket_summaries": _ticket_summaries,
    "ticket_notes": _ticket_notes,
    "relays": _relays,
    "notifications": _notifications,
    "lecture_request_phones": _lecture_request_phones,
    "lecture_bookings": _lecture_bookings,
    "drafts": _drafts,
    "evidence_files": _evidence_files,
    "form_submissions": _form_submissions,
    "link_codes": _link_codes,
    "dedupe_rows": _dedupe_rows,
    "unanswered_questions": _unanswered_questions,
    "console_sign_ins": _console_sign_ins,
    "aid_applications": _aid_applications,
    "mediation_cases": _mediation_cases,
}


def purge(session: Session, policy: RetentionPolicy, now: datetime) -> dict[str, int]:
    """Apply every line of the policy in the caller's transaction; the count per class (kept ones for archives)."""
    counts = {}
    for name, line in policy.classes.items():
        cutoff = None if line.archive else now - timedelta(days=line.days or 0)
        counts[name] = PURGES[name](session, cutoff)
    return counts
