"""Write an analyst export (cases, claim series, sources) as one JSON document or as CSV tables.

JSON keeps the nesting: each case with its fields (every value with the
sources giving it), conflicts, ladder and incidents. CSV flattens it into
tables that open directly in a spreadsheet, pandas or DuckDB:

- ``cases.csv``: one row per case; a field's values joined with `` | ``
  (``status`` is the case's, the furthest any source reports; ``reported_status``
  every status a source gives);
- ``case_values.csv``: one row per (case, field, value, source), with a conflict flag;
- ``claims.csv``: one row per figure of a claim series, oldest first within a series;
- ``sources.csv``: one row per stored document, with its syndication cluster.

A text cell a spreadsheet would read as a formula (it starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return: a title
``=HYPERLINK(...)``, an outlet ``+SUM(1,2)``) gets a leading ``'``, the
rule OWASP gives for CSV injection; numbers are written as they are. Files
are created readable by their owner only (``private_files``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import resolve
from ..private_files import open_private
from ..resolve import FIELDS, series_to_json
from ..serialize import case_to_json
from ..store import Store, StoredCase, StoredDocument
from .cases import resolve_cases

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_FILES = ("cases.csv", "case_values.csv", "claims.csv", "sources.csv")
CASE_COLUMNS = (
    "case_id",
    "label",
    "status",
    "confirmation",
    "event_date",
    "disclosure_date",
    "independent_sources",
    "documents",
    "incidents",
    "conflicts",
    *(f"reported_{name}" if name == "status" else name for name in FIELDS),  # one column name each
)
VALUE_COLUMNS = ("case_id", "field", "value", "conflict", "source", "incident", "outlet")
CLAIM_COLUMNS = (
    "subject",
    "label",
    "attributed_to",
    "date",
    "value",
    "qualifier",
    "period",
    "as_of",
    "document",
    "outlet",
    "copies",
)
SOURCE_COLUMNS = ("document_id", "source", "title", "outlet", "published", "language", "relevant", "cluster")


@dataclass(frozen=True, slots=True)
class Export:
    """What ``export`` writes: the cases, every claim series, and the stored documents they come from."""

    cases: list[StoredCase]
    series: dict[resolve.SeriesKey, list[resolve.ClaimPoint]]
    documents: list[StoredDocument]
    clusters: dict[str, str]  # document source -> syndication cluster


def export_data(store: Store, page: int = 500) -> Export:
    """Everything an analyst export holds; the cases are rebuilt first, so the export matches the database."""
    cases = resolve_cases(store)
    clusters = store.document_clusters()
    series = resolve.claim_series(store.list_sourced_claims(), clusters)
    documents: list[StoredDocument] = []
    offset = 0
    while batch := store.list_documents(limit=page, offset=offset):
        offset += len(batch)
        # A possibly relevant document waits for an editor: neither it nor its facts are exported.
        documents.extend(d for d in batch if d.relevance != "possible")
    documents.sort(key=lambda d: d.id)
    return Export(cases, series, documents, clusters)


def case_json(stored: StoredCase) -> dict[str, Any]:
    """A stored case as JSON: its store id, then ``case_to_json``."""
    return {"id": stored.id, **case_to_json(stored.case)}


def _source(document: StoredDocument) -> str:
    return document.uri or document.source


def export_json(data: Export) -> dict[str, Any]:
    """The whole export as one JSON-ready dict: ``cases``, ``claims`` (series) and ``sources``."""
    return {
        "cases": [case_json(stored) for stored in data.cases],
        "claims": series_to_json(data.series),
        "sources": [_source_row(document, data.clusters) for document in data.documents],
    }


def _source_row(document: StoredDocument, clusters: dict[str, str]) -> dict[str, Any]:
    return {
        "document_id": document.id,
        "source": _source(document),
        "title": document.title,
        "outlet": document.outlet,
        "published": document.published.isoformat() if document.published else None,
        "language": document.language,
        "relevant": document.relevant,
        "cluster": clusters.get(_source(document)),
    }


def _case_rows(cases: Sequence[StoredCase]) -> Iterable[dict[str, Any]]:
    for stored in cases:
        case = stored.case
        row: dict[str, Any] = {
            "case_id": stored.id,
            "label": case.label,
            "status": case.status,
            "confirmation": case.confirmation,
            "event_date": case.event_date,
            "disclosure_date": case.disclosure_date.isoformat() if case.disclosure_date else None,
            "independent_sources": case.independent_sources,
            "documents": case.documents,
            "incidents": len(case.incidents),
            "conflicts": " | ".join(conflict.field for conflict in case.conflicts),
        }
        for name in FIELDS:
            column = f"reported_{name}" if name == "status" else name
            row[column] = " | ".join(str(value.value) for value in case.values(name))
        yield row


def _value_rows(cases: Sequence[StoredCase]) -> Iterable[dict[str, Any]]:
    for stored in cases:
        data = case_json(stored)
        disputed = {conflict["field"] for conflict in data["conflicts"]}
        for name, values in data["fields"].items():
            for value in values:
                for source in value["sources"]:
                    yield {
                        "case_id": stored.id,
                        "field": name,
                        "value": value["value"],
                        "conflict": name in disputed,
                        **source,
                    }


def _claim_rows(data: Export) -> Iterable[dict[str, Any]]:
    for series in series_to_json(data.series):
        for point in series["points"]:
            yield {"subject": series["subject"], "label": series["label"], "attributed_to": series["source"], **point}


def neutralise(cell: Any) -> Any:
    """A cell as a spreadsheet may safely read it: text that would start a formula gets a leading ``'``."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def write_csv(data: Export, folder: Path) -> list[Path]:
    """Write the four CSV tables into ``folder`` (created if needed); returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    tables: tuple[tuple[str, Sequence[str], Iterable[dict[str, Any]]], ...] = (
        ("cases.csv", CASE_COLUMNS, _case_rows(data.cases)),
        ("case_values.csv", VALUE_COLUMNS, _value_rows(data.cases)),
        ("claims.csv", CLAIM_COLUMNS, _claim_rows(data)),
        ("sources.csv", SOURCE_COLUMNS, (_source_row(d, data.clusters) for d in data.documents)),
    )
    written = []
    for name, columns, rows in tables:
        path = folder / name
        with open_private(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
            writer.writeheader()
            writer.writerows({key: neutralise(cell) for key, cell in row.items()} for row in rows)
        written.append(path)
    return written


__all__ = ["CSV_FILES", "case_json", "export_json", "neutralise", "write_csv"]
