"""Edited knowledge-base files take effect in a running bot: rebuilt in the background, then swapped in."""

from __future__ import annotations

import logging
import threading
import time

from bot.knowledge.base import KnowledgeBase, content_signature
from bot.knowledge.retrieval import Retriever

log = logging.getLogger(__name__)
RELOAD = "reload_knowledge"


class KnowledgeReload:
    """A scheduled check: when the files differ from what the bot answers from, rebuild once, off the turn path."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._building: threading.Thread | None = None
        self._failed: tuple | None = None  # a signature that would not load: wait for the next edit

    def __call__(self, assistant) -> int:
        folder = assistant.settings.knowledge_dir
        found = content_signature(folder)
        if found == assistant.knowledge.signature or found == self._failed:
            return 0
        with self._lock:
            if self._building is not None and self._building.is_alive():
                return 0
            # Rebuilding the index takes seconds of CPU: never in a database worker that residents' turns wait for.
            self._building = threading.Thread(target=self._rebuild, args=(assistant,), name=RELOAD, daemon=True)
            self._building.start()
        return 0

    def _rebuild(self, assistant) -> None:
        started = time.monotonic()
        folder = assistant.settings.knowledge_dir
        try:
            knowledge = KnowledgeBase.load(folder)
            retriever = Retriever(knowledge.entries)
        except Exception:  # noqa: BLE001 - keep answering from the last good knowledge base
            self._failed = content_signature(folder)
            log.exception("the edited knowledge base did not load; still answering from the previous one")
            return
        assistant.replace_knowledge(knowledge, retriever)
        self._failed = None
        log.info("knowledge base reloaded: %d entries in %.1f s", len(knowledge.entries), time.monotonic() - started)

    def wait(self, timeout: float | None = None) -> None:
        """For tests and the terminal chat: wait for a rebuild in progress."""
        building = self._building
        if building is not None:
            building.join(timeout)
