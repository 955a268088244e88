"""``ReviewStore`` over SQLAlchemy: a mixin of ``SqlStore`` (which owns the engine and transactions).

A review changes a fact row and writes its audit entries in one transaction:
one entry per corrected field (old and new value as JSON), one for a confirm
or reject. Re-extraction replaces only machine facts; a person's facts stay,
and a new fact whose evidence overlaps one of them is not added. A machine
fact found again (same kind, same evidence) is updated in place, so its id,
position, links and audit entries survive re-extraction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session

from ..ages import age_text
from ..errors import NotFound
from ..records import Relevance
from .case_pages import no_nul
from .review_values import validate_changes
from .stored_facts import (
    FACT_ROWS,
    FactRow,
    fact_kind,
    found_again,
    load_rows,
    new_row,
    overlaps,
    row_value,
    set_row_value,
    stored_fact,
    update_row,
)
from .tables import CaseIncidentRow, DocumentRow
from .web import AuditEntry, AuditFilter, FactChange, FactKind, Page, ReviewAction, StoredFact
from .web_tables import AuditRow

T = TypeVar("T")
STATE_AFTER = {"confirm": "confirmed", "correct": "corrected", "reject": "rejected"}
AGE_FIELDS = frozenset({"age", "age_min", "age_max"})
ACTIONS = ("confirm", "correct", "reject", "merge", "split")
AUDIT_KINDS = ("incident", "claim", "quote", "case", "document")
# An editor's relevance decision on a document, as an audit action: promoting confirms it, dismissing rejects it.
RELEVANCE_ACTIONS: dict[str, ReviewAction] = {"relevant": "confirm", "not_relevant": "reject"}


def _current(row: FactRow, field: str) -> Any:
    """A field's value to compare a correction with: an exact age's bounds are the age, if not stored."""
    value = row_value(row, field)
    if value is None and field in ("age_min", "age_max"):
        return row_value(row, "age")
    return value


def _age_value(row: FactRow) -> int | str | None:
    """An incident's age for the audit log: the number when exact, else the range as people write it ("30s")."""
    age, low, high = (row_value(row, field) for field in ("age", "age_min", "age_max"))
    return age if age is not None else age_text(None, low, high)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _ids_json(ids: Sequence[int]) -> str:
    # Compact, so that "is case N among them" is four LIKE patterns on any backend (see ``_in_ids``).
    return json.dumps(sorted(set(ids)), separators=(",", ":"))


def _in_ids(case_id: int) -> Any:
    n = int(case_id)
    column = AuditRow.case_ids_json
    return or_(column == f"[{n}]", column.like(f"[{n},%"), column.like(f"%,{n},%"), column.like(f"%,{n}]"))


def _of_case() -> Any:
    """The entries on a case, on an incident of it now, or naming it (``_in_ids``): for bound ``case_id``,
    ``exact``, ``first``, ``middle`` and ``last`` (see ``_case_params``)."""
    column = AuditRow.case_ids_json
    incidents_now = select(CaseIncidentRow.incident_id).where(CaseIncidentRow.case_id == bindparam("case_id"))
    return or_(
        (AuditRow.kind == "case") & (AuditRow.target_id == bindparam("case_id")),
        (AuditRow.kind == "incident") & AuditRow.target_id.in_(incidents_now),
        or_(
            column == bindparam("exact"),
            column.like(bindparam("first")),
            column.like(bindparam("middle")),
            column.like(bindparam("last")),
        ),
    )


def _case_params(case_id: int) -> dict[str, Any]:
    n = int(case_id)
    return {"case_id": n, "exact": f"[{n}]", "first": f"[{n},%", "middle": f"%,{n},%", "last": f"%,{n}]"}


# The audit of one case, asked by every case page: built once (building the statements cost more than
# running them), the case bound per call.
_CASE_AUDIT_COUNT = select(func.count()).select_from(AuditRow).where(_of_case())
_CASE_AUDIT = (
    select(AuditRow)
    .where(_of_case())
    .order_by(AuditRow.at.desc(), AuditRow.id.desc())
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)


def audit_entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        who=row.who,
        action=cast(ReviewAction, row.action),
        kind=cast(Any, row.kind),
        target_id=row.target_id,
        document_id=row.document_id,
        field=row.field,
        old=None if row.old_json is None else json.loads(row.old_json),
        new=None if row.new_json is None else json.loads(row.new_json),
        note=row.note,
        case_ids=tuple(json.loads(row.case_ids_json or "[]")),
    )


