"""Use cases of review, shared by the web pages, the API and the CLI: a person's decisions, then fresh cases.

A reviewed fact (confirmed, corrected or rejected) is never replaced by the
machine: re-extraction keeps it and skips any new fact over the same stretch
of text. Every decision is written to the audit log. Cases are rebuilt after
each decision that can move incidents between cases (an incident corrected or
rejected, a merge, a split), so the case pages show it at once; a confirmation
needs no rebuild, as review states are read live. Rebuilding is the slow part:
``cases.resolve_cases`` takes about 15 s for the 9,449 incidents (1,025
cases) of the 20,000-document benchmark database (1.6 s for 933 incidents), so
the web app rebuilds in the background (``rebuild.CaseRebuilder``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from .. import __version__
from ..errors import NotFound, RedefectionError
from ..records import Article, Claim, Document, Incident, Quote, Relevance
from ..settings import Settings
from ..store import FactChange, FactKind, Store, StoredCase, StoredDocument, StoredFact
from ..store.stored_facts import record_fact
from .cases import decide_cases, resolve_cases

logger = logging.getLogger(__name__)

PAGE = 200  # documents read at a time when re-extracting the whole store


def review_fact(store: Store, change: FactChange, *, rebuild: Callable[[Store], object] = resolve_cases) -> StoredFact:
    """Confirm, correct or reject one fact (audited), then rebuild the cases if it was an incident.

    ``rebuild`` does the rebuilding: by default at once, in this call; the web
    app passes a ``rebuild.CaseRebuilder``'s ``request`` to do it in the background.

    Raises:
        NotFound: no such fact.
        ValueError: a corrected value is invalid; the message names the field.
    """
    fact = store.review_fact(_named_as_extraction_names(change))
    # Only a changed or rejected incident can move incidents between cases. Review states are read live
    # by the case pages, and claims and quotes are not part of the stored cases.
    if fact.kind == "incident" and change.action != "confirm":
        rebuild(store)
    return fact


def decide_relevance(
    store: Store,
    document_id: int,
    relevance: Relevance,
    *,
    who: str,
    note: str | None = None,
    rebuild: Callable[[Store], object] = resolve_cases,
) -> StoredDocument:
    """An editor promotes a possibly relevant document to relevant, or dismisses it as not relevant (audited).

    A promoted document's facts join the cases, exports, alerts' counts and
    the public view (once reviewed); a dismissed one's stay out. Cases are
    rebuilt when the document has incidents. Returns the document after it.

    Raises:
        NotFound: no such document.
        ValueError: ``relevance`` is not "relevant" or "not_relevant", or is the document's already.
    """
    if store.get_document(document_id).relevance == relevance:
        raise ValueError(f"relevance: document {document_id} is already {relevance.replace('_', ' ')}")
    store.set_relevance(document_id, relevance, who=who, note=note)
    document = store.get_document(document_id)
    if document.incidents:
        rebuild(store)
    return document


def _named_as_extraction_names(change: FactChange) -> FactChange:
    """A corrected claim source under the canonical name extraction gives it ("통일부" and "MOU" give one series)."""
    source = change.changes.get("source") if change.kind == "claim" and change.action == "correct" else None
    if not isinstance(source, str) or not source.strip():
        return change
    from ..extract.sources import known_source

    return replace(change, changes={**change.changes, "source": known_source(source) or source})


def _cases_holding(found: Iterable[StoredCase], incident_ids: Iterable[int]) -> list[int]:
    wanted = set(incident_ids)
    return [stored.id for stored in found if any(m.item.id in wanted for m in stored.case.incidents)]


def merge_cases(store: Store, incident_ids: Sequence[int], *, who: str, note: str | None = None) -> list[StoredCase]:
    """Put these incidents in one case, for good (re-applied on every rebuild); returns every case after it.

    Raises:
        ValueError: fewer than two incidents.
        NotFound: an id names no incident (rejected ones included).
    """
    ids = list(dict.fromkeys(incident_ids))
    if len(ids) < 2:
        raise ValueError("incident_ids: a merge needs at least two incidents")
    found = decide_cases(store, "merge", ids, who=who, note=note)
    for case_id in _cases_holding(found, ids):
        store.record_audit(who=who, action="merge", kind="case", target_id=case_id, new={"incidents": ids}, note=note)
    return found


def split_case(
    store: Store,
    case_id: int,
    incident_ids: Sequence[int],
    others: Sequence[int] = (),
    *,
    who: str,
    note: str | None = None,
) -> list[StoredCase]:
    """Keep these incidents of a case apart from ``others`` (default: the case's other incidents).

    The split is re-applied on every rebuild; returns every case after it.

    Raises:
        NotFound: no such case, or an id names no incident.
        ValueError: an incident is not in the case, or nothing would be left to split from.
    """
    detail = store.get_case(case_id)
    members = [fact.id for fact in detail.incidents]
    ids = list(dict.fromkeys(incident_ids))
    if not ids:
        raise ValueError("incident_ids: name the incidents to split off")
    outside = [i for i in ids if i not in members]
    if outside:
        raise ValueError(f"incident_ids: incident {outside[0]} is not in case {case_id}")
    apart = [i for i in dict.fromkeys(others) if i not in ids] or [i for i in members if i not in ids]
    if not apart:
        raise ValueError(f"incident_ids: these are all the incidents of case {case_id}; nothing to split from")
    found = decide_cases(store, "split", ids, apart, who=who, note=note)
    change = {"incidents": ids, "others": apart, "from_case": case_id}
    for target in dict.fromkeys([case_id, *_cases_holding(found, ids + apart)]):
        store.record_audit(who=who, action="split", kind="case", target_id=target, new=change, note=note)
    return found


@dataclass(frozen=True, slots=True)
class ReextractReport:
    """What a re-extraction did: documents read, machine facts written, failures as (source, message)."""

    documents: int = 0
    added: int = 0
    failures: tuple[tuple[str, str], ...] = ()


def stored_to_document(stored: StoredDocument) -> Document:
    """The ``Document`` a stored one was cleaned into, without its facts: the input of relevance and extract."""
    article = Article(
        title=stored.title, byline=stored.byline, published=stored.published, outlet=stored.outlet, body=stored.body
    )
    return Document(
        id=stored.key,
        source=stored.source,
        sha256=stored.sha256,
        format="html" if stored.format == "html" else "text",
        article=article,
        language=stored.language,
        uri=stored.uri,
    )


def extract_stored(stored: StoredDocument, settings: Settings) -> list[StoredFact]:
    """The facts the current relevance and extract stages find in a stored document's cleaned text."""
    from ..extract import extract_stage
    from ..relevance import relevance_stage

    document = extract_stage(relevance_stage(stored_to_document(stored), settings), settings)
    found: tuple[tuple[FactKind, Sequence[Incident | Claim | Quote]], ...] = (
        ("incident", document.incidents),
        ("claim", document.claims),
        ("quote", document.quotes),
    )
    return [record_fact(kind, item, stored.id, n) for kind, items in found for n, item in enumerate(items)]


def _documents(store: Store, document_ids: Sequence[int] | None) -> Iterator[StoredDocument]:
    if document_ids is not None:
        for document_id in dict.fromkeys(document_ids):
            yield store.get_document(document_id)
        return
    offset = 0
    while batch := store.list_documents(limit=PAGE, offset=offset):
        yield from batch
        offset += len(batch)


def reextract_documents(store: Store, settings: Settings, document_ids: Sequence[int] | None = None) -> ReextractReport:
    """Run the relevance and extract stages again over stored documents (all, or these ids), then rebuild cases.

    Only machine facts are replaced; a person's confirmed, corrected or
    rejected facts stay, and a new fact over the same evidence is not added.
    One failing document is recorded and skipped.

    Raises:
        NotFound: an id names no document (checked before anything changes).
    """
    if document_ids is not None:
        for document_id in document_ids:
            store.get_document(document_id)  # NotFound before any work
    done = added = 0
    failures: list[tuple[str, str]] = []
    for stored in _documents(store, document_ids):
        try:
            facts = extract_stored(stored, settings)
            added += store.replace_machine_facts(stored.id, facts, __version__)
        except NotFound:
            raise
        except RedefectionError as exc:
            failures.append((stored.source, exc.problem))
            continue
        except Exception as exc:  # one document the extractor chokes on must not stop the run
            logger.debug("re-extraction failed on %s", stored.source, exc_info=True)
            failures.append((stored.source, f"extract failed: {exc!r}"))
            store.record_failure(stored.source, "extract", f"re-extraction failed: {exc!r}")
            continue
        done += 1
    if done:
        resolve_cases(store)
    return ReextractReport(done, added, tuple(failures))


__all__ = [
    "ReextractReport",
    "decide_relevance",
    "extract_stored",
    "merge_cases",
    "reextract_documents",
    "review_fact",
    "split_case",
    "stored_to_document",
]
