"""Live messages to web visitors (staff replies, reminders): the outbox, polled for the visitors connected here.

Any worker may hold a visitor's event stream, so each worker claims only its own visitors' rows. A row waits
in the outbox while its visitor has no page open, and is shown when they come back.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable

from bot.core.content import Texts
from bot.core.messages import Outbound
from bot.notifications.outbox import Outbox
from bot.web.render import outbound_json

log = logging.getLogger(__name__)
RunBlocking = Callable[..., Awaitable]


class WebDelivery:
    """Event-stream queues of the visitors connected to this worker, fed from the outbox."""

    def __init__(self, outbox: Outbox, run_blocking: RunBlocking, texts: Texts,
                 visitor_of: Callable[[int], tuple[str, str]]):
        self.outbox = outbox
        self.run_blocking = run_blocking
        self.texts = texts
        self.visitor_of = visitor_of  # a user row's id -> (their visitor id, their language)
        self._streams: dict[str, set[asyncio.Queue]] = defaultdict(set)
        self._wake = asyncio.Event()

    def connect(self, visitor: str) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue()
        self._streams[visitor].add(queue)
        self._wake.set()  # a visitor who comes back gets what waited for them at once
        return queue

    def disconnect(self, visitor: str, queue: asyncio.Queue) -> None:
        streams = self._streams.get(visitor)
        if streams is not None:
            streams.discard(queue)
            if not streams:
                del self._streams[visitor]

    def wake(self) -> None:
        self._wake.set()

    def close(self) -> None:
        """End every event stream (the browsers reconnect, to another worker if this one is going away)."""
        for streams in self._streams.values():
            for queue in streams:
                queue.put_nowait(None)

    @property
    def connected(self) -> int:
        return len(self._streams)

    async def run(self, poll_seconds: float) -> None:
        """Deliver until cancelled: every poll, or at once when a visitor connects."""
        while True:
            try:
                await self.deliver_pending()
            except Exception:  # noqa: BLE001 - a database hiccup must not end live delivery
                log.exception("web delivery failed; retrying at the next poll")
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), poll_seconds)
            except TimeoutError:
                pass

    async def deliver_pending(self) -> int:
        sent = 0
        while self._streams:
            batch = await self.run_blocking(self.outbox.claim, list(self._streams))
            for pending in batch:
                external_id, lang = await self.run_blocking(self.visitor_of, pending.user_id)
                streams = self._streams.get(external_id)
                if not streams:  # they left between the claim and now: the row waits for their return
                    await self.run_blocking(self.outbox.retry_later, pending, "visitor left")
                    continue
                if not await self.run_blocking(self.outbox.still_held, pending):
                    continue  # the claim lapsed and another worker holds the row now: it sends, not us
                message = pending.message
                if pending.copy_from is not None and not message.text:
                    # a photo or file staff sent in Telegram; the page can only say so
                    message = Outbound(self.texts.get("web_staff_sent_file", lang).strip(), message.buttons)
                shown = outbound_json(message)
                for queue in streams:
                    queue.put_nowait(shown)
                await self.run_blocking(self.outbox.sent, pending)
                sent += 1
            if len(batch) < self.outbox.config.batch_size:
                break
        return sent
