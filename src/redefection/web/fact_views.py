"""Facts as the pages show them: values, evidence cut into highlighted pieces, and who last reviewed them.

Shared by the document page, the case page and the in-place review answer
(``_fact.html``), so a fact card looks the same wherever it appears.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from ..store import AuditEntry, AuditFilter, Store, StoredDocument, StoredFact
from .templating import Mark, Piece, excerpts, highlight


@dataclass(frozen=True, slots=True)
class FactView:
    """One fact card: the fact, its evidence in context, the latest review, and the document it comes from."""

    fact: StoredFact
    excerpts: tuple[list[Piece], ...]
    reviewer: AuditEntry | None
    document_id: int
    title: str
    outlet: str | None = None
    published: date | None = None


def fact_mark(fact: StoredFact) -> Mark:
    return Mark(fact.kind, fact.id, fact.review_state)


def latest_review(store: Store, fact: StoredFact) -> AuditEntry | None:
    """The newest audit entry on this fact (who confirmed, corrected or rejected it), or None for machine facts."""
    if fact.is_machine:
        return None
    entries = store.list_audit(AuditFilter(kind=fact.kind, target_id=fact.id), limit=1).items
    return entries[0] if entries else None


def fact_view(
    store: Store,
    fact: StoredFact,
    document: StoredDocument | None,
    *,
    context: int = 180,
    with_reviewer: bool = True,
) -> FactView:
    """The card of ``fact``; ``document`` (None in the public view: no text) gives the evidence its context."""
    text = document.text if document is not None else ""
    mark = fact_mark(fact)
    passages = tuple(excerpts(text, fact.evidence, mark, context)) if text else ()
    title = (document.title if document is not None else None) or f"Document #{fact.document_id}"
    return FactView(
        fact=fact,
        excerpts=tuple(parts for parts in passages if parts),
        reviewer=latest_review(store, fact) if with_reviewer else None,
        document_id=fact.document_id,
        title=title,
        outlet=document.outlet if document is not None else None,
        published=document.published if document is not None else None,
    )


def highlighted_body(text: str, facts: Iterable[StoredFact]) -> list[Piece]:
    """The whole cleaned text with every fact's evidence marked (rejected facts too, styled as rejected)."""
    return highlight(text, [(span, fact_mark(fact)) for fact in facts for span in fact.evidence])


def documents_by_id(store: Store, ids: Sequence[int]) -> dict[int, StoredDocument]:
    """The documents with these ids, each loaded once."""
    return {doc_id: store.get_document(doc_id) for doc_id in dict.fromkeys(ids)}


__all__ = ["FactView", "documents_by_id", "fact_mark", "fact_view", "highlighted_body", "latest_review"]
