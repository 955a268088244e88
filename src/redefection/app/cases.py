"""Cases: rebuild the cases from every stored incident, and keep a person's merge or split.

Used by `redefection cases` / `merge` / `split`, by ``ingest`` and ``scanning`` after a batch, by the
export and by the web app's review pages.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .. import resolve
from ..errors import NotFound, StoreError
from ..records import CaseDecision, DecisionKind, SourcedIncident

if TYPE_CHECKING:  # the store (SQLAlchemy, Alembic) loads only on the paths that use it
    from ..store import IncidentRef, Store, StoredCase, StoredDecision

logger = logging.getLogger(__name__)


def resolve_safely(store: Store, failures: list[tuple[str, str]]) -> None:
    # New documents may join or split cases; the documents stay stored if rebuilding the cases fails.
    try:
        resolve_cases(store)
    except StoreError as exc:
        failures.append(("cases", exc.problem))
        logger.warning("%s", exc)


def resolve_cases(store: Store) -> list[StoredCase]:
    """Rebuild the cases from every stored incident and save them, earliest disclosed first.

    Machine links are computed anew (so new reports and re-extraction count);
    people's stored merges and splits are applied over them, so their work
    survives re-processing. Copies in one syndication cluster count as one
    independent source.
    """
    from ..store import StoredCase

    items = store.list_sourced_incidents()
    decisions = _case_decisions(store.list_case_decisions(), items)
    found = resolve.resolve_incidents(items, clusters=store.document_clusters(), decisions=decisions)
    ids = store.replace_cases(found)
    return [StoredCase(case_id, case) for case_id, case in zip(ids, found, strict=True)]


def _case_decisions(stored: Iterable[StoredDecision], items: Iterable[SourcedIncident]) -> list[CaseDecision]:
    by_ref = {(item.document_id, item.index): item.key for item in items}

    def keys(refs: Iterable[IncidentRef]) -> tuple[str, ...]:
        return tuple(by_ref[(r.document_id, r.position)] for r in refs if (r.document_id, r.position) in by_ref)

    return [
        CaseDecision(d.kind, keys(d.incidents), keys(d.others), who=d.who, at=d.created_at, note=d.note) for d in stored
    ]


def decide_cases(
    store: Store,
    kind: DecisionKind,
    incident_ids: Iterable[int],
    others: Iterable[int] = (),
    *,
    who: str | None = None,
    note: str | None = None,
) -> list[StoredCase]:
    """Keep a person's merge or split of the incidents with these ids, then rebuild the cases.

    A merge puts ``incident_ids`` in one case. A split keeps them apart from
    ``others``; without ``others``, from the rest of the case(s) they are in now.

    Raises:
        NotFound: an id names no stored incident.
    """
    from ..store import IncidentRef, StoredDecision

    items = {item.id: item for item in store.list_sourced_incidents()}
    chosen, apart = list(dict.fromkeys(incident_ids)), list(dict.fromkeys(others))
    for incident_id in (*chosen, *apart):
        if incident_id not in items:
            raise NotFound(f"incident {incident_id}", "no such incident in the store; see `redefection cases`")
    if kind == "split" and not apart:
        current = resolve_cases(store)
        apart = [
            m.item.id
            for found in current
            if any(m.item.id in chosen for m in found.case.incidents)
            for m in found.case.incidents
            if m.item.id is not None and m.item.id not in chosen
        ]

    def refs(ids: Iterable[int]) -> tuple[IncidentRef, ...]:
        return tuple(IncidentRef(items[i].document_id or 0, items[i].index, i) for i in ids)

    store.save_case_decision(StoredDecision(kind, refs(chosen), refs(apart), who=who, note=note))
    return resolve_cases(store)
