"""Lectures and residents for the lecture tests, on plain data."""

from __future__ import annotations

from datetime import timedelta

from bot.db.models import Lecture
from bot.db.repositories import Repositories
from tests.domain_helpers import Resident


def add_lecture(assistant, clock, *, title="签劳动合同要注意什么", topic="labor", days=3, hours=0, capacity=30,
                town="luyuan", place="潞源街道公共法律服务工作站", minutes=60, online_url=None, speaker="王律师",
                title_en=None) -> int:
    """A lecture starting `days` and `hours` after the fake clock's now; returns its id."""
    starts_at = clock.now + timedelta(days=days, hours=hours)
    with assistant.sessions() as session, session.begin():
        lecture = Lecture(title=title, title_en=title_en, topic=topic, speaker=speaker, town=town, place=place,
                          online_url=online_url, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes),
                          capacity=capacity, seats_taken=0, status="scheduled")
        session.add(lecture)
        session.flush()
        return lecture.id


def consenting(assistant, user_id: str, language: str = "zh-hans") -> Resident:
    resident = Resident(assistant, user_id=user_id, language=language)
    resident.command("start")
    resident.press("同意" if not language.startswith("en") else "I agree")
    return resident


def lecture_row(assistant, lecture_id: int) -> Lecture:
    with assistant.sessions() as session:
        return session.get(Lecture, lecture_id)


def bookings_of(assistant, lecture_id: int) -> dict[str, tuple[str, int]]:
    """Resident external id -> (status, seats) for every booking row of a lecture."""
    with assistant.sessions() as session:
        rows = Repositories(session).lectures.bookings.on_lecture(lecture_id, ("booked", "waiting", "cancelled"))
        return {row.user.external_id: (row.status, row.seats) for row in rows}


def notifications_for(assistant, external_id: str, channel: str = "test") -> list:
    with assistant.sessions() as session:
        repos = Repositories(session)
        user = repos.users.find(channel, external_id)
        return repos.notifications.for_user(user.id) if user else []
