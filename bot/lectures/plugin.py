"""法治微讲堂, as the assistant sees it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.core.service import CommandGroup, Job, Service
from bot.core.turn import Turn
from bot.db.models import LectureBooking, LectureRequest
from bot.lectures import actions, catalogue, commands, reminders, requests
from bot.lectures.context import LectureContext
from bot.lectures.repository import LectureRepositories
from bot.lectures.startup import start_up

FIRE_REMINDERS = "fire_lecture_reminders"


def staff_context(turn: Turn) -> tuple[list[str], str | None]:
    """For staff on a ticket: the resident's latest custom request (with its phone) and their bookings."""
    session, lines, phone = turn.repos.session, [], None
    request = session.scalar(select(LectureRequest).where(LectureRequest.user_id == turn.user.id)
                             .order_by(LectureRequest.id.desc()).limit(1))
    if request is not None:
        lines.append(f"lecture_request {request.reference or request.id}: {request.organisation}")
        phone = request.contact_phone
    booked = session.scalars(select(LectureBooking).where(LectureBooking.user_id == turn.user.id,
                                                          LectureBooking.status == "booked")).all()
    lines += [f"lecture_booking {booking.lecture_id}: {booking.seats}" for booking in booked]
    return lines, phone


def fire_reminders(assistant) -> int:
    return reminders.fire_due(assistant.sessions, LectureContext.of(assistant), assistant.clock)


SERVICE = Service(
    name="lectures",
    verbs=actions.VERBS,
    screens={"lectures": catalogue.catalogue_screen},
    forms={requests.FORM: requests.HOOKS},
    records=catalogue.records_section,
    suggestions=catalogue.suggestion_rows,
    staff_context=staff_context,
    repositories={"lectures": LectureRepositories},
    jobs=[Job(FIRE_REMINDERS, lambda settings: timedelta(seconds=settings.lectures.reminder_check_seconds),
              fire_reminders)],
    cli=CommandGroup(("lectures",), commands.add_parser, commands.run_lectures_command),
    start_up=start_up,
)
