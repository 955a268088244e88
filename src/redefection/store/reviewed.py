"""The store's evaluation queries (``ReviewedStore``), implemented over SQL in ``reviewed_sql.py``."""

from __future__ import annotations

from typing import Protocol

from .web import AuditEntry, StoredFact


class ReviewedStore(Protocol):
    """What evaluating the extraction against reviews reads."""

    def reviewed_facts(self) -> list[StoredFact]:
        """Every fact a person confirmed, corrected or rejected, by document, kind and position."""
        ...

    def fact_corrections(self) -> list[AuditEntry]:
        """Every audit entry of a corrected fact field (incidents, claims, quotes), oldest first."""
        ...

    def review_coverage(self) -> dict[int, tuple[int, int]]:
        """(reviewed facts, facts in any other state) per document that has at least one reviewed fact."""
        ...


__all__ = ["ReviewedStore"]
