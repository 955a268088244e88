"""Files that hold private data (the database, backups, exports) are created readable by their owner only.

The database holds password and token hashes and every allegation; backups and
exports copy them. They are created with mode 0600 (less if the umask is
stricter: the umask still applies); an export or backup written over an
existing file loses any wider permission that file had, while an existing
database keeps the mode its owner gave it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO, Any

PRIVATE_MODE = 0o600


def _tighten(fd: int) -> None:
    current = stat.S_IMODE(os.fstat(fd).st_mode)
    if current & ~PRIVATE_MODE:
        os.fchmod(fd, current & PRIVATE_MODE)


def create_private(path: Path | str) -> None:
    """Create ``path`` empty with mode 0600, unless it exists (an existing database keeps the mode it was given)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
    except FileExistsError:
        return
    os.close(fd)


def open_private(path: Path | str, mode: str = "w", **options: Any) -> IO[Any]:
    """``open(path, mode)`` for writing ("w", "wb", "a"...), the file created or narrowed to mode 0600."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    fd = os.open(path, flags, PRIVATE_MODE)
    try:
        _tighten(fd)
    except OSError:
        os.close(fd)
        raise
    return open(fd, mode, **options)


__all__ = ["PRIVATE_MODE", "create_private", "open_private"]
