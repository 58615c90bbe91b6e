"""The booking rules: seats decided by the database, a first-come waitlist, cancellations that promote."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from bot.db.models import Lecture, LectureBooking, User
from bot.db.repositories import Repositories
from bot.lectures import notices, reminders
from bot.lectures.context import LectureContext
from bot.lectures.repository import BOOKED, CANCELLED, SCHEDULED, WAITING


class Outcome(str, Enum):
    BOOKED = "booked"
    WAITLISTED = "waitlisted"
    FULL = "full"  # not that many seats left: the waitlist is open
    CLOSED = "closed"  # cancelled, or already begun
    ALREADY = "already"  # the resident already holds seats or a waitlist place
    BAD_SEATS = "bad_seats"


@dataclass
class Result:
    outcome: Outcome
    booking: LectureBooking | None = None


class LectureDesk:
    """Books, waitlists and cancels inside the caller's transaction, writing any notices it causes."""

    def __init__(self, repos: Repositories, ctx: LectureContext, now: datetime):
        self.repos = repos
        self.ctx = ctx
        self.now = now
        self.catalogue = repos.lectures.catalogue
        self.bookings = repos.lectures.bookings

    def is_open(self, lecture: Lecture) -> bool:
        return lecture.status == SCHEDULED and lecture.starts_at > self.now

    def book(self, lecture: Lecture, user: User, seats: int) -> Result:
        """Hold seats, or say why not. The last seat goes to whichever update the database serves first."""
        refused = self._refusal(lecture, user, seats)
        if refused:
            return refused
        if not self.catalogue.take_seats(lecture, seats, self.now):
            self.repos.session.refresh(lecture)
            return Result(Outcome.FULL if self.is_open(lecture) else Outcome.CLOSED)
        booking = self._hold(lecture, user, seats, BOOKED)
        reminders.schedule(self.repos, booking, lecture, self.ctx.config, self.now)
        return Result(Outcome.BOOKED, booking)

    def join_waitlist(self, lecture: Lecture, user: User, seats: int) -> Result:
        """Queue for seats; if seats were freed meanwhile, book them instead."""
        refused = self._refusal(lecture, user, seats)
        if refused:
            return refused
        # Under the lecture's lock a cancellation waits for this place, then sees it and can promote it.
        locked = self.catalogue.lock(lecture.id)
        if locked is None or not self.is_open(locked):
            return Result(Outcome.CLOSED)
        if self.catalogue.take_seats(locked, seats, self.now):
            booking = self._hold(locked, user, seats, BOOKED)
            reminders.schedule(self.repos, booking, locked, self.ctx.config, self.now)
            return Result(Outcome.BOOKED, booking)
        return Result(Outcome.WAITLISTED, self._hold(locked, user, seats, WAITING))

    def cancel(self, booking: LectureBooking) -> list[LectureBooking]:
        """Cancel seats or leave the waitlist; freed seats go down the waitlist. Returns who was promoted."""
        # Lecture first, then booking, as every path here does; re-read the booking, which a promotion may
        # have changed while this transaction waited for the lock.
        lecture = self.catalogue.lock(booking.lecture_id)
        self.repos.session.refresh(booking)
        if booking.status not in (BOOKED, WAITING):
            return []
        had_seats = booking.status == BOOKED
        booking.status, booking.cancelled_at = CANCELLED, self.now
        self.repos.lectures.reminders.replace(booking.id, {})
        if not had_seats or lecture is None:
            return []
        self.catalogue.release_seats(lecture, booking.seats)
        return self.promote(lecture)

    def promote(self, lecture: Lecture) -> list[LectureBooking]:
        """Give free seats to the waitlist in order; a request too big for them lets a smaller one behind it in."""
        if not self.is_open(lecture):
            return []
        promoted = []
        for waiting in self.bookings.waiting(lecture.id):
            free = lecture.capacity - lecture.seats_taken
            if free <= 0:
                break
            if waiting.seats > free or not self.catalogue.take_seats(lecture, waiting.seats, self.now):
                continue
            waiting.status, waiting.confirmed_at, waiting.promoted = BOOKED, self.now, True
            reminders.schedule(self.repos, waiting, lecture, self.ctx.config, self.now)
            notices.promoted(self.ctx, self.repos, waiting, lecture, self.now)
            promoted.append(waiting)
        return promoted

    def cancel_lecture(self, lecture_id: int) -> int | None:
        """Staff cancel a lecture: everyone booked or waiting is told. Returns how many, None if no such lecture."""
        lecture = self.catalogue.lock(lecture_id)
        if lecture is None:
            return None
        if lecture.status == CANCELLED:
            return 0
        affected = self.bookings.on_lecture(lecture.id)
        for booking in affected:
            notices.lecture_cancelled(self.ctx, self.repos, booking, lecture, self.now)
            booking.status, booking.cancelled_at = CANCELLED, self.now
            self.repos.lectures.reminders.replace(booking.id, {})
        lecture.status, lecture.seats_taken = CANCELLED, 0
        return len(affected)

    def position(self, booking: LectureBooking) -> int:
        return self.bookings.position(booking)

    def _refusal(self, lecture: Lecture, user: User, seats: int) -> Result | None:
        if not 1 <= seats <= self.ctx.config.max_seats_per_booking:
            return Result(Outcome.BAD_SEATS)
        if not self.is_open(lecture):
            return Result(Outcome.CLOSED)
        existing = self.bookings.find(lecture.id, user.id)
        if existing is not None and existing.status in (BOOKED, WAITING):
            return Result(Outcome.ALREADY, existing)
        return None

    def _hold(self, lecture: Lecture, user: User, seats: int, status: str) -> LectureBooking:
        """Write the booking or waitlist place, reusing the resident's cancelled row for this lecture."""
        booking = self.bookings.find(lecture.id, user.id)
        if booking is None:
            booking = LectureBooking(lecture_id=lecture.id, user_id=user.id)
            booking.lecture = lecture
            booking.user = user
        booking.seats, booking.status, booking.requested_at = seats, status, self.now
        booking.confirmed_at = self.now if status == BOOKED else None
        booking.cancelled_at, booking.promoted = None, False
        return self.bookings.add(booking)
