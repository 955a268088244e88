"""Rebuild cases in the background after reviews, so a person's correction returns at once.

Rebuilding every case from every incident (``cases.resolve_cases``) takes
seconds on a large store, too long to hold a web request. The web app asks a
``CaseRebuilder`` instead: requests while a rebuild runs are folded into one
more rebuild after it, so a burst of corrections costs at most two rebuilds and
the last one always sees every decision. The review itself (the fact and its
audit entries) is stored before the request returns; only the case view lags.

Several server processes over one store (``redefection serve --workers N``)
each have a rebuilder; a rebuild holds an exclusive lock on one file per store
(``rebuild_lock_path``), so rebuilds never run side by side: one that is asked
for while another process rebuilds waits for it, then runs with every decision.
"""

from __future__ import annotations

import hashlib
import logging
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import RedefectionError
from ..store import Store
from ..store.connect import is_memory, parse_url
from .cases import resolve_cases

logger = logging.getLogger(__name__)


class CaseRebuilder:
    """One background thread at a time rebuilding the cases of ``store``; ``request`` never blocks."""

    def __init__(
        self, store: Store, rebuild: Callable[[Store], object] = resolve_cases, lock_path: Path | None = None
    ) -> None:
        self.store = store
        self._rebuild = rebuild
        self.lock_path = lock_path  # held while rebuilding: one rebuild at a time across processes
        self._lock = threading.Lock()
        self._dirty = False
        self._worker: threading.Thread | None = None
        self._idle = threading.Event()
        self._idle.set()
        self.failures = 0  # rebuilds that raised; logged, and the next request tries again

    @property
    def pending(self) -> bool:
        """Whether a rebuild is running or waiting: case pages may not show the latest review yet."""
        return not self._idle.is_set()

    def request(self, store: Store | None = None) -> None:
        """Ask for a rebuild (``store`` is accepted for the ``rebuild=`` hooks of ``review``; it must be ours)."""
        if store is not None and store is not self.store:
            raise ValueError("a CaseRebuilder rebuilds the store it was made for")
        with self._lock:
            self._dirty = True
            self._idle.clear()
            if self._worker is None:
                self._worker = threading.Thread(target=self._run, name="case-rebuild", daemon=True)
                self._worker.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until no rebuild is running or waiting; False if ``timeout`` ran out first."""
        return self._idle.wait(timeout)

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._dirty:
                    self._worker = None
                    self._idle.set()
                    return
                self._dirty = False
            try:
                with self._exclusive():
                    self._rebuild(self.store)
            except RedefectionError as exc:
                self.failures += 1
                logger.warning("rebuilding the cases failed: %s", exc)
            except Exception:  # a bug must not kill later rebuilds silently
                self.failures += 1
                logger.exception("rebuilding the cases failed")

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        if self.lock_path is None:
            yield
            return
        import fcntl  # POSIX only: rebuild_lock_path gives no lock file elsewhere

        with self.lock_path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed, or the process dies
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def rebuild_lock_path(db_url: str) -> Path | None:
    """The file server processes of the store at ``db_url`` lock while rebuilding; None for a memory database
    (and on Windows, which has no ``fcntl``: there ``serve`` runs one process).

    Beside a SQLite file; for a server database, in the temporary folder under a name derived from the URL.
    """
    url = parse_url(db_url)
    if is_memory(url) or sys.platform == "win32":  # no fcntl on Windows: `serve` runs one process there
        return None
    if url.get_backend_name() == "sqlite" and url.database:
        return Path(f"{url.database}.rebuild-lock")
    digest = hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"redefection-rebuild-{digest}.lock"


__all__ = ["CaseRebuilder", "rebuild_lock_path"]
