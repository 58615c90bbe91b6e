"""Repositories: one per model, grouped behind one object. They never commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from bot.db.models import Conversation, MessageRecord, ProcessedUpdate, QuestionCount, User
from bot.handoff.repository import HandoffRepositories
from bot.legal_aid.repository import AidRepository
from bot.mediation.repository import MediationRepository
from bot.lectures.repository import LectureRepositories
from bot.notifications.repository import NotificationRepository


class UserRepository:
    def __init__(self, session: Session):
        self.session = session

    def find(self, channel: str, external_id: str, *, lock: bool = False) -> User | None:
        query = (
            select(User)
            .options(joinedload(User.conversation))
            .where(User.channel == channel, User.external_id == external_id)
        )
        if lock:
            # FOR NO KEY UPDATE: it serialises one user's updates, yet lets other transactions insert rows that
            # reference the user (a notification, a waitlist promotion) without waiting for, or deadlocking with, them.
            query = query.with_for_update(of=User, key_share=True)
        return self.session.scalar(query)

    def find_or_create(self, channel: str, external_id: str, chat_id: str, language: str) -> User:
        """Return the user, locked for this transaction, creating them on first contact."""
        user = self.find(channel, external_id, lock=True)
        if user is not None:
            return user
        try:
            with self.session.begin_nested():
                user = User(channel=channel, external_id=external_id, language=language)
                user.conversation = Conversation(chat_id=chat_id, screen="home", data={})
                self.session.add(user)
        except IntegrityError:
            user = self.find(channel, external_id, lock=True)
            assert user is not None
        return user


_updates = ProcessedUpdate.__table__
_CLAIM_UPDATE = {
    dialect.__name__.rsplit(".", 1)[-1]: dialect.insert(_updates).on_conflict_do_nothing().returning(_updates.c.update_key)
    for dialect in (postgresql, sqlite)
}
_INSERT_MESSAGES = insert(MessageRecord.__table__)


class UpdateRepository:
    def __init__(self, session: Session):
        self.session = session

    def claim(self, channel: str, update_key: str, at: datetime) -> bool:
        """Record an update as being handled; False when it was handled already (or is being, elsewhere)."""
        connection = self.session.connection()
        parameters = {"channel": channel, "update_key": update_key, "processed_at": at}
        return connection.execute(_CLAIM_UPDATE[connection.dialect.name], parameters).scalar() is not None

    def forget_before(self, cutoff: datetime) -> int:
        result = self.session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < cutoff))
        return result.rowcount or 0


class MessageRepository:
    def __init__(self, session: Session):
        self.session = session

    def add_all(self, rows: list[dict]) -> None:
        """Insert message rows (user_id, direction, kind, text, created_at) in one statement."""
        if rows:
            self.session.connection().execute(_INSERT_MESSAGES, rows)

    def for_user(self, user_id: int) -> list[MessageRecord]:
        query = select(MessageRecord).where(MessageRecord.user_id == user_id).order_by(MessageRecord.id)
        return list(self.session.scalars(query))

    def delete_before(self, cutoff: datetime) -> int:
        result = self.session.execute(delete(MessageRecord).where(MessageRecord.created_at < cutoff))
        return result.rowcount or 0


_counts = QuestionCount.__table__


def _bump_statement(dialect):
    statement = dialect.insert(_counts)
    increments = {name: _counts.c[name] + statement.excluded[name] for name in ("asked", "helpful", "unhelpful")}
    return statement.on_conflict_do_update(index_elements=list(_counts.primary_key.columns), set_=increments)


_BUMP_COUNTS = {dialect.__name__.rsplit(".", 1)[-1]: _bump_statement(dialect) for dialect in (postgresql, sqlite)}


class QuestionCountRepository:
    """Anonymous counts of questions asked and answers rated, per month, town, topic and entry."""

    def __init__(self, session: Session):
        self.session = session

    def bump(self, month: str, town: str, topic: str, entry_id: str, *, asked: int = 0, helpful: int = 0,
             unhelpful: int = 0) -> None:
        connection = self.session.connection()
        row = dict(month=month, town=town, topic=topic, entry_id=entry_id, asked=asked, helpful=helpful,
                   unhelpful=unhelpful)
        connection.execute(_BUMP_COUNTS[connection.dialect.name], row)

    def top_entries(self, month: str, town: str | None = None, limit: int = 10) -> list[tuple[str, str, int, int]]:
        """(entry id, topic, times asked, times rated unhelpful), most asked first."""
        query = (
            select(QuestionCount.entry_id, QuestionCount.topic, func.sum(QuestionCount.asked),
                   func.sum(QuestionCount.unhelpful))
            .where(QuestionCount.month == month, QuestionCount.entry_id != "")
            .group_by(QuestionCount.entry_id, QuestionCount.topic)
            .order_by(func.sum(QuestionCount.asked).desc(), QuestionCount.entry_id)
            .limit(limit)
        )
        if town is not None:
            query = query.where(QuestionCount.town == town)
        return [(entry, topic, int(asked), int(unhelpful)) for entry, topic, asked, unhelpful in self.session.execute(query)]

    def total_asked(self, month: str, town: str | None = None) -> int:
        query = select(func.coalesce(func.sum(QuestionCount.asked), 0)).where(QuestionCount.month == month)
        if town is not None:
            query = query.where(QuestionCount.town == town)
        return int(self.session.scalar(query) or 0)


class Repositories:
    def __init__(self, session: Session):
        self.session = session
        self.users = UserRepository(session)
        self.updates = UpdateRepository(session)
        self.messages = MessageRepository(session)
        self.question_counts = QuestionCountRepository(session)
        self.lectures = LectureRepositories(session)
        self.notifications = NotificationRepository(session)
        self.handoff = HandoffRepositories(session)
        self.aid = AidRepository(session)
        self.mediation = MediationRepository(session)
