"""Reminders before booked lectures: rows made at booking, checked at start-up, each fired by one process once."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Lecture, LectureBooking
from bot.db.repositories import Repositories
from bot.lectures import notices
from bot.lectures.context import LectureContext
from bot.lectures.repository import BOOKED, SCHEDULED
from bot.settings import LecturesConfig

log = logging.getLogger(__name__)
SENT, SKIPPED = "sent", "skipped"
BATCH = 200


def due_times(lecture: Lecture, config: LecturesConfig, now: datetime) -> dict[int, datetime]:
    """Minutes before -> when each configured reminder is due, leaving out those already past."""
    due = {minutes: lecture.starts_at - timedelta(minutes=minutes) for minutes in config.reminder_minutes_before}
    return {minutes: at for minutes, at in due.items() if at > now}


def schedule(repos: Repositories, booking: LectureBooking, lecture: Lecture, config: LecturesConfig,
             now: datetime) -> None:
    """Give a booking its reminders afresh (a re-booking or a promotion starts over)."""
    repos.lectures.reminders.replace(booking.id, due_times(lecture, config, now))


def rebuild(sessions: sessionmaker[Session], config: LecturesConfig, now: datetime) -> tuple[int, int]:
    """At start-up: add any reminder a booking ahead lacks; return (added, overdue and about to fire)."""
    with sessions() as session, session.begin():
        repos = Repositories(session)
        rows = [
            dict(booking_id=booking.id, minutes_before=minutes, due_at=at)
            for booking in repos.lectures.bookings.booked_ahead(now)
            for minutes, at in due_times(booking.lecture, config, now).items()
        ]
        added = repos.lectures.reminders.add_missing(rows)
        overdue = repos.lectures.reminders.overdue(now)
    if added or overdue:
        log.info("lecture reminders: %d added at start-up, %d overdue to fire now", added, overdue)
    return added, overdue


def fire_due(sessions: sessionmaker[Session], ctx: LectureContext, clock: Callable[[], datetime]) -> int:
    """Claim the due reminders and write their notifications in the same transaction; return how many were sent.

    Of a booking's due reminders only the nearest to the lecture is sent (after downtime the 24-hour one is stale
    once the 1-hour one is due); none is sent for a cancelled booking or a lecture that has begun.
    """
    sent = 0
    while True:
        now = clock()
        with sessions() as session, session.begin():
            repos = Repositories(session)
            claimed = repos.lectures.reminders.claim_due(now, BATCH)
            nearest: dict[int, int] = {}
            for reminder in claimed:
                earlier = nearest.get(reminder.booking_id, reminder.minutes_before)
                nearest[reminder.booking_id] = min(reminder.minutes_before, earlier)
            for reminder in claimed:
                booking, lecture = reminder.booking, reminder.booking.lecture
                wanted = (
                    nearest[booking.id] == reminder.minutes_before
                    and booking.status == BOOKED
                    and lecture.status == SCHEDULED
                    and lecture.starts_at > now
                )
                reminder.outcome = SENT if wanted else SKIPPED
                if wanted:
                    notices.reminder(ctx, repos, booking, lecture, now)
                    sent += 1
        if len(claimed) < BATCH:
            return sent
