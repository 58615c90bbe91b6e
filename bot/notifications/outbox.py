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

    @property
    def renew_every(self) -> float:
        """How often a sender renews the lease of what it holds: three times a lease, so one late renewal is no lapse."""
        return self.config.claim_lease_seconds / 3

    def renew(self, batch: list[PendingNotification]) -> int:
        """Extend the lease of a claimed batch while it is being sent; returns how many rows the claim still holds."""
        if not batch:
            return 0
        with self.sessions() as session, session.begin():
            ids = [pending.id for pending in batch]
            return NotificationRepository(session).renew(ids, batch[0].token, self.clock())

    def still_held(self, pending: PendingNotification) -> bool:
        """Renew one row's lease just before its send; False when the claim lapsed and someone else may send it."""
        return self.renew([pending]) == 1

    def sent(self, pending: PendingNotification) -> bool:
        with self.sessions() as session, session.begin():
            return NotificationRepository(session).mark_sent(pending.id, pending.token, self.clock())

    def retry_later(self, pending: PendingNotification, error: str) -> None:
        with self.sessions() as session, session.begin():
            repository = NotificationRepository(session)
            repository.release(pending.id, pending.token, error, self.clock(), self.config.max_attempts)

    def failed(self, pending: PendingNotification, error: str) -> None:
        with self.sessions() as session, session.begin():
            NotificationRepository(session).give_up(pending.id, pending.token, error, self.clock())

    def forget_sent(self) -> int:
        """Delete notifications dealt with more than keep_sent_days ago."""
        cutoff = self.clock() - timedelta(days=self.config.keep_sent_days)
        with self.sessions() as session, session.begin():
            return NotificationRepository(session).forget_sent_before(cutoff)
