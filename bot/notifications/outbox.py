"""The outbox as a channel sees it: claim pending notifications, then say what became of each."""

from __future__ import annotations

import os
import socket
import threading
import uuid
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from bot.notifications.repository import ADDED, NotificationRepository, PendingNotification
from bot.settings import NotificationsConfig


def worker_name() -> str:
    """Who holds a claim: host, process and a random suffix, so two processes never look alike."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Outbox:
    """One channel's view of the outbox. Each claimed notification is sent by this process alone."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime],
        config: NotificationsConfig,
        channel: str,
        worker: str | None = None,
    ):
        self.sessions = sessions
        self.clock = clock
        self.config = config
        self.channel = channel
        self.worker = worker or worker_name()
        self._news = threading.Event()

    def watch(self) -> Outbox:
        """Note every committed transaction of this process that wrote a notification."""
        event.listen(self.sessions, "after_commit", self._after_commit)
        return self

    def close(self) -> None:
        if event.contains(self.sessions, "after_commit", self._after_commit):
            event.remove(self.sessions, "after_commit", self._after_commit)

    def _after_commit(self, session: Session) -> None:
        if session.info.pop(ADDED, False):
            self._news.set()

    def take_news(self) -> bool:
        """True once after this process committed new notifications: worth delivering now."""
        news = self._news.is_set()
        self._news.clear()
        return news

    def claim(self, external_ids: list[str] | None = None) -> list[PendingNotification]:
        """Claim a batch of pending notifications for this channel (or these of its users), committing the claim
        before anything is sent."""
        with self.sessions() as session, session.begin():
            lease = timedelta(seconds=self.config.claim_lease_seconds)
            repository = NotificationRepository(session)
            return repository.claim(self.channel, self.worker, self.clock(), lease, self.config.batch_size,
                                    external_ids)

    def sent(self, notification_id: int) -> bool:
        with self.sessions() as session, session.begin():
            return NotificationRepository(session).mark_sent(notification_id, self.worker, self.clock())

    def retry_later(self, notification_id: int, error: str) -> None:
        with self.sessions() as session, session.begin():
            repository = NotificationRepository(session)
            repository.release(notification_id, self.worker, error, self.clock(), self.config.max_attempts)

    def failed(self, notification_id: int, error: str) -> None:
        with self.sessions() as session, session.begin():
            NotificationRepository(session).give_up(notification_id, self.worker, error, self.clock())

    def forget_sent(self) -> int:
        """Delete notifications dealt with more than keep_sent_days ago."""
        cutoff = self.clock() - timedelta(days=self.config.keep_sent_days)
        with self.sessions() as session, session.begin():
            return NotificationRepository(session).forget_sent_before(cutoff)
