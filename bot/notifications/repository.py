"""The outbox table: a notification is written with the change that causes it and claimed before it is sent."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, or_, select, update
from sqlalchemy.orm import Session

from bot.core.messages import Attachment, Button, Outbound
from bot.db.models import Conversation, Notification, User

# Set on the session when a notification is written, so a committed transaction can wake the sender.
ADDED = "notifications.added"

_table = Notification.__table__


@dataclass(frozen=True)
class PendingNotification:
    """A claimed notification, ready for its channel to send."""

    id: int
    user_id: int
    chat_id: str
    message: Outbound
    thread_id: int | None = None
    copy_from: tuple[str, int] | None = None
    token: str = ""  # the claim's fencing token: a lapsed claimer's token no longer matches the row


def encode_buttons(rows: list[list[Button]]) -> list[list[dict[str, str]]]:
    return [[{"label": button.label, "data": button.data} for button in row] for row in rows]


def decode_buttons(rows: list[list[dict[str, str]]]) -> list[list[Button]]:
    return [[Button(button["label"], button["data"]) for button in row] for row in rows or []]


class NotificationRepository:
    def __init__(self, session: Session):
        self.session = session

    def add(self, user_id: int, message: Outbound, at: datetime, *, thread_id: int | None = None,
            copy_from: tuple[str, int] | None = None, about: int | None = None) -> Notification:
        """Queue a message for a user; it is sent after this transaction commits.

        `thread_id` sends it into a forum topic; `copy_from` (chat, message id) relays that message instead of the text.
        """
        attachment = message.attachment
        row = Notification(
            user_id=user_id,
            text=message.text,
            buttons=encode_buttons(message.buttons),
            attachment_name=attachment.filename if attachment else None,
            attachment_type=attachment.mime_type if attachment else None,
            attachment_content=attachment.content if attachment else None,
            created_at=at,
            attempts=0,
            thread_id=thread_id,
            copy_chat_id=copy_from[0] if copy_from else None,
            copy_message_id=copy_from[1] if copy_from else None,
            about_user_id=about,
        )
        self.session.add(row)
        self.session.info[ADDED] = True
        return row

    def claim(
        self, channel: str, worker: str, now: datetime, lease: timedelta, limit: int,
        external_ids: list[str] | None = None,
    ) -> list[PendingNotification]:
        """Mark up to `limit` unsent notifications for the channel's users as ours, in one statement.

        `external_ids` narrows it to those users: the web claims only for visitors connected to this worker.

        A row is claimable when nobody holds it, or when its claim is older than the lease (the claimer died).
        On PostgreSQL, rows another process is claiming are skipped rather than waited for; the outer WHERE
        repeats the conditions, so a row claimed meanwhile is never claimed twice. Each claim gets a fresh token:
        only its holder may renew the lease, mark the row sent, or release it.
        """
        token = uuid.uuid4().hex
        claimable = and_(
            _table.c.sent_at.is_(None),
            _table.c.failed_at.is_(None),
            or_(_table.c.claimed_at.is_(None), _table.c.claimed_at < now - lease),
        )
        whose = User.channel == channel
        if external_ids is not None:
            whose = and_(whose, User.external_id.in_(external_ids))
        candidates = (
            select(_table.c.id)
            .join(User.__table__, User.id == _table.c.user_id)
            .where(claimable, whose)
            .order_by(_table.c.id)
            .limit(limit)
            .with_for_update(of=_table, skip_locked=True)
        )
        statement = (
            update(_table)
            .where(_table.c.id.in_(candidates), claimable)
            .values(claimed_by=worker, claimed_at=now, claim_token=token)
            .returning(_table.c.id)
        )
        ids = list(self.session.execute(statement).scalars())
        if not ids:
            return []
        rows = self.session.execute(
            select(Notification, Conversation.chat_id)
            .join(Conversation, Conversation.user_id == Notification.user_id)
            .where(Notification.id.in_(ids))
            .order_by(Notification.id)
        )
        return [
            PendingNotification(row.id, row.user_id, chat_id, as_outbound(row), row.thread_id,
                                (row.copy_chat_id, row.copy_message_id) if row.copy_chat_id else None, token)
            for row, chat_id in rows
        ]

    @staticmethod
    def _held(notification_id: int, token: str):
        """The row is still held by this claim and not yet dealt with."""
        return and_(_table.c.id == notification_id, _table.c.claim_token == token, _table.c.sent_at.is_(None),
                    _table.c.failed_at.is_(None))

    def renew(self, ids: list[int], token: str, now: datetime) -> int:
        """Extend the lease of the rows this claim still holds (a send still in progress); how many it still holds."""
        statement = (
            update(_table)
            .where(_table.c.id.in_(ids), _table.c.claim_token == token, _table.c.sent_at.is_(None),
                   _table.c.failed_at.is_(None))
            .values(claimed_at=now)
        )
        return self.session.execute(statement).rowcount or 0

    def mark_sent(self, notification_id: int, token: str, now: datetime) -> bool:
        """Record the send; False when our claim had lapsed and another process took the row over."""
        statement = (
            update(_table)
            .where(self._held(notification_id, token))
            .values(sent_at=now, attempts=_table.c.attempts + 1)
        )
        return bool(self.session.execute(statement).rowcount)

    def release(self, notification_id: int, token: str, error: str, now: datetime, max_attempts: int) -> None:
        """Give the row back for a later try, or give up on it after max_attempts."""
        attempts = _table.c.attempts + 1
        statement = (
            update(_table)
            .where(self._held(notification_id, token))
            .values(
                claimed_by=None,
                claimed_at=None,
                claim_token=None,
                attempts=attempts,
                error=error[:200],
                failed_at=case((attempts >= max_attempts, now), else_=None),
            )
        )
        self.session.execute(statement)

    def give_up(self, notification_id: int, token: str, error: str, now: datetime) -> None:
        """Never try this one again (the user blocked the bot, or the chat is gone)."""
        statement = (
            update(_table)
            .where(self._held(notification_id, token))
            .values(failed_at=now, error=error[:200], attempts=_table.c.attempts + 1)
        )
        self.session.execute(statement)

    def withdraw_unsent(self, user_id: int, reason: str, now: datetime) -> int:
        """Never send what is still waiting for this user (a member of staff who was removed); a send already under
        way cannot be called back."""
        statement = (
            update(_table)
            .where(_table.c.user_id == user_id, _table.c.sent_at.is_(None), _table.c.failed_at.is_(None))
            .values(failed_at=now, error=reason[:200])
        )
        return self.session.execute(statement).rowcount or 0

    def for_user(self, user_id: int) -> list[Notification]:
        query = select(Notification).where(Notification.user_id == user_id).order_by(Notification.id)
        return list(self.session.scalars(query))

    def forget_sent_before(self, cutoff: datetime) -> int:
        """Delete notifications delivered, or given up on, before the cutoff."""
        done_before = or_(_table.c.sent_at < cutoff, _table.c.failed_at < cutoff)
        return self.session.execute(delete(_table).where(done_before)).rowcount or 0


def as_outbound(row: Notification) -> Outbound:
    attachment = None
    if row.attachment_name and row.attachment_content is not None:
        attachment = Attachment(row.attachment_name, row.attachment_content, row.attachment_type or "")
    return Outbound(row.text, decode_buttons(row.buttons), attachment=attachment)
