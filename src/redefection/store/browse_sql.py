"""(being written) the browse part of ``SqlStore``: a mixin; ``SqlStore`` owns the engine and transactions."""

from __future__ import annotations


class BrowseSql:
    pass
