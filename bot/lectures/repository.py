"""Lecture tables: the catalogue, bookings and waitlist places, reminders and custom requests. They never commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, delete, func, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from bot.db.models import Lecture, LectureBooking, LectureReminder, LectureRequest

SCHEDULED, CANCELLED = "scheduled", "cancelled"
BOOKED, WAITING = "booked", "waiting"
ONLINE = "online"

_lectures = Lecture.__table__
_reminders = LectureReminder.__table__


def _dialect_statements(build):
    return {dialect.__name__.rsplit(".", 1)[-1]: build(dialect) for dialect in (postgresql, sqlite)}


_INSERT_LECTURE = _dialect_statements(
    lambda dialect: dialect.insert(_lectures).on_conflict_do_nothing(index_elements=["key"]).returning(_lectures.c.id)
)
_INSERT_REMINDER = _dialect_statements(
    lambda dialect: dialect.insert(_reminders).on_conflict_do_nothing(index_elements=["booking_id", "minutes_before"])
)


class CatalogueRepository:
    """Lectures, and the seat counter the database keeps for each."""

    def __init__(self, session: Session):
        self.session = session

    def get(self, lecture_id: int) -> Lecture | None:
        return self.session.get(Lecture, lecture_id)

    def lock(self, lecture_id: int) -> Lecture | None:
        """The lecture, re-read and locked until commit, so seat and waitlist changes on it go one at a time."""
        query = select(Lecture).where(Lecture.id == lecture_id).with_for_update()
        return self.session.scalar(query.execution_options(populate_existing=True))

    def take_seats(self, lecture: Lecture, seats: int, now: datetime) -> bool:
        """Hold seats if they are still free and the lecture is still ahead, deciding in one statement."""
        statement = (
            update(_lectures)
            .where(
                _lectures.c.id == lecture.id,
                _lectures.c.status == SCHEDULED,
                _lectures.c.starts_at > now,
                _lectures.c.seats_taken + seats <= _lectures.c.capacity,
            )
            .values(seats_taken=_lectures.c.seats_taken + seats)
            .returning(_lectures.c.seats_taken)
        )
        taken = self.session.execute(statement).scalar()
        if taken is None:
            return False
        set_committed_value(lecture, "seats_taken", taken)
        return True

    def release_seats(self, lecture: Lecture, seats: int) -> None:
        statement = (
            update(_lectures)
            .where(_lectures.c.id == lecture.id)
            .values(seats_taken=_lectures.c.seats_taken - seats)
            .returning(_lectures.c.seats_taken)
        )
        set_committed_value(lecture, "seats_taken", self.session.execute(statement).scalar_one())

    def _upcoming(self, now: datetime, town: str | None = None, topic: str | None = None):
        query = select(Lecture).where(Lecture.status == SCHEDULED, Lecture.starts_at > now)
        if town == ONLINE:
            query = query.where(Lecture.online_url.is_not(None))
        elif town:
            query = query.where(Lecture.town == town)
        if topic:
            query = query.where(Lecture.topic == topic)
        return query

    def upcoming(self, now: datetime, town: str | None = None, topic: str | None = None, offset: int = 0,
                 limit: int = 5) -> list[Lecture]:
        query = self._upcoming(now, town, topic).order_by(Lecture.starts_at, Lecture.id).offset(offset).limit(limit)
        return list(self.session.scalars(query))

    def count_upcoming(self, now: datetime, town: str | None = None, topic: str | None = None) -> int:
        subquery = self._upcoming(now, town, topic).subquery()
        return int(self.session.scalar(select(func.count()).select_from(subquery)) or 0)

    def upcoming_towns(self, now: datetime) -> list[str]:
        """Station ids with lectures ahead, and `online` when some are online."""
        rows = self.session.execute(
            select(Lecture.town, func.count(Lecture.online_url))
            .where(Lecture.status == SCHEDULED, Lecture.starts_at > now)
            .group_by(Lecture.town)
        )
        towns, online = set(), False
        for town, online_count in rows:
            if town:
                towns.add(town)
            online = online or bool(online_count)
        return sorted(towns) + ([ONLINE] if online else [])

    def upcoming_topics(self, now: datetime) -> list[str]:
        query = select(Lecture.topic).where(Lecture.status == SCHEDULED, Lecture.starts_at > now).distinct()
        return sorted(self.session.scalars(query))

    def next_on_topic(self, topic: str, now: datetime, town: str | None) -> Lecture | None:
        """The soonest lecture ahead on a topic, one in the resident's town first."""
        order = [Lecture.starts_at, Lecture.id]
        if town:
            order.insert(0, (Lecture.town == town).desc())
        return self.session.scalar(self._upcoming(now, topic=topic).order_by(*order).limit(1))

    def any_upcoming(self, now: datetime) -> bool:
        return self.session.scalar(self._upcoming(now).limit(1)) is not None

    def insert_new(self, values: dict) -> int | None:
        """Insert a lecture unless one with the same key exists (two processes may load the same data)."""
        connection = self.session.connection()
        return connection.execute(_INSERT_LECTURE[connection.dialect.name], values).scalar()

    def listing(self, since: datetime | None) -> list[Lecture]:
        query = select(Lecture).order_by(Lecture.starts_at, Lecture.id)
        if since is not None:
            query = query.where(Lecture.ends_at > since)
        return list(self.session.scalars(query))


