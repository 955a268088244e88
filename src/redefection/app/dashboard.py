"""The dashboard's figures: returns per year (cases, not reports), reasons, statuses, the confirmation ladder,
the latest documents, facts awaiting review and every source's claimed figures over time.

Counting is by case: three outlets reporting one person going back make one
return. A case's year is the year of its event date, else of its disclosure
(the earliest report). Claims are never added up: each source's figures stay a
series of their own (DESIGN.md idea 2), so disagreement stays visible.

Building the figures reads every case summary and every claim, so
``DashboardCache`` keeps the result until the store changes (``store_signature``
moves) or ``max_age`` passes; ``FacetCache`` does the same for the filter
counts of the case and document lists.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .. import resolve
from ..records import LADDER, Claim, SourcedClaim
from ..resolve import ClaimPoint, SeriesKey
from ..store import CaseFilter, CaseSummary, ClaimFilter, DocumentFilter, Store, StoredDocument, StoredFact
from . import browse
from .read_cache import ReadCache

logger = logging.getLogger(__name__)

STATUSES = ("returned", "attempted", "intended")
PAGE = 500  # rows per query when reading every case or claim


@dataclass(frozen=True, slots=True)
class YearRow:
    """The cases of one year, per status."""

    year: int
    counts: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """A machine-extracted fact nobody has reviewed yet, with its document."""

    fact: StoredFact
    document: StoredDocument


@dataclass(frozen=True, slots=True)
class Dashboard:
    """Everything the dashboard shows; ``public`` figures count only what reviewers confirmed or corrected."""

    public: bool
    cases: int
    years: tuple[YearRow, ...]  # oldest first, every year between the first and the last
    undated: int  # cases with neither an event date nor a disclosure date
    statuses: tuple[tuple[str, int], ...]
    reasons: tuple[tuple[str, int], ...]  # most frequent first; a case counts once per reason it has
    ladder: tuple[tuple[str, int], ...]  # lowest rung first
    conflicted: int  # cases whose sources disagree on some field
    unreviewed: int  # cases with an incident nobody reviewed
    languages: tuple[tuple[str, int], ...]  # source languages of the cases
    latest: tuple[StoredDocument, ...]
    awaiting: tuple[ReviewItem, ...]
    possible: tuple[StoredDocument, ...]  # the newest possibly relevant documents: the relevance review queue
    series: Mapping[SeriesKey, list[ClaimPoint]]
    counts: Mapping[str, int]
    built_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def case_year(summary: CaseSummary) -> int | None:
    """The year a case belongs to: of its event date, else of its first report; None if neither is known."""
    if summary.event_date and summary.event_date[:4].isdigit():
        return int(summary.event_date[:4])
    return summary.disclosure_date.year if summary.disclosure_date else None


def iter_cases(store: Store, filters: CaseFilter | None = None, *, public: bool = False) -> Iterator[CaseSummary]:
    """Every case summary matching ``filters`` (public: the public cases, with public values), a page at a time."""
    offset = 0
    while True:
        page = browse.list_cases(store, filters or CaseFilter(), limit=PAGE, offset=offset, public=public)
        yield from page.items
        offset += len(page.items)
        if not page.items or not page.has_next:
            return


def public_claims(store: Store) -> list[SourcedClaim]:
    """The claims a person confirmed or corrected, in the shape ``resolve.claim_series`` takes."""
    found: list[SourcedClaim] = []
    offset = 0
    while True:
        page = browse.list_claims(store, ClaimFilter(), limit=PAGE, offset=offset, public=True)
        for entry in page.items:
            values = entry.fact.values
            claim = Claim(
                subject=values.get("subject") or "other",
                value=int(values.get("value") or 0),
                qualifier=values.get("qualifier") or "exact",
                period=values.get("period"),
                as_of=values.get("as_of"),
                source=values.get("source"),
                label=values.get("label"),
            )
            doc = entry.document
            key = doc.source or f"document:{doc.document_id}"
            found.append(SourcedClaim(claim, key, entry.fact.position, str(doc.document_id), doc.published, doc.outlet))
        offset += PAGE
        if not page.has_next:
            return found


def awaiting_review(store: Store, limit: int = 12, max_documents: int = 400) -> list[ReviewItem]:
    """Machine facts of relevant documents, newest document first (looks at ``max_documents`` at most)."""
    items: list[ReviewItem] = []
    offset = 0
    while len(items) < limit and offset < max_documents:
        page = store.search_documents(DocumentFilter(relevant=True), limit=50, offset=offset)
        for hit in page.items:
            doc = hit.document
            if doc.incidents + doc.claims + doc.quotes == 0:
                continue
            items.extend(ReviewItem(f, doc) for f in store.list_facts(doc.id) if f.is_machine)
            if len(items) >= limit:
                break
        offset += len(page.items)
        if not page.items or not page.has_next:
            break
    return items[:limit]


def build_dashboard(store: Store, *, public: bool = False, latest: int = 10) -> Dashboard:
    """Compute every figure of the dashboard; ``public`` counts only public cases and reviewed claims."""
    by_year: dict[int, Counter[str]] = {}
    statuses: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    ladder: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    total = undated = conflicted = unreviewed = 0
    for summary in iter_cases(store, public=public):
        total += 1
        year = case_year(summary)
        if year is None:
            undated += 1
        else:
            by_year.setdefault(year, Counter())[summary.status] += 1
        statuses[summary.status] += 1
        reasons.update(set(summary.reasons) or {"unknown"})
        ladder[summary.confirmation] += 1
        languages.update(set(summary.languages))
        conflicted += summary.conflicts > 0
        unreviewed += summary.reviewed < summary.incidents
    years = (
        tuple(
            YearRow(year, {s: by_year.get(year, Counter())[s] for s in STATUSES})
            for year in range(min(by_year), max(by_year) + 1)
        )
        if by_year
        else ()
    )
    claims = public_claims(store) if public else store.list_sourced_claims()
    series = resolve.claim_series(claims, store.document_clusters())
    documents: tuple[StoredDocument, ...] = ()
    awaiting: tuple[ReviewItem, ...] = ()
    possible: tuple[StoredDocument, ...] = ()
    if not public:
        hits = store.search_documents(DocumentFilter(relevant=True), limit=latest).items
        documents = tuple(hit.document for hit in hits)
        awaiting = tuple(awaiting_review(store))
        possible = tuple(
            h.document for h in store.search_documents(DocumentFilter(relevance="possible"), limit=5).items
        )
    return Dashboard(
        public=public,
        cases=total,
        years=years,
        undated=undated,
        statuses=tuple((s, statuses[s]) for s in (*STATUSES, *sorted(set(statuses) - set(STATUSES)))),
        reasons=tuple(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
        ladder=tuple((rung, ladder[rung]) for rung in LADDER),
        conflicted=conflicted,
        unreviewed=unreviewed,
        languages=tuple(sorted(languages.items(), key=lambda kv: (-kv[1], kv[0]))),
        latest=documents,
        awaiting=awaiting,
        possible=possible,
        series=series,
        counts=store.counts(),
    )


def store_signature(store: Store) -> tuple[object, ...]:
    """Changes whenever the dashboard may: rows are added, cases rebuilt, or a reviewer acts (an audit entry).

    One cheap query (the newest id of each table, the newest case change), asked on every view: counting
    every table's rows, as this did before, took 15 ms of each dashboard view on a 20,000-document store.
    """
    return store.change_signature()


@dataclass(frozen=True, slots=True)
class _Kept:
    signature: tuple[object, ...]
    at: float  # clock time the build started
    seconds: float  # how long it took
    board: Dashboard


class DashboardCache:
    """Keeps the last dashboard per view until the store's signature changes or ``max_age`` seconds pass.

    A dashboard that took more than ``slow`` seconds to build is not waited
    for again: while a newer one is built in a background thread, the kept
    one is served (its "built at" time shows its age), for at most
    ``max_stale`` seconds. Quick builds (small stores, the tests) are always
    redone at once, so a review shows on the next page view; views arriving
    meanwhile wait for that build rather than each building the same board.

    With ``spacing``, a board that took ``busy`` seconds or more is not built
    again until ``spacing`` times its build time has passed, however often
    the store changes meanwhile: while an ingest and reviewers write every
    second, rebuilding a 1-2 s board after each change kept a core busy and
    slowed every page (the web app uses 10: at most a tenth of the time).
    """

    def __init__(
        self,
        max_age: float = 300.0,
        build: Callable[..., Dashboard] = build_dashboard,
        clock: Callable[[], float] = time.monotonic,
        slow: float = 2.0,
        max_stale: float = 900.0,
        spacing: float = 0.0,
        busy: float = 0.5,
    ) -> None:
        self.max_age = max_age
        self.slow = slow
        self.max_stale = max_stale
        self.spacing = spacing
        self.busy = busy
        self._build = build
        self._clock = clock
        self._lock = threading.Lock()
        self._kept: dict[bool, _Kept] = {}
        self._building: dict[bool, threading.Thread] = {}
        self._foreground = {False: threading.Lock(), True: threading.Lock()}

    def get(self, store: Store, *, public: bool = False, signature: tuple[object, ...] | None = None) -> Dashboard:
        """The dashboard for this view, built again only when the store changed or the kept one is too old.

        ``signature``: the store's change signature if the caller has read it already.
        """
        signature = store_signature(store) if signature is None else signature
        now = self._clock()
        with self._lock:
            kept = self._kept.get(public)
            if kept is not None and kept.signature == signature and now - kept.at < self.max_age:
                return kept.board
            if kept is not None and kept.seconds >= self.busy and now - kept.at < kept.seconds * self.spacing:
                return kept.board  # built a moment ago: the store changed since, but not rebuilt so soon again
            if kept is not None and kept.seconds > self.slow and now - kept.at < self.max_stale:
                if public not in self._building:
                    worker = threading.Thread(
                        target=self._background, args=(store, public, signature), name="dashboard", daemon=True
                    )
                    self._building[public] = worker
                    worker.start()
                return kept.board
        with self._foreground[public]:  # one build at a time per view: the others wait and take its result
            with self._lock:
                kept = self._kept.get(public)
                if kept is not None and kept.signature == signature and self._clock() - kept.at < self.max_age:
                    return kept.board
            return self._refresh(store, public, signature)

    def built(self, public: bool = False) -> bool:
        """Whether a dashboard for this view is kept (a server process builds both before its first request)."""
        with self._lock:
            return public in self._kept

    def refreshing(self, public: bool = False) -> bool:
        """Whether a newer dashboard for this view is being built in the background."""
        with self._lock:
            return public in self._building

    def _background(self, store: Store, public: bool, signature: tuple[object, ...]) -> None:
        try:
            self._refresh(store, public, signature)
        except Exception:  # the kept dashboard stays; the next page view tries again
            logger.exception("building the dashboard failed")

    def _refresh(self, store: Store, public: bool, signature: tuple[object, ...]) -> Dashboard:
        started = self._clock()
        try:
            built = self._build(store, public=public)
        finally:
            with self._lock:
                self._building.pop(public, None)
        with self._lock:
            self._kept[public] = _Kept(signature, started, self._clock() - started, built)
        return built

    def wait(self, timeout: float = 30.0) -> None:
        """Wait for background builds to finish (tests, shutdown)."""
        with self._lock:
            workers = list(self._building.values())
        for worker in workers:
            worker.join(timeout)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


Facets = dict[str, dict[str, int]]


class FacetCache:
    """The filter counts of the case and document lists (``browse.facet_counts``) per view, kept until
    ``store_signature`` moves or ``max_age`` seconds pass.

    Every /cases and /documents view shows them, and counting reads every case
    and the reasons of every incident (11 ms on a 20,000-document store; the
    public view reads every reviewed case). When the store changes, one
    thread counts again for a view while the others asking for it wait for
    that result instead of counting too (a single-flight ``ReadCache``).
    """

    def __init__(
        self,
        max_age: float = 300.0,
        count: Callable[..., Facets] = browse.facet_counts,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._count = count
        self._kept = ReadCache(entries=2, max_age=max_age, clock=clock, single_flight=True)

    def get(self, store: Store, *, public: bool = False, signature: tuple[object, ...] | None = None) -> Facets:
        """The counts for this view (a copy: the caller may change it); ``signature`` as in ``DashboardCache``."""
        signature = store_signature(store) if signature is None else signature
        found = self._kept.get(signature, public, lambda: self._count(store, public=public))
        return {facet: dict(counts) for facet, counts in found.items()}

    def clear(self) -> None:
        self._kept.clear()


__all__ = [
    "STATUSES",
    "Dashboard",
    "DashboardCache",
    "FacetCache",
    "ReviewItem",
    "YearRow",
    "awaiting_review",
    "build_dashboard",
    "case_year",
    "iter_cases",
    "public_claims",
    "store_signature",
]