def _cases_of_incident(session: Session, incident_id: int) -> list[int]:
    query = select(CaseIncidentRow.case_id).where(CaseIncidentRow.incident_id == incident_id)
    return list(session.scalars(query))


def _load_fact(session: Session, kind: FactKind, fact_id: int) -> FactRow:
    rows = load_rows(session, kind, fact_id=fact_id)
    if not rows:
        raise NotFound(f"{kind} {fact_id}", f"no such {kind} in the store")
    return rows[0]


def _free_positions(taken: set[int]) -> Callable[[int], int]:
    """A chooser of positions: a fact's own index when free, else the next position after every one taken."""

    def choose(preferred: int) -> int:
        position = preferred if preferred not in taken else max(taken) + 1
        taken.add(position)
        return position

    return choose


class ReviewSql:
    """The review half of ``SqlStore``; ``_transaction`` and ``url`` come from it."""

    url: str
    _transaction: Callable[..., object]

    def _review_run(self, what: str, problem: str, work: Callable[[Session], T]) -> T:
        result: T = self._transaction(what, problem, work)  # type: ignore[assignment]
        return result

    def review_fact(self, change: FactChange) -> StoredFact:
        kind = fact_kind(change.kind)
        if change.action not in STATE_AFTER:
            raise ValueError(f"action: {change.action!r} is not one of confirm, correct, reject")
        if not change.who.strip():
            raise ValueError("who: a review needs the reviewer's name")
        changes = validate_changes(kind, change.changes) if change.action == "correct" else {}

        def work(session: Session) -> StoredFact:
            row = _load_fact(session, kind, change.fact_id)
            now = datetime.now(UTC)
            case_ids = _cases_of_incident(session, row.id) if kind == "incident" else []
            stamp = {
                "at": now,
                "who": change.who,
                "action": change.action,
                "kind": kind,
                "target_id": row.id,
                "document_id": row.document_id,
                "note": change.note,
                "case_ids_json": _ids_json(case_ids),
            }
            old_state = row.review_state
            if change.action == "correct":
                changed = {f: v for f, v in changes.items() if _current(row, f) != v}
                if not changed:
                    raise ValueError("changes: the values given are the stored ones; confirm the fact instead")
                old_age = _age_value(row) if kind == "incident" else None
                for field, value in changed.items():
                    if field not in AGE_FIELDS:
                        old = _json(row_value(row, field))
                        session.add(AuditRow(**stamp, field=field, old_json=old, new_json=_json(value)))
                    set_row_value(row, field, value)
                if AGE_FIELDS & changed.keys():  # one entry for an age, exact or a range: 31 -> "30s"
                    session.add(
                        AuditRow(**stamp, field="age", old_json=_json(old_age), new_json=_json(_age_value(row)))
                    )
                row.review_state = "corrected"
            else:
                # Confirming a corrected fact keeps "corrected": its values are still a person's.
                keep = change.action == "confirm" and old_state == "corrected"
                row.review_state = old_state if keep else STATE_AFTER[change.action]
                session.add(AuditRow(**stamp, field=None, old_json=_json(old_state), new_json=_json(row.review_state)))
            session.flush()
            return stored_fact(kind, row)

        return self._review_run(f"{kind} {change.fact_id}", f"cannot {change.action} the {kind}", work)

    def record_audit(
        self,
        *,
        who: str,
        action: ReviewAction,
        kind: str,
        target_id: int,
        document_id: int | None = None,
        field: str | None = None,
        old: Any = None,
        new: Any = None,
        note: str | None = None,
    ) -> AuditEntry:
        if action not in ACTIONS:
            raise ValueError(f"action: {action!r} is not one of {', '.join(ACTIONS)}")
        if kind not in AUDIT_KINDS:
            raise ValueError(f"kind: {kind!r} is not one of {', '.join(AUDIT_KINDS)}")

        def work(session: Session) -> AuditEntry:
            case_ids = [target_id] if kind == "case" else []
            if kind == "incident":
                case_ids = _cases_of_incident(session, target_id)
            row = AuditRow(
                at=datetime.now(UTC),
                who=who,
                action=action,
                kind=kind,
                target_id=target_id,
                document_id=document_id,
                field=field,
                old_json=None if old is None else _json(old),
                new_json=None if new is None else _json(new),
                note=note,
                case_ids_json=_ids_json(case_ids),
            )
            session.add(row)
            session.flush()
            return audit_entry(row)

        return self._review_run(f"{kind} {target_id}", "cannot record the audit entry", work)

    def set_relevance(self, document_id: int, relevance: Relevance, *, who: str, note: str | None = None) -> None:
        if relevance not in RELEVANCE_ACTIONS:
            raise ValueError(f"relevance: {relevance!r} is not one of relevant, not_relevant")
        if not who.strip():
            raise ValueError("who: a relevance decision needs the editor's name")

        def work(session: Session) -> None:
            row = session.get(DocumentRow, document_id)
            if row is None:
                raise NotFound(f"document {document_id}", "no such document in the store")
            old = row.relevance
            row.relevance = relevance
            row.relevant = relevance == "relevant"
            session.add(
                AuditRow(
                    at=datetime.now(UTC),
                    who=who,
                    action=RELEVANCE_ACTIONS[relevance],
                    kind="document",
                    target_id=document_id,
                    document_id=document_id,
                    field="relevance",
                    old_json=_json(old),
                    new_json=_json(relevance),
                    note=note,
                    case_ids_json=_ids_json([]),
                )
            )

        self._review_run(f"document {document_id}", "cannot record the relevance decision", work)

    def list_audit(self, filters: AuditFilter, limit: int = 50, offset: int = 0) -> Page[AuditEntry]:
        if limit < 0 or offset < 0:
            raise ValueError("limit and offset must not be negative")
        conditions: list[Any] = []
        if filters.kind is not None:
            conditions.append(AuditRow.kind == no_nul(filters.kind))
        if filters.target_id is not None:
            conditions.append(AuditRow.target_id == filters.target_id)
        if filters.who is not None:
            conditions.append(AuditRow.who == no_nul(filters.who))
        if filters.case_id is not None:
            incidents_now = select(CaseIncidentRow.incident_id).where(CaseIncidentRow.case_id == filters.case_id)
            conditions.append(
                or_(
                    (AuditRow.kind == "case") & (AuditRow.target_id == filters.case_id),
                    (AuditRow.kind == "incident") & AuditRow.target_id.in_(incidents_now),
                    _in_ids(filters.case_id),
                )
            )

        def of_case(session: Session) -> Page[AuditEntry]:
            params = _case_params(cast(int, filters.case_id))
            total = session.scalar(_CASE_AUDIT_COUNT, params) or 0
            rows = session.scalars(_CASE_AUDIT, {**params, "limit": limit, "offset": offset})
            return Page(tuple(audit_entry(row) for row in rows), total, limit, offset)

        if filters == AuditFilter(case_id=filters.case_id) and filters.case_id is not None:
            return self._review_run(self.url, "cannot list the audit log", of_case)

        def work(session: Session) -> Page[AuditEntry]:
            total = session.scalar(select(func.count()).select_from(AuditRow).where(*conditions)) or 0
            query = (
                select(AuditRow)
                .where(*conditions)
                .order_by(AuditRow.at.desc(), AuditRow.id.desc())
                .limit(limit)
                .offset(offset)
            )
            items = tuple(audit_entry(row) for row in session.scalars(query))
            return Page(items, total, limit, offset)

        return self._review_run(self.url, "cannot list the audit log", work)

    def replace_machine_facts(self, document_id: int, facts: Sequence[StoredFact], extractor_version: str) -> int:
        def work(session: Session) -> int:
            if session.get(DocumentRow, document_id) is None:
                raise NotFound(f"document {document_id}", "no such document in the store")
            now = datetime.now(UTC)
            written = 0
            for kind in FACT_ROWS:
                rows = load_rows(session, kind, document_id=document_id)
                reviewed = [stored_fact(kind, row) for row in rows if row.review_state != "machine"]
                machine = [row for row in rows if row.review_state == "machine"]
                mine = [
                    fact
                    for fact in facts
                    if fact.kind == kind and not any(overlaps(fact.evidence, person.evidence) for person in reviewed)
                ]  # a person reviewed this stretch of text: their value wins
                again = found_again(machine, mine)
                kept = {row.id for row in again if row is not None}
                for row in machine:
                    if row.id not in kept:  # not found again: gone (its evidence by cascade)
                        session.delete(row)
                session.flush()
                choose = _free_positions({f.position for f in reviewed} | {r.position for r in again if r is not None})
                for index, (fact, old) in enumerate(zip(mine, again, strict=True)):
                    if old is None:
                        session.add(new_row(fact, document_id, choose(index), extractor_version, now))
                    else:  # found again: same row, same id and position, today's values
                        update_row(session, old, fact, extractor_version)
                    written += 1
            session.flush()
            return written

        return self._review_run(f"document {document_id}", "cannot replace its machine facts", work)


__all__ = ["ReviewSql", "audit_entry"]
