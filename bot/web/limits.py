"""Rate limits per visitor and per IP address: a token bucket each, kept in this worker's memory."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Callable


class RateLimiter:
    """Allow `per_minute` requests a minute per key, in bursts of up to a quarter of that."""

    def __init__(self, per_minute: int, monotonic: Callable[[], float] = time.monotonic, max_keys: int = 50_000):
        self.rate = per_minute / 60.0
        self.burst = max(1.0, per_minute / 4)
        self.monotonic = monotonic
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = self.monotonic()
        with self._lock:
            tokens, at = self._buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            allowed = tokens >= 1
            self._buckets[key] = (tokens - 1 if allowed else tokens, now)
            while len(self._buckets) > self.max_keys:  # forget the longest idle, so memory stays bounded
                self._buckets.popitem(last=False)
            return allowed