class BookingRepository:
    """Bookings and waitlist places: one row per resident and lecture."""

    def __init__(self, session: Session):
        self.session = session

    def get(self, booking_id: int) -> LectureBooking | None:
        return self.session.get(LectureBooking, booking_id, options=[joinedload(LectureBooking.lecture)])

    def find(self, lecture_id: int, user_id: int) -> LectureBooking | None:
        query = select(LectureBooking).where(LectureBooking.lecture_id == lecture_id, LectureBooking.user_id == user_id)
        return self.session.scalar(query)

    def add(self, booking: LectureBooking) -> LectureBooking:
        self.session.add(booking)
        self.session.flush()
        return booking

    def waiting(self, lecture_id: int) -> list[LectureBooking]:
        """The waitlist, first come first served."""
        query = (
            select(LectureBooking)
            .options(joinedload(LectureBooking.user))
            .where(LectureBooking.lecture_id == lecture_id, LectureBooking.status == WAITING)
            .order_by(LectureBooking.requested_at, LectureBooking.id)
        )
        return list(self.session.scalars(query))

    def position(self, booking: LectureBooking) -> int:
        """1 for the first on the waitlist."""
        ahead = select(func.count()).where(
            LectureBooking.lecture_id == booking.lecture_id,
            LectureBooking.status == WAITING,
            tuple_(LectureBooking.requested_at, LectureBooking.id) < tuple_(booking.requested_at, booking.id),
        )
        return int(self.session.scalar(ahead) or 0) + 1

    def count_waiting(self, lecture_id: int) -> int:
        query = select(func.count()).where(LectureBooking.lecture_id == lecture_id, LectureBooking.status == WAITING)
        return int(self.session.scalar(query) or 0)

    def on_lecture(self, lecture_id: int, statuses: tuple[str, ...] = (BOOKED, WAITING)) -> list[LectureBooking]:
        query = (
            select(LectureBooking)
            .options(joinedload(LectureBooking.user))
            .where(LectureBooking.lecture_id == lecture_id, LectureBooking.status.in_(statuses))
            .order_by(LectureBooking.status, LectureBooking.requested_at, LectureBooking.id)
        )
        return list(self.session.scalars(query))

    def current_for_user(self, user_id: int, now: datetime) -> list[LectureBooking]:
        """The resident's bookings and waitlist places on lectures that are still on and not over."""
        query = (
            select(LectureBooking)
            .join(Lecture, Lecture.id == LectureBooking.lecture_id)
            .options(joinedload(LectureBooking.lecture))
            .where(
                LectureBooking.user_id == user_id,
                LectureBooking.status.in_((BOOKED, WAITING)),
                Lecture.status == SCHEDULED,
                Lecture.ends_at > now,
            )
            .order_by(Lecture.starts_at, LectureBooking.id)
        )
        return list(self.session.scalars(query))

    def booked_ahead(self, now: datetime) -> list[LectureBooking]:
        """Every booking on a lecture still ahead: what reminders are kept for."""
        query = (
            select(LectureBooking)
            .join(Lecture, Lecture.id == LectureBooking.lecture_id)
            .options(joinedload(LectureBooking.lecture))
            .where(LectureBooking.status == BOOKED, Lecture.status == SCHEDULED, Lecture.starts_at > now)
        )
        return list(self.session.scalars(query))


