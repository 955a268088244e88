"""(being written) the review part of ``SqlStore``: a mixin; ``SqlStore`` owns the engine and transactions."""

from __future__ import annotations


class ReviewSql:
    pass
