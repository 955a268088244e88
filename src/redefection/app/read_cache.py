"""Read results kept per store revision: a page asked twice between two changes is computed once.

Twenty analysts opening the same case list, the same search or the same case
between two writes make the server compute the same lists again and again
(ranking every match of a search, the incidents of fifty cases, a case's
sources). ``ReadCache`` keeps such results under a key (what was asked, and
for which view) together with the store's change signature
(``Store.change_signature``: it moves when documents, facts or cases are
added, cases are rebuilt, or a reviewer acts). A result is served again only
while the signature is the one it was computed under, and for at most
``max_age`` seconds, which bounds how long a change the signature does not
see (an in-place re-extraction whose cases come out unchanged) may stay
hidden. Each server process keeps its own cache, but every process reads the
signature from the shared store, so a change made through one worker, the
CLI or an ingest shows in every worker on its next page.

Values must be immutable (the store's frozen records): they are handed to
several threads at once. The cache holds at most ``entries`` results, least
recently used dropped first. With ``single_flight``, threads asking for a key
that is being computed wait for that result instead of computing it too (for
reads expensive enough that twenty at once would matter: the filter counts).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")


FLIGHT_LOCKS = 16  # single flight: keys share this many locks (by hash), so no lock is kept per key


class ReadCache:
    """Results of read queries per (key, store signature), for ``max_age`` seconds, ``entries`` at most."""

    def __init__(
        self,
        entries: int = 256,
        max_age: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        single_flight: bool = False,
    ) -> None:
        if entries < 0 or max_age < 0:
            raise ValueError("entries and max_age must not be negative")
        self.entries = entries
        self.max_age = max_age
        self._clock = clock
        self._lock = threading.Lock()
        self._kept: OrderedDict[Hashable, tuple[tuple[object, ...], float, object]] = OrderedDict()
        self._flights = tuple(threading.Lock() for _ in range(FLIGHT_LOCKS)) if single_flight else ()
        self.hits = 0
        self.misses = 0

    def get(self, signature: tuple[object, ...], key: Hashable, compute: Callable[[], T]) -> T:
        """The result kept for ``key`` under ``signature``, else ``compute()`` (kept unless it raised)."""
        found, value = self._lookup(signature, key, count=True)
        if found:
            return value  # type: ignore[return-value]
        if not self._flights:
            return self._compute(signature, key, compute)  # other keys are served meanwhile
        with self._flights[hash(key) % len(self._flights)]:
            found, value = self._lookup(signature, key)  # computed by another thread while this one waited
            if found:
                return value  # type: ignore[return-value]
            return self._compute(signature, key, compute)

    def _lookup(self, signature: tuple[object, ...], key: Hashable, count: bool = False) -> tuple[bool, object]:
        now = self._clock()
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None and kept[0] == signature and now - kept[1] < self.max_age:
                self._kept.move_to_end(key)
                self.hits += count
                return True, kept[2]
            self.misses += count
        return False, None

    def _compute(self, signature: tuple[object, ...], key: Hashable, compute: Callable[[], T]) -> T:
        started = self._clock()
        value = compute()
        if self.entries:
            with self._lock:
                self._kept[key] = (signature, started, value)
                self._kept.move_to_end(key)
                while len(self._kept) > self.entries:
                    self._kept.popitem(last=False)
        return value

    def __len__(self) -> int:
        with self._lock:
            return len(self._kept)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


__all__ = ["ReadCache"]
