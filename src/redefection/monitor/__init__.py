"""Live monitoring: poll news feeds and sitemaps, fetch new articles politely, alert, and track source health.

The flow: ``watch.Watcher`` reads the sources of a watch file (``config``),
polls each feed or news sitemap, fetches the articles it has not seen
(``fetch``, behind the SSRF guard of ``fetch_guard``), hands the captures to
``app.ingest.ingest_captures``, sends alerts for new relevant documents and
cases (``alerts``), and records each source's check so ``health`` can tell
"nothing was published" from "the source broke". `redefection watch` and
`redefection sources` run it; the web app's monitoring page reads ``health``.

Modules (nothing is re-exported here, so loading one part never loads the others):

- ``config``: ``load_watch_config``, ``WatchConfig``, ``SourceConfig``;
- ``watch``: ``Watcher``, ``WatchReport``;
- ``fetch``: ``Fetcher``, ``FetchPolicy``, ``FetchResult``, ``canonical_url``; ``fetch_guard``: ``Guard``;
- ``alerts``: ``Notifier``, ``AlertRule``; ``health``: ``source_health``, ``whats_new``.
"""
