"""Live monitoring: poll feeds and news sitemaps, fetch new articles politely, ingest them, send alerts.

One round: poll every enabled source (its new article URLs are remembered as
pending in the store before anything else happens), fetch the pending URLs
with a bounded pool, run each page through the pipeline as soon as it
arrives, then alert on the new relevant incidents, claims and cases.

Nothing is lost when a round stops early (``stop`` set, e.g. by SIGTERM): no
new fetch starts, fetches in flight finish and are ingested, and URLs not
fetched yet stay pending for the next round, whatever the feed says then.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from ..app.cases import resolve_cases
from ..app.ingest import IngestReport, ingest_captures
from ..errors import ParseError, RedefectionError
from ..ingest.feeds import FeedEntry, parse_listing
from ..pipeline import Outcome
from ..records import Capture, Document
from ..settings import Settings
from ..store import SaveResult, SeenUrl, SourceCheck, Store
from .alerts import AlertItem, AlertReport, Notifier, case_items, document_items
from .config import SourceConfig, WatchConfig
from .fetch import Fetcher, FetchError, FetchResult, canonical_url

logger = logging.getLogger(__name__)

# Content types the clean stage can read; anything else (PDF, images, video) is skipped unfetched-again.
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "text/xml", "application/xml")
# Fetch failures that will not change on retry: the URL is given up at once.
FINAL_KINDS = {"robots", "too_large", "redirects", "invalid"}
FINAL_STATUSES = {401, 403, 404, 410, 451}


@dataclass(frozen=True, slots=True)
class SourceOutcome:
    """What polling one source gave."""

    name: str
    ok: bool
    error: str | None = None
    items_seen: int = 0
    items_new: int = 0
    not_modified: bool = False


@dataclass(frozen=True, slots=True)
class WatchReport:
    """What one round did."""

    sources: tuple[SourceOutcome, ...] = ()
    fetched: int = 0
    fetch_failed: int = 0
    skipped: int = 0
    ingest: IngestReport = field(default_factory=IngestReport)
    alerts: AlertReport = field(default_factory=AlertReport)
    stopped: bool = False  # the round ended early because ``stop`` was set

    @property
    def failed_sources(self) -> tuple[SourceOutcome, ...]:
        return tuple(outcome for outcome in self.sources if not outcome.ok)


class Watcher:
    """Runs watch rounds over one store; ``fetcher`` and ``notifier`` are injectable for tests."""

    def __init__(
        self,
        config: WatchConfig,
        store: Store,
        settings: Settings,
        *,
        fetcher: Fetcher | None = None,
        notifier: Notifier | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.config, self.store, self.settings = config, store, settings
        self.stop = stop or threading.Event()
        # The fetcher sees the stop too: a request still in flight stop_grace seconds after it is abandoned.
        self.fetcher = fetcher or Fetcher(config.fetch, stop=self.stop)
        self.notifier = notifier or Notifier(store, config.smtp, timeout=config.fetch.timeout)

    def close(self) -> None:
        self.fetcher.close()
        self.notifier.close()

    def run_forever(self, on_round: Callable[[WatchReport], None] | None = None) -> int:
        """Run rounds every ``config.interval`` seconds until ``stop`` is set; returns how many ran.

        A round that fails on the store is logged and the loop goes on: a
        long-lived watcher outlives a database restart.
        """
        rounds = 0
        while not self.stop.is_set():
            try:
                report = self.run_once()
            except RedefectionError as exc:
                logger.error("watch round failed: %s", exc)
            else:
                if on_round is not None:
                    on_round(report)
            rounds += 1
            self.stop.wait(self.config.interval)
        return rounds

    def run_once(self) -> WatchReport:
        """Poll every enabled source, fetch and ingest new articles, and send alerts."""
        now = datetime.now(UTC)
        self.store.save_alert_rules([(rule.name, rule.spec_json()) for rule in self.config.alerts], now)
        outcomes = []
        for source in self.config.sources:
            if not source.enabled:
                continue
            if self.stop.is_set():
                break
            outcomes.append(self.poll(source))
        counts = {"fetched": 0, "failed": 0, "skipped": 0}
        pending: dict[str, SeenUrl] = {}
        new_documents: dict[int, Document] = {}

        def record(outcome: Outcome, saved: SaveResult | None) -> None:
            seen = pending.pop(outcome.source)
            problem = outcome.error.problem if outcome.error is not None else None
            if outcome.dropped is not None:
                problem = f"dropped ({outcome.dropped.reason})"
            document_id = saved.document_id if saved is not None else None
            self.store.update_url(replace(seen, state="fetched", error=problem, document_id=document_id))
            document = outcome.document
            if saved is not None and saved.status == "stored" and document is not None and document.relevant:
                new_documents[saved.document_id] = document

        captures = self._fetch_pending(pending, counts)
        report = ingest_captures(
            captures, self.store, self.settings, record, keep_irrelevant=self.config.keep_irrelevant
        )
        alerts = self._alert(new_documents)
        return WatchReport(
            sources=tuple(outcomes),
            fetched=counts["fetched"],
            fetch_failed=counts["failed"],
            skipped=counts["skipped"],
            ingest=report,
            alerts=alerts,
            stopped=self.stop.is_set(),
        )

    def poll(self, source: SourceConfig) -> SourceOutcome:
        """Fetch one source's listing (conditionally), remember its new URLs, and record its health."""
        state = self.store.register_source(source.name, source.kind, source.url)
        now = datetime.now(UTC)
        try:
            result = self.fetcher.fetch(source.url, etag=state.etag, last_modified=state.last_modified)
            if result.not_modified:
                check = SourceCheck(now, ok=True, etag=state.etag, last_modified=state.last_modified)
                self.store.record_source_check(source.name, check)
                return SourceOutcome(source.name, ok=True, not_modified=True)
            urls = _canonical_urls(self._entries(result))
        except (FetchError, ParseError) as exc:
            logger.warning("source %s: %s", source.name, exc)
            self.store.record_source_check(source.name, SourceCheck(now, ok=False, error=exc.problem))
            return SourceOutcome(source.name, ok=False, error=exc.problem)
        # New URLs are kept as pending before the feed's validators: a stop in between loses no entry.
        new = self.store.add_urls(source.name, urls, now)
        check = SourceCheck(now, True, None, len(urls), len(new), result.etag, result.last_modified)
        self.store.record_source_check(source.name, check)
        logger.info("source %s: %d listed, %d new", source.name, len(urls), len(new))
        return SourceOutcome(source.name, ok=True, items_seen=len(urls), items_new=len(new))

    def _entries(self, result: FetchResult) -> list[FeedEntry]:
        listing = parse_listing(result.data, result.final_url)
        entries = list(listing.entries)
        for child in listing.sitemaps[: self.config.max_sitemaps]:
            if self.stop.is_set():
                break
            child_result = self.fetcher.fetch(canonical_url(child, result.final_url))
            entries.extend(parse_listing(child_result.data, child_result.final_url).entries)
        return entries

    def _fetch_pending(self, pending: dict[str, SeenUrl], counts: dict[str, int]) -> Iterator[Capture]:
        """Yield a capture per pending URL fetched, as fetches complete; failures are recorded, not yielded."""
        waiting = iter(self.store.pending_urls(self.config.max_attempts))
        with ThreadPoolExecutor(self.config.concurrency, thread_name_prefix="watch-fetch") as pool:
            in_flight: dict[Future[FetchResult], SeenUrl] = {}

            def fill() -> None:
                while len(in_flight) < self.config.concurrency and not self.stop.is_set():
                    seen = next(waiting, None)
                    if seen is None:
                        return
                    in_flight[pool.submit(self.fetcher.fetch, seen.url)] = seen

            fill()
            while in_flight:
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    seen = in_flight.pop(future)
                    fetched = self._capture(future, seen, counts)
                    if fetched is not None:
                        capture, pending[seen.url] = fetched
                        yield capture
                fill()

    def _capture(
        self, future: Future[FetchResult], seen: SeenUrl, counts: dict[str, int]
    ) -> tuple[Capture, SeenUrl] | None:
        now = datetime.now(UTC)
        attempt = replace(seen, attempts=seen.attempts + 1, last_attempt=now)
        try:
            result = future.result()
        except FetchError as exc:
            final = exc.kind in FINAL_KINDS or exc.status in FINAL_STATUSES
            counts["skipped" if final else "failed"] += 1
            state = "skipped" if final else "failed"
            self.store.update_url(replace(attempt, state=state, error=exc.problem, http_status=exc.status))
            return None
        except Exception as exc:  # one broken page must not stop a round
            logger.warning("fetching %s failed unexpectedly: %r", seen.url, exc)
            counts["failed"] += 1
            self.store.update_url(replace(attempt, state="failed", error=repr(exc)))
            return None
        attempt = replace(
            attempt,
            http_status=result.status,
            etag=result.etag,
            last_modified=result.last_modified,
            final_url=result.final_url,
        )
        media = (result.content_type or "text/html").split(";")[0].strip().lower()
        if media not in PAGE_TYPES:
            counts["skipped"] += 1
            self.store.update_url(replace(attempt, state="skipped", error=f"not a web page ({media})"))
            return None
        counts["fetched"] += 1
        attempt = replace(attempt, state="pending", error=None)  # fetched, not yet ingested
        self.store.update_url(attempt)
        capture = Capture(
            source=seen.url,
            data=result.data,
            content_type=result.content_type,
            fetched_at=now,
            headers=result.headers,
            uri=result.final_url,
        )
        return capture, attempt

    def _alert(self, new_documents: dict[int, Document]) -> AlertReport:
        if not self.config.alerts or not new_documents:
            return AlertReport()
        items: list[AlertItem] = []
        for document_id, document in sorted(new_documents.items()):
            items.extend(document_items(document_id, document))
        if any("case" in rule.kinds for rule in self.config.alerts):
            try:
                items.extend(case_items(resolve_cases(self.store), new_documents))
            except RedefectionError as exc:  # documents and their own alerts still go out
                logger.warning("cannot resolve cases for alerts: %s", exc)
        return self.notifier.notify(self.config.alerts, items)


def _canonical_urls(entries: list[FeedEntry]) -> list[str]:
    urls = []
    for entry in entries:
        try:
            urls.append(canonical_url(entry.url))
        except ValueError:
            logger.debug("skipping listed link %r", entry.url)
    return list(dict.fromkeys(urls))