class ReminderRepository:
    def __init__(self, session: Session):
        self.session = session

    def replace(self, booking_id: int, due: dict[int, datetime]) -> None:
        """Set the booking's reminders afresh: minutes before -> when it is due."""
        self.session.execute(delete(LectureReminder).where(LectureReminder.booking_id == booking_id))
        self.add_missing([dict(booking_id=booking_id, minutes_before=m, due_at=at) for m, at in due.items()])

    def add_missing(self, rows: list[dict]) -> int:
        """Insert reminders that do not exist yet; existing ones (fired or not) are left alone."""
        if not rows:
            return 0
        connection = self.session.connection()
        result = connection.execute(_INSERT_REMINDER[connection.dialect.name], rows)
        return max(result.rowcount or 0, 0)

    def claim_due(self, now: datetime, limit: int = 200) -> list[LectureReminder]:
        """Mark due, unfired reminders as fired in one statement and return them: whoever marks a row fires it."""
        due = and_(_reminders.c.fired_at.is_(None), _reminders.c.due_at <= now)
        candidates = (
            select(_reminders.c.id)
            .where(due)
            .order_by(_reminders.c.due_at, _reminders.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        statement = update(_reminders).where(_reminders.c.id.in_(candidates), due).values(fired_at=now)
        ids = list(self.session.execute(statement.returning(_reminders.c.id)).scalars())
        if not ids:
            return []
        query = (
            select(LectureReminder)
            .options(joinedload(LectureReminder.booking).joinedload(LectureBooking.lecture),
                     joinedload(LectureReminder.booking).joinedload(LectureBooking.user))
            .where(LectureReminder.id.in_(ids))
            .order_by(LectureReminder.due_at, LectureReminder.id)
            .execution_options(populate_existing=True)
        )
        return list(self.session.scalars(query))

    def for_booking(self, booking_id: int) -> list[LectureReminder]:
        query = select(LectureReminder).where(LectureReminder.booking_id == booking_id)
        return list(self.session.scalars(query.order_by(LectureReminder.minutes_before.desc())))

    def overdue(self, now: datetime) -> int:
        query = select(func.count()).where(LectureReminder.fired_at.is_(None), LectureReminder.due_at <= now)
        return int(self.session.scalar(query) or 0)


class RequestRepository:
    """Custom lecture requests from communities and companies."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, request: LectureRequest, reference_prefix: str, year: int) -> LectureRequest:
        """Store the request and number it from its id, such as JZ-2026-000012."""
        self.session.add(request)
        self.session.flush()
        request.reference = f"{reference_prefix}-{year}-{request.id:06d}"
        self.session.flush()
        return request

    def by_reference(self, reference: str) -> LectureRequest | None:
        return self.session.scalar(select(LectureRequest).where(LectureRequest.reference == reference.upper()))

    def for_user(self, user_id: int, limit: int = 5) -> list[LectureRequest]:
        query = (
            select(LectureRequest)
            .where(LectureRequest.user_id == user_id)
            .order_by(LectureRequest.id.desc())
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def listing(self, everything: bool = False) -> list[LectureRequest]:
        query = select(LectureRequest).order_by(LectureRequest.id)
        if not everything:
            query = query.where(LectureRequest.status == "new")
        return list(self.session.scalars(query))


class LectureRepositories:
    """The lecture feature's repositories, grouped behind one attribute of Repositories."""

    def __init__(self, session: Session):
        self.catalogue = CatalogueRepository(session)
        self.bookings = BookingRepository(session)
        self.reminders = ReminderRepository(session)
        self.requests = RequestRepository(session)
