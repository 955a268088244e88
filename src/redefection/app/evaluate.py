"""Reviews as ground truth: how the machine's facts fared with the editors, and reviewed documents as test data.

An editor confirms a fact (the machine was right), corrects some of its fields
(the fact is real, those values were wrong) or rejects it (no such fact). So on
an organisation's own reviewed documents:

* per fact kind, **precision** = confirmed / (confirmed + corrected + rejected),
  and **kept** = (confirmed + corrected) / reviewed, the share that were real facts;
* per field, over the confirmed and corrected facts, the share whose machine
  value the editors **kept**; a replaced value is counted as ``changed``
  (another value), ``filled`` (the machine left it empty) or ``cleared`` (the
  editor emptied it). The machine's value is the old value of the field's first
  correction in the audit log, so a value corrected back to what the machine
  said counts as kept.

``write_reviewed_corpus`` writes reviewed documents in the annotated corpus
layout (``docs/<id>.html|txt`` as captured, ``gold/<id>.json`` with the reviewed
values, rejected facts left out), so ``score.py`` can score any extractor on them.
By default only fully reviewed documents are written (no fact left in the
machine state): in a document reviewed in part, an unreviewed fact is neither
known right nor known wrong.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import RedefectionError
from ..store import EDITABLE_FIELDS, FactKind, Store, StoredDocument, StoredFact
from ..store.stored_facts import KINDS

REVIEWED = ("confirmed", "corrected", "rejected")
SAFE_KEY = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class FieldFigures:
    """How the machine's values of one field fared on the confirmed and corrected facts."""

    field: str
    checked: int = 0
    kept: int = 0
    changed: int = 0
    filled: int = 0
    cleared: int = 0

    @property
    def accuracy(self) -> float | None:
        """The share of checked values the editors kept; None when no fact was checked."""
        return self.kept / self.checked if self.checked else None


@dataclass(frozen=True, slots=True)
class KindFigures:
    """How the machine's facts of one kind fared."""

    kind: FactKind
    confirmed: int = 0
    corrected: int = 0
    rejected: int = 0
    fields: tuple[FieldFigures, ...] = ()

    @property
    def reviewed(self) -> int:
        return self.confirmed + self.corrected + self.rejected

    @property
    def precision(self) -> float | None:
        """Confirmed / reviewed: facts the machine got entirely right; None when none was reviewed."""
        return self.confirmed / self.reviewed if self.reviewed else None

    @property
    def kept(self) -> float | None:
        """(Confirmed + corrected) / reviewed: facts that were real, whatever their values."""
        return (self.confirmed + self.corrected) / self.reviewed if self.reviewed else None


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The machine's figures on the reviewed facts of a store."""

    kinds: tuple[KindFigures, ...]
    documents: int  # documents with at least one reviewed fact
    fully_reviewed: int  # of which no fact is left in the machine state


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _same(first: Any, second: Any) -> bool:
    if _empty(first) and _empty(second):
        return True
    if isinstance(first, list | tuple) and isinstance(second, list | tuple):
        return list(first) == list(second)
    return bool(first == second)


def machine_values(store: Store) -> dict[tuple[str, int], dict[str, Any]]:
    """The machine's value of every corrected field, by (kind, fact id): the first correction's old value."""
    found: dict[tuple[str, int], dict[str, Any]] = {}
    for entry in store.fact_corrections():
        if entry.field is not None:
            found.setdefault((entry.kind, entry.target_id), {}).setdefault(entry.field, entry.old)
    return found


def _field_figures(
    kind: FactKind, facts: Sequence[StoredFact], machine: Mapping[tuple[str, int], dict[str, Any]]
) -> tuple[FieldFigures, ...]:
    figures = []
    for field in EDITABLE_FIELDS[kind]:
        counts = {"checked": 0, "kept": 0, "changed": 0, "filled": 0, "cleared": 0}
        for fact in facts:
            counts["checked"] += 1
            said = machine.get((kind, fact.id), {})
            if field not in said or _same(said[field], fact.values.get(field)):
                counts["kept"] += 1
            elif _empty(said[field]):
                counts["filled"] += 1
            elif _empty(fact.values.get(field)):
                counts["cleared"] += 1
            else:
                counts["changed"] += 1
        figures.append(FieldFigures(field, **counts))
    return tuple(figures)


def evaluate_reviews(store: Store) -> Evaluation:
    """Compare the machine's facts with the editors' decisions on every reviewed fact in ``store``."""
    reviewed = store.reviewed_facts()
    machine = machine_values(store)
    coverage = store.review_coverage()
    kinds = []
    for kind in KINDS:
        mine = [fact for fact in reviewed if fact.kind == kind]
        checked = [fact for fact in mine if fact.review_state in ("confirmed", "corrected")]
        kinds.append(
            KindFigures(
                kind,
                confirmed=sum(fact.review_state == "confirmed" for fact in mine),
                corrected=sum(fact.review_state == "corrected" for fact in mine),
                rejected=sum(fact.review_state == "rejected" for fact in mine),
                fields=_field_figures(kind, checked, machine),
            )
        )
    fully = sum(1 for _, machine_left in coverage.values() if not machine_left)
    return Evaluation(tuple(kinds), documents=len(coverage), fully_reviewed=fully)


