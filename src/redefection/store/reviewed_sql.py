"""Reviewed facts as ground truth: the queries of ``redefection evaluate`` (a mixin of ``SqlStore``).

``reviewed_facts`` loads every fact a person confirmed, corrected or rejected;
``fact_corrections`` every corrected field in the audit log, oldest first, so
the first correction of a field holds the machine's value; ``review_coverage``
counts reviewed and machine facts per document, to tell a fully reviewed
document (fit to become test data) from one reviewed in part.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from .review_sql import audit_entry
from .stored_facts import FACT_ROWS, KINDS, FactRow, stored_fact
from .tables import IncidentRow
from .web import AuditEntry, StoredFact
from .web_tables import AuditRow

T = TypeVar("T")
REVIEWED = ("confirmed", "corrected", "rejected")  # a person's decisions; any other state is the machine's


class ReviewedSql:
    """The evaluation half of ``SqlStore``; ``_transaction`` and ``url`` come from it."""

    url: str
    _transaction: Callable[..., object]

    def _reviewed_run(self, problem: str, work: Callable[[Session], T]) -> T:
        result: T = self._transaction(self.url, problem, work)  # type: ignore[assignment]
        return result

    def reviewed_facts(self) -> list[StoredFact]:
        def work(session: Session) -> list[StoredFact]:
            facts: list[StoredFact] = []
            for kind in KINDS:
                table = FACT_ROWS[kind]
                query = (
                    select(table)
                    .where(table.review_state.in_(REVIEWED))
                    .order_by(table.document_id, table.position, table.id)
                )
                if kind == "incident":
                    query = query.options(selectinload(IncidentRow.evidence))
                facts.extend(stored_fact(kind, cast(FactRow, row)) for row in session.scalars(query))
            facts.sort(key=lambda fact: (fact.document_id, KINDS.index(fact.kind), fact.position))
            return facts

        return self._reviewed_run("cannot load the reviewed facts", work)

    def fact_corrections(self) -> list[AuditEntry]:
        def work(session: Session) -> list[AuditEntry]:
            query = (
                select(AuditRow)
                .where(AuditRow.action == "correct", AuditRow.kind.in_(KINDS), AuditRow.field.is_not(None))
                .order_by(AuditRow.at, AuditRow.id)
            )
            return [audit_entry(row) for row in session.scalars(query)]

        return self._reviewed_run("cannot load the corrections", work)

    def review_coverage(self) -> dict[int, tuple[int, int]]:
        def work(session: Session) -> dict[int, tuple[int, int]]:
            counts: dict[int, list[int]] = {}
            for table in FACT_ROWS.values():
                query = select(table.document_id, table.review_state, func.count()).group_by(
                    table.document_id, table.review_state
                )
                for document_id, state, count in session.execute(query):
                    counts.setdefault(document_id, [0, 0])[0 if state in REVIEWED else 1] += count
            return {doc: (reviewed, machine) for doc, (reviewed, machine) in sorted(counts.items()) if reviewed}

        return self._reviewed_run("cannot count the reviewed facts", work)


__all__ = ["ReviewedSql"]
