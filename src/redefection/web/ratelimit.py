"""Failed-login throttling: at most N failures per key within a sliding window, in memory.

Kept per server process: enough to stop password guessing against one
``redefection serve``; a deployment with several workers multiplies the
budget by their number (docs/web.md says so).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable

MAX_KEYS = 100_000  # a flood of distinct usernames cannot grow memory without bound


class FailureLimiter:
    """Counts failures per key (e.g. ``"user:alice"``, ``"addr:10.0.0.5"``) over the last ``window`` seconds."""

    def __init__(self, attempts: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.attempts = attempts
        self.window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        found = self._failures.get(key)
        if found is None:
            return deque()
        while found and found[0] <= now - self.window:
            found.popleft()
        if not found:
            del self._failures[key]
        return found

    def retry_after(self, keys: Iterable[str]) -> int:
        """Seconds until every key may try again (0: go ahead)."""
        now = self._clock()
        wait = 0.0
        with self._lock:
            for key in keys:
                recent = self._recent(key, now)
                if len(recent) >= self.attempts:
                    wait = max(wait, recent[len(recent) - self.attempts] + self.window - now)
        return math.ceil(wait) if wait > 0 else 0

    def fail(self, keys: Iterable[str]) -> None:
        now = self._clock()
        with self._lock:
            if len(self._failures) >= MAX_KEYS:
                self._prune(now)
            for key in keys:
                self._failures.setdefault(key, deque(maxlen=self.attempts * 4)).append(now)

    def clear(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def _prune(self, now: float) -> None:
        for key in list(self._failures):
            self._recent(key, now)
        if len(self._failures) >= MAX_KEYS:  # still full of live keys: forget the oldest half
            for key in sorted(self._failures, key=lambda k: self._failures[k][-1])[: MAX_KEYS // 2]:
                del self._failures[key]


__all__ = ["FailureLimiter"]