def _figure(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def evaluation_to_json(evaluation: Evaluation) -> dict[str, Any]:
    """The JSON form of an evaluation (``redefection evaluate --format json``)."""
    return {
        "documents": evaluation.documents,
        "fully_reviewed_documents": evaluation.fully_reviewed,
        "kinds": {
            figures.kind: {
                "reviewed": figures.reviewed,
                "confirmed": figures.confirmed,
                "corrected": figures.corrected,
                "rejected": figures.rejected,
                "precision": _figure(figures.precision),
                "kept": _figure(figures.kept),
                "fields": {
                    field.field: {
                        "checked": field.checked,
                        "kept": field.kept,
                        "changed": field.changed,
                        "filled": field.filled,
                        "cleared": field.cleared,
                        "accuracy": _figure(field.accuracy),
                    }
                    for field in figures.fields
                },
            }
            for figures in evaluation.kinds
        },
    }


# --- reviewed documents as a corpus ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CorpusReport:
    """What ``write_reviewed_corpus`` wrote: document keys, and documents left out for unreviewed facts."""

    written: tuple[str, ...] = ()
    partial: int = 0


def _evidence(fact: StoredFact) -> list[str]:
    return [span.text for span in fact.evidence]


def fact_to_gold(fact: StoredFact) -> dict[str, Any]:
    """A reviewed fact in the corpus JSON shape (``SCHEMA.md``), with its reviewed values."""
    values = fact.values
    if fact.kind == "incident":
        low, high = values.get("age_min"), values.get("age_max")
        person = {key: values.get(key) for key in ("name", "surname", "age", "gender", "occupation")}
        person["age_range"] = [low, high] if low is not None and high is not None else None
        return {
            "person": person,
            **{
                key: values.get(key)
                for key in ("group_size", "arrived_south", "returned", "route", "status", "reasons")
            },
            "evidence": _evidence(fact),
        }
    evidence = _evidence(fact)
    return {
        **{key: values.get(key) for key in EDITABLE_FIELDS[fact.kind]},
        "evidence": evidence[0] if evidence else None,
    }


def document_to_gold(document: StoredDocument, facts: Sequence[StoredFact], key: str) -> dict[str, Any]:
    """A stored document and its reviewed facts (rejected ones left out) as a gold file of the corpus."""
    kept = [fact for fact in facts if fact.review_state != "rejected"]
    by_kind = {kind: [fact_to_gold(fact) for fact in kept if fact.kind == kind] for kind in KINDS}
    return {
        "id": key,
        "format": "html" if document.format == "html" else "text",
        "language": document.language,
        # A document with facts an editor kept reports a return; otherwise the stored decision stands.
        "relevant": bool(kept) or bool(document.relevant),
        "article": {
            "title": document.title,
            "byline": document.byline,
            "published": document.published.isoformat() if document.published else None,
            "outlet": document.outlet,
            "body": list(document.body),
        },
        "incidents": by_kind["incident"],
        "claims": by_kind["claim"],
        "quotes": by_kind["quote"],
    }


def _file_key(document: StoredDocument, taken: set[str]) -> str:
    key = SAFE_KEY.sub("-", document.key).strip("-.") or f"document-{document.id}"
    if key in taken:
        key = f"{key}-{document.id}"
    taken.add(key)
    return key


def write_reviewed_corpus(store: Store, folder: Path, *, partial: bool = False) -> CorpusReport:
    """Write the reviewed documents of ``store`` under ``folder`` as ``docs/`` and ``gold/`` (see module doc).

    With ``partial`` a document reviewed in part is written too, with its reviewed facts only.

    Raises:
        RedefectionError: the folder or a file in it cannot be written.
    """
    coverage = store.review_coverage()
    chosen = [doc for doc, (_, machine_left) in coverage.items() if partial or not machine_left]
    documents = store.get_documents(chosen)
    docs_dir, gold_dir = folder / "docs", folder / "gold"
    taken: set[str] = set()
    written: list[str] = []
    for document_id in chosen:
        document = documents[document_id]
        facts = [fact for fact in store.list_facts(document_id) if fact.review_state in REVIEWED]
        key = _file_key(document, taken)
        raw, _ = store.get_raw_capture(document_id)
        suffix = "html" if document.format == "html" else "txt"
        gold = document_to_gold(document, facts, key)
        try:
            docs_dir.mkdir(parents=True, exist_ok=True)
            gold_dir.mkdir(parents=True, exist_ok=True)
            (docs_dir / f"{key}.{suffix}").write_bytes(raw)
            text = json.dumps(gold, ensure_ascii=False, indent=2) + "\n"
            (gold_dir / f"{key}.json").write_text(text, encoding="utf-8")
        except OSError as exc:
            raise RedefectionError(str(folder), f"cannot write the reviewed corpus: {exc.strerror or exc}") from exc
        written.append(key)
    return CorpusReport(tuple(written), partial=len(coverage) - len(chosen))


__all__ = [
    "CorpusReport",
    "Evaluation",
    "FieldFigures",
    "KindFigures",
    "document_to_gold",
    "evaluate_reviews",
    "evaluation_to_json",
    "fact_to_gold",
    "machine_values",
    "write_reviewed_corpus",
]
