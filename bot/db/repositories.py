"""Repositories: one per model, grouped behind one object. They never commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from bot.db.models import Conversation, MessageRecord, ProcessedUpdate, User


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
            query = query.with_for_update(of=User)
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


class Repositories:
    def __init__(self, session: Session):
        self.session = session
        self.users = UserRepository(session)
        self.updates = UpdateRepository(session)
        self.messages = MessageRepository(session)
