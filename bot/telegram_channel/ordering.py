"""Process updates concurrently across chats but strictly in order within one chat."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Different chats run side by side; one chat's updates run one after another, in arrival order.

    An update for a chat that is already being handled joins that chat's queue and its call returns at once, so a
    waiting update never holds one of PTB's concurrency slots: the chat's running call works through the queue before
    it returns. A chat that floods the bot therefore occupies one slot, and every other chat keeps the rest.
    """

    def __init__(self, max_concurrent_updates: int):
        super().__init__(max_concurrent_updates)
        self._queues: dict[int, deque[Awaitable[Any]]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        queue = self._queues.get(chat.id)
        if queue is not None:
            queue.append(coroutine)
            return
        queue = self._queues[chat.id] = deque([coroutine])
        try:
            while queue:
                try:
                    await queue[0]
                except Exception:  # noqa: BLE001 - one update's failure must not strand the chat's queue
                    log.exception("an update of chat %s failed outside its handlers", chat.id)
                finally:
                    queue.popleft()
        finally:
            del self._queues[chat.id]
            for stranded in queue:  # only on cancellation at shutdown: close what will never run
                close = getattr(stranded, "close", None)
                if close is not None:
                    close()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
