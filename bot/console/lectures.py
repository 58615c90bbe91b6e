"""Lectures in the console: the list with seats and waitlists, create and cancel, attendees, and the requests for a
lecture of one's own. Creating goes through the importer's own checks; cancelling and scheduling through the lecture
desk and its notices, so residents are told as from the command line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.console.access import MANAGE_LECTURES, Access
from bot.db.models import Lecture, LectureBooking, LectureRequest, StaffMember, User
from bot.db.repositories import Repositories
from bot.lectures import notices
from bot.lectures.context import LectureContext
from bot.lectures.desk import LectureDesk
from bot.lectures.importer import ImportProblem, lecture_values
from bot.lectures.repository import BOOKED, SCHEDULED
from bot.core.phones import mask


@dataclass(frozen=True)
class Listed:
    lecture: Lecture
    waiting: int
    may_manage: bool


def listing(session: Session, access: Access, member: StaffMember, now: datetime, everything: bool) -> list[Listed]:
    repos = Repositories(session).lectures
    return [Listed(lecture, repos.bookings.count_waiting(lecture.id),
                   access.allows(member, MANAGE_LECTURES, lecture.town))
            for lecture in repos.catalogue.listing(None if everything else now)]


def create(session: Session, ctx: LectureContext, access: Access, member: StaffMember, fields: dict[str, str],
           now: datetime) -> tuple[int | None, str]:
    """Add a lecture from the form; (its id, "") or (None, what is wrong)."""
    spec = {"title": fields.get("title", "").strip(), "topic": fields.get("topic", ""),
            "starts": fields.get("starts", "").replace("T", " "), "minutes": fields.get("minutes") or 90,
            "capacity": fields.get("capacity", ""), "town": fields.get("town") or None,
            "place": fields.get("place", "").strip(), "speaker": fields.get("speaker", "").strip(),
            "online_url": fields.get("online_url", "").strip() or None}
    if not access.check(session, member, MANAGE_LECTURES, spec["town"], now, detail="lecture create"):
        return None, ""
    try:
        values = lecture_values(ctx, spec, now)
    except ImportProblem as problem:
        return None, str(problem)
    lecture_id = Repositories(session).lectures.catalogue.insert_new(values)
    Repositories(session).handoff.tickets.log(None, member.name, "lecture_added", now, staff_id=member.id,
                                              detail=f"lecture={lecture_id}")
    return lecture_id, ""


def cancel(session: Session, ctx: LectureContext, access: Access, member: StaffMember, lecture_id: int,
           now: datetime) -> int | None:
    """Cancel (everyone booked or waiting is told); how many were told, or None when not found or not permitted."""
    repos = Repositories(session)
    lecture = repos.lectures.catalogue.get(lecture_id)
    if lecture is None or not access.check(session, member, MANAGE_LECTURES, lecture.town, now,
                                           detail=f"lecture={lecture_id}"):
        return None
    told = LectureDesk(repos, ctx, now).cancel_lecture(lecture_id)
    repos.handoff.tickets.log(None, member.name, "lecture_cancelled", now, staff_id=member.id,
                              detail=f"lecture={lecture_id} told={told}")
    return told


@dataclass(frozen=True)
class Attendance:
    lecture: Lecture
    booked: list[LectureBooking]
    waiting: list[LectureBooking]


def attendance(session: Session, access: Access, member: StaffMember, lecture_id: int, now: datetime) -> Attendance | None:
    """Bookings and the waitlist by booking number and seats: who the residents are is not shown."""
    repos = Repositories(session).lectures
    lecture = repos.catalogue.get(lecture_id)
    if lecture is None or not access.check(session, member, MANAGE_LECTURES, lecture.town, now,
                                           detail=f"lecture={lecture_id}"):
        return None
    booked = [row for row in repos.bookings.on_lecture(lecture.id) if row.status == BOOKED]
    return Attendance(lecture, booked, repos.bookings.waiting(lecture.id))


@dataclass(frozen=True)
class Request:
    row: LectureRequest
    phone: str


def requests(session: Session, access: Access, member: StaffMember, now: datetime, everything: bool) -> list[Request]:
    """Requests for a lecture; the contact phone masked unless the role may see personal data (audited)."""
    rows = Repositories(session).lectures.requests.listing(everything=everything)
    if not rows:
        return []
    references = ",".join(row.reference or str(row.id) for row in rows)
    reveal = access.unmask(session, member, None, f"lecture requests {references}"[:200], now)
    return [Request(row, row.contact_phone if reveal else mask(row.contact_phone)) for row in rows]


def schedule_request(session: Session, ctx: LectureContext, access: Access, member: StaffMember, reference: str,
                     lecture_id: int, now: datetime) -> bool:
    """Answer a request with a lecture; the requester is told."""
    repos = Repositories(session)
    request = repos.lectures.requests.by_reference(reference)
    lecture = repos.lectures.catalogue.get(lecture_id)
    if request is None or lecture is None or lecture.status != SCHEDULED or lecture.starts_at <= now:
        return False
    if not access.check(session, member, MANAGE_LECTURES, lecture.town, now, detail=f"request={reference}"):
        return False
    request.status, request.lecture_id, request.scheduled_at = "scheduled", lecture.id, now
    notices.request_scheduled(ctx, repos, request, lecture, session.get(User, request.user_id), now)
    repos.handoff.tickets.log(None, member.name, "lecture_request", now, staff_id=member.id,
                              detail=f"{reference} lecture={lecture_id}")
    return True
