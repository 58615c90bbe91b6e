"""NLU with a fallback that never stops: Rasa when it answers, the embedded classifier otherwise."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future

from bot.nlu.embedded import EmbeddedClassifier
from bot.nlu.labels import Interpretation, interpret
from bot.nlu.rasa_client import RasaClient, RasaUnavailable

log = logging.getLogger(__name__)


class NluService:
    """Parse text with Rasa; on failure switch to the embedded classifier and retry Rasa now and then."""

    def __init__(
        self,
        train_embedded: Callable[[], EmbeddedClassifier],
        rasa: RasaClient | None = None,
        retry_seconds: float = 30.0,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self.rasa = rasa
        self.retry_seconds = retry_seconds
        self.monotonic = monotonic
        self._embedded: Future[EmbeddedClassifier] = Future()
        self._train_embedded = train_embedded
        self._lock = threading.Lock()
        self._rasa_down_since: float | None = None
        self.backend = "rasa" if rasa else "embedded"
        self.fallbacks = 0  # parses the embedded classifier answered because Rasa did not (for /metrics)

    def start(self) -> NluService:
        """Train the embedded classifier in the background, so start-up does not wait for it."""
        threading.Thread(target=self._train, name="embedded-nlu-training", daemon=True).start()
        return self

    def _train(self) -> None:
        try:
            self._embedded.set_result(self._train_embedded())
        except BaseException as error:  # noqa: BLE001 - surfaced to every caller of parse
            self._embedded.set_exception(error)

    @property
    def embedded(self) -> EmbeddedClassifier:
        return self._embedded.result()

    def parse(self, text: str) -> Interpretation:
        if self.rasa is not None and self._should_try_rasa():
            try:
                meaning = self.rasa.parse(text)
            except RasaUnavailable as error:
                self._mark_rasa_down(str(error))
            else:
                self._mark_rasa_up()
                return meaning
        if self.rasa is not None:
            self.fallbacks += 1
        return self.parse_embedded(text)

    def parse_embedded(self, text: str) -> Interpretation:
        return interpret(self.embedded.rank(text))

    def _should_try_rasa(self) -> bool:
        with self._lock:
            down = self._rasa_down_since
            return down is None or self.monotonic() - down >= self.retry_seconds

    def _mark_rasa_down(self, reason: str) -> None:
        with self._lock:
            if self.backend == "rasa":
                log.warning("NLU: Rasa at %s is unavailable (%s); using the embedded classifier", self.rasa.url, reason)
            self.backend = "embedded"
            self._rasa_down_since = self.monotonic()

    def _mark_rasa_up(self) -> None:
        with self._lock:
            if self.backend != "rasa":
                log.warning("NLU: Rasa at %s answers again; switching back to it", self.rasa.url)
            self.backend = "rasa"
            self._rasa_down_since = None

    def close(self) -> None:
        if self.rasa is not None:
            self.rasa.close()
