"""Cases, their incidents and people's merge/split decisions, to table rows and back.

Every function takes an open session; ``SqlStore`` owns the transactions.
Cases are rebuilt wholesale by each resolution, but a rebuilt case takes the
id of the stored case it shares most incidents with, so links to a case (and
its ``created_at``) survive re-processing. Decisions are never rebuilt.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, load_only, selectinload

from ..records import Case, DecisionKind, SourcedClaim, SourcedIncident
from ..serialize import case_to_json
from .document_rows import counted
from .facts import claim_from_row, incident_from_row
from .rows import IncidentRef, StoredDecision
from .tables import CaseDecisionRow, CaseIncidentRow, CaseRow, ClaimRow, ClusterMemberRow, DocumentRow, IncidentRow

REJECTED = "rejected"  # a reviewer said this fact is wrong: it takes no part in cases or series


def document_source(row: DocumentRow) -> str:
    """How a stored document is named in cases: its URL when known, else the path it was read from."""
    return row.uri or row.source


# What naming a source needs: never the document's text, which would make loading every incident slow.
_SOURCE_COLUMNS = (
    DocumentRow.id,
    DocumentRow.uri,
    DocumentRow.source,
    DocumentRow.doc_key,
    DocumentRow.published,
    DocumentRow.outlet,
    DocumentRow.language,
)


def sourced_incidents(session: Session) -> list[SourcedIncident]:
    query = (
        select(IncidentRow, DocumentRow)
        .join(DocumentRow, IncidentRow.document_id == DocumentRow.id)
        .where(IncidentRow.review_state != REJECTED, counted(IncidentRow.document_id))
        .order_by(DocumentRow.id, IncidentRow.position)
        .options(selectinload(IncidentRow.evidence), load_only(*_SOURCE_COLUMNS))
    )
    return [
        SourcedIncident(
            incident_from_row(row),
            source=document_source(document),
            index=row.position,
            document=document.doc_key,
            published=document.published,
            outlet=document.outlet,
            language=document.language,
            id=row.id,
            document_id=document.id,
        )
        for row, document in session.execute(query)
    ]


def sourced_claims(session: Session) -> list[SourcedClaim]:
    query = (
        select(ClaimRow, DocumentRow)
        .join(DocumentRow, ClaimRow.document_id == DocumentRow.id)
        .where(ClaimRow.review_state != REJECTED, counted(ClaimRow.document_id))
        .order_by(DocumentRow.id, ClaimRow.position)
        .options(load_only(*_SOURCE_COLUMNS))
    )
    return [
        SourcedClaim(
            claim_from_row(row),
            source=document_source(document),
            index=row.position,
            document=document.doc_key,
            published=document.published,
            outlet=document.outlet,
        )
        for row, document in session.execute(query)
    ]


def document_clusters(session: Session) -> dict[str, str]:
    query = (
        select(ClusterMemberRow.cluster_id, DocumentRow)
        .join(DocumentRow, ClusterMemberRow.document_id == DocumentRow.id)
        .options(load_only(DocumentRow.id, DocumentRow.uri, DocumentRow.source))
    )
    return {document_source(document): str(cluster_id) for cluster_id, document in session.execute(query)}


def _columns(case: Case) -> dict[str, Any]:
    data = case_to_json(case)
    return {
        "label": case.label,
        "status": case.status,
        "confirmation": case.confirmation,
        "event_date": case.event_date,
        "disclosure_date": case.disclosure_date,
        "independent_sources": case.independent_sources,
        "documents": case.documents,
        "fields_json": json.dumps(data["fields"], ensure_ascii=False),
        "conflicts_json": json.dumps(data["conflicts"], ensure_ascii=False),
        "confirmed_by_json": json.dumps(data["confirmed_by"], ensure_ascii=False),
    }


def _incident_ids(case: Case) -> dict[str, int]:
    ids: dict[str, int] = {}
    for member in case.incidents:
        if member.item.id is None:
            raise ValueError(f"incident {member.item.key} of case {case.label!r} is not from the store")
        ids[member.item.key] = member.item.id
    return ids


def _reuse(new: Sequence[set[int]], old: dict[int, int]) -> dict[int, int]:
    """New case index -> stored case id, greedily by the most shared incidents."""
    overlaps = Counter((n, old[i]) for n, members in enumerate(new) for i in members if i in old)
    chosen: dict[int, int] = {}
    taken: set[int] = set()
    for (n, case_id), _ in sorted(overlaps.items(), key=lambda kv: (-kv[1], kv[0])):
        if n not in chosen and case_id not in taken:
            chosen[n] = case_id
            taken.add(case_id)
    return chosen


def replace_cases(session: Session, cases: Sequence[Case], now: datetime) -> list[int]:
    members = [_incident_ids(case) for case in cases]
    links = session.execute(select(CaseIncidentRow.incident_id, CaseIncidentRow.case_id))
    old_case_of = dict(links.all())
    old_members: dict[int, set[int]] = {}
    for incident_id, case_id in old_case_of.items():
        old_members.setdefault(case_id, set()).add(incident_id)
    reused = _reuse([set(ids.values()) for ids in members], old_case_of)
    rows = {row.id: row for row in session.scalars(select(CaseRow))}
    session.execute(delete(CaseIncidentRow))
    stale = set(rows) - set(reused.values())
    if stale:
        session.execute(delete(CaseRow).where(CaseRow.id.in_(stale)))
    ids: list[int] = []
    for n, case in enumerate(cases):
        columns = _columns(case)
        row = rows.get(reused.get(n, -1))
        if row is None:
            row = CaseRow(**columns, created_at=now, updated_at=now)
            session.add(row)
            session.flush()
        elif any(getattr(row, k) != v for k, v in columns.items()) or old_members.get(row.id) != set(
            members[n].values()
        ):
            for key, value in columns.items():
                setattr(row, key, value)
            row.updated_at = now
        ids.append(row.id)
        session.add_all(
            CaseIncidentRow(
                incident_id=members[n][member.item.key],
                case_id=row.id,
                score=member.score,
                features_json=json.dumps(
                    [{"name": f.name, "score": f.score, "detail": f.detail} for f in member.features],
                    ensure_ascii=False,
                ),
                linked_incident_id=members[n].get(member.linked_to or ""),
            )
            for member in case.incidents
        )
    session.flush()
    return ids


def _refs_json(refs: Sequence[IncidentRef]) -> str:
    return json.dumps(
        [{"document_id": r.document_id, "position": r.position, "incident_id": r.incident_id} for r in refs]
    )


def _refs(text: str) -> tuple[IncidentRef, ...]:
    return tuple(IncidentRef(d["document_id"], d["position"], d.get("incident_id")) for d in json.loads(text))


def save_decision(session: Session, decision: StoredDecision, now: datetime) -> StoredDecision:
    row = CaseDecisionRow(
        kind=decision.kind,
        incidents_json=_refs_json(decision.incidents),
        others_json=_refs_json(decision.others),
        who=decision.who,
        note=decision.note,
        created_at=decision.created_at or now,
    )
    session.add(row)
    session.flush()
    return _decision(row)


def _decision(row: CaseDecisionRow) -> StoredDecision:
    return StoredDecision(
        kind=cast(DecisionKind, row.kind),
        incidents=_refs(row.incidents_json),
        others=_refs(row.others_json),
        who=row.who,
        note=row.note,
        created_at=row.created_at,
        id=row.id,
    )


def list_decisions(session: Session) -> list[StoredDecision]:
    rows = session.scalars(select(CaseDecisionRow).order_by(CaseDecisionRow.created_at, CaseDecisionRow.id))
    return [_decision(row) for row in rows]


__all__ = [
    "document_clusters",
    "document_source",
    "list_decisions",
    "replace_cases",
    "save_decision",
    "sourced_claims",
    "sourced_incidents",
]
