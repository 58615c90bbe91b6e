"""Values built in a background thread at start-up, so the first reply does not wait for them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Generic, TypeVar

T = TypeVar("T")


class Preloaded(Generic[T]):
    """Starts building at once; `get` waits until it is ready and re-raises a failure."""

    def __init__(self, build: Callable[[], T] | None = None, name: str = "preload"):
        self._future: Future[T] = Future()
        if build is not None:
            threading.Thread(target=self._run, args=(build,), name=name, daemon=True).start()

    @classmethod
    def ready(cls, value: T) -> Preloaded[T]:
        preloaded: Preloaded[T] = cls()
        preloaded._future.set_result(value)
        return preloaded

    def _run(self, build: Callable[[], T]) -> None:
        try:
            self._future.set_result(build())
        except BaseException as error:  # noqa: BLE001 - re-raised to every reader
            self._future.set_exception(error)

    def get(self) -> T:
        return self._future.result()
