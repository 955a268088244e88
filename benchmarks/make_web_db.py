#!/usr/bin/env python3
"""Build a database the size of a busy team's for the web benchmark: 20,000 documents, about 1,000 cases.

    python benchmarks/make_web_db.py [--db PATH_OR_URL] [--documents N] [--cases N] [--seed N] [--force]

The documents are synthetic news reports we write here (``web_corpus.py``,
``web_reports.py``) in English, Korean and Chinese: about a third report a
return (each case is reported several times, by several outlets, in several
languages, some sources a year off on an age or an arrival), a tenth are
analysis pieces with claims from several sources, the rest are stories about
defectors that are not returns; 15% of pages are syndicated copies on junk
portals, clustered with their originals. Each is saved with
``store.save_document`` with its incidents, claims and quotes, whose evidence
spans point into the text; then the cases are resolved with
``services.resolve_cases``. Accounts admin, editor and viewer are created
through ``redefection.app.accounts`` (password ``--password``).

The default database is ``test-artifacts/web-bench.db`` (SQLite); any
SQLAlchemy URL works, e.g. ``postgresql+psycopg://user:pw@127.0.0.1/db`` (it
must be empty). Prints the time each step took.
"""

from __future__ import annotations

import argparse
import bisect
import html
import random
import re
import sys
import time
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

from sqlalchemy import event

from redefection import dedupe
from redefection.app.cases import resolve_cases
from redefection.errors import StoreError
from redefection.fingerprint import fingerprint_text
from redefection.records import Article, Capture, Document
from redefection.store import Store, hide_password, open_store
from web_corpus import LANGUAGES, OUTLETS, PORTALS, REPORTERS
from web_reports import CasePlan, Written, analysis, off_topic, plan_cases, publication_dates, report

HERE = Path(__file__).resolve().parent
DEFAULT_DB = HERE.parent / "test-artifacts" / "web-bench.db"
DEFAULT_PASSWORD = "bench-password-2024"
USERS = (("admin", "admin"), ("editor", "editor"), ("viewer", "viewer"))
LAST_DAY = date(2025, 6, 30)
LANGUAGE_WEIGHTS = (45, 40, 15)  # en, ko, zh


@dataclass(frozen=True, slots=True)
class Item:
    """A page to save: what it says, where and when it appeared; ``copy_of`` names the page it copies."""

    number: int
    written: Written
    outlet: str
    published: date
    copy_of: int | None = None


def shares(total: int, parts: int, rng: random.Random, cap: int = 60) -> list[int]:
    """``total`` split into ``parts`` counts of 1 to ``cap``, long-tailed: a few cases get many reports."""
    weights = [min(rng.paretovariate(1.2) - 1.0, 25.0) for _ in range(parts)]
    scale = max(0, total - parts) / sum(weights)
    counts = [min(cap, 1 + int(w * scale)) for w in weights]
    room = [n for n in range(parts) if counts[n] < cap]
    while sum(counts) < total and room:
        n = rng.choice(room)
        counts[n] += 1
        if counts[n] == cap:
            room.remove(n)
    return counts


def plan_items(documents: int, cases: int, copies: float, rng: random.Random) -> tuple[list[Item], list[CasePlan]]:
    """Every page, in publication order, copies right after the page they copy."""
    plans = plan_cases(cases, rng)
    returns = sorted(p.returned for p in plans if p.status == "returned" and p.returned.year >= 2012)
    n_copies = round(documents * copies)
    n_reports = max(cases, round(documents * 0.35))
    n_analysis = round(documents * 0.08)
    n_other = max(0, documents - n_copies - n_reports - n_analysis)
    originals: list[tuple[date, Written, str]] = []
    for plan, count in zip(plans, shares(n_reports, cases, rng), strict=True):
        for published in publication_dates(plan, count, rng, LAST_DAY):
            lang = rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0]
            so_far = bisect.bisect_left(returns, published)
            originals.append((published, report(plan, lang, published, rng, so_far), rng.choice(OUTLETS[lang])))
    for _ in range(n_analysis):
        published = date(rng.randint(2013, 2025), rng.randint(1, 6), rng.randint(1, 28))
        lang = rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0]
        written = analysis(lang, published.year, bisect.bisect_left(returns, published), rng)
        originals.append((published, written, rng.choice(OUTLETS[lang])))
    for _ in range(n_other):
        published = date(rng.randint(2011, 2025), rng.randint(1, 6), rng.randint(1, 28))
        lang = rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0]
        originals.append((published, off_topic(lang, published.year - 1, rng), rng.choice(OUTLETS[lang])))
    originals.sort(key=lambda entry: entry[0])
    items = [Item(n, written, outlet, published) for n, (published, written, outlet) in enumerate(originals)]
    copied: dict[int, list[Item]] = {}
    relevant = [item for item in items if item.written.relevant]
    while sum(map(len, copied.values())) < n_copies and relevant:
        source = rng.choice(relevant)
        siblings = copied.setdefault(source.number, [])
        if len(siblings) >= 3:
            continue
        variant = len(siblings)
        written = _copy_text(source, variant, rng)
        when = source.published + timedelta(days=rng.randint(0, 2))
        number = len(items) + sum(map(len, copied.values()))
        siblings.append(Item(number, written, rng.choice(PORTALS), when, copy_of=source.number))
    ordered = [entry for item in items for entry in (item, *copied.get(item.number, ()))]
    return ordered, plans


def _copy_text(source: Item, variant: int, rng: random.Random) -> Written:
    # Facts sit in the first paragraphs and filler last, so dropping the last paragraph keeps every span.
    body = source.written.body
    credit = {"en": f"Source: {source.outlet}", "ko": f"출처: {source.outlet}", "zh": f"来源：{source.outlet}"}
    if variant in (0, 2) and len(body) > 3:
        body = body[:-1]
    if variant in (1, 2) or body == source.written.body:
        body = (*body, credit[source.written.lang])
    title = source.written.title if rng.random() < 0.6 else f"[{rng.choice(PORTALS)}] {source.written.title}"
    return replace(source.written, title=title, body=body)


def domain(outlet: str, lang: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", outlet.casefold()).strip("-")
    if not slug or not outlet.isascii():
        index = (OUTLETS.get(lang) or ()).index(outlet) if outlet in OUTLETS.get(lang, ()) else 0
        slug = f"{lang}-news-{index}"
    return f"www.{slug}.example"


def page(item: Item, byline: str) -> bytes:
    """The HTML page a crawler would have fetched: site chrome around the article."""
    w, e = item.written, html.escape
    paragraphs = "".join(f"<p>{e(text)}</p>" for text in w.body)
    return (
        f'<!doctype html><html lang="{w.lang}"><head><meta charset="utf-8"><title>{e(w.title)}</title>'
        f'<meta name="author" content="{e(byline)}">'
        f'<meta property="article:published_time" content="{item.published.isoformat()}"></head>'
        f"<body><nav>Home | Politics | North Korea | World</nav><article><h1>{e(w.title)}</h1>"
        f'<p class="byline">{e(byline)}</p>{paragraphs}</article>'
        f"<footer>&copy; {item.published.year} {e(item.outlet)}</footer></body></html>"
    ).encode()


def to_document(item: Item, rng: random.Random) -> tuple[Capture, Document]:
    w = item.written
    byline = rng.choice(REPORTERS[w.lang])
    kind = "copy" if item.copy_of is not None else ("report" if w.incidents else "analysis" if w.relevant else "news")
    uri = f"https://{domain(item.outlet, w.lang)}/{w.lang}/{item.published:%Y/%m}/{kind}-{item.number:06d}.html"
    fetched = datetime.combine(item.published + timedelta(days=1), clock(rng.randint(0, 23), rng.randint(0, 59)), UTC)
    capture = Capture(uri, page(item, byline), "text/html; charset=utf-8", fetched, uri=uri)
    article = Article(w.title, byline, item.published, item.outlet, w.body)
    document = Document(
        id=capture.name,
        source=uri,
        sha256=capture.sha256,
        format="html",
        article=article,
        language=w.lang,
        encoding="utf-8",
        uri=uri,
        fingerprint=fingerprint_text("\n\n".join(w.body)),
        relevant=w.relevant,
        relevance_cues=w.cues,
        incidents=w.incidents,
        claims=w.claims,
        quotes=w.quotes,
    )
    _check_spans(document)
    return capture, document


def _check_spans(document: Document) -> None:
    text = document.text
    spans = [s for i in document.incidents for s in i.evidence]
    spans += [c.evidence for c in document.claims if c.evidence is not None]
    spans += [q.evidence for q in document.quotes if q.evidence is not None]
    for span in spans:
        if text[span.start : span.end] != span.text:
            raise AssertionError(f"{document.id}: evidence {span} is not at its offsets")


def progress(label: str, done: int, total: int, started: float) -> None:
    rate = done / max(time.perf_counter() - started, 1e-9)
    print(f"  {label} {done}/{total} ({rate:.0f}/s)", file=sys.stderr, flush=True)


def save_all(store: Store, items: list[Item], rng: random.Random) -> tuple[int, int]:
    """Save every page; cluster each original with its copies. Returns (stored, duplicate)."""
    stored = duplicate = 0
    groups: dict[int, list[tuple[Capture, Document, int]]] = {}
    started = time.perf_counter()
    for n, item in enumerate(items, 1):
        capture, document = to_document(item, rng)
        saved = store.save_document(capture, document)
        stored += not saved.is_duplicate
        duplicate += saved.is_duplicate
        root = item.copy_of if item.copy_of is not None else item.number
        groups.setdefault(root, []).append((capture, document, saved.document_id))
        if n % 2000 == 0:
            progress("saved", n, len(items), started)
    for members in groups.values():
        if len(members) > 1:
            pages = [dedupe.page_member(c, d, doc_id) for c, d, doc_id in members]
            store.assign_cluster(dedupe.build_cluster(pages, {doc_id: d.text for _, d, doc_id in members}))
    return stored, duplicate


def fast_sqlite_writes(store: Store) -> None:
    """Commit without fsync while building (``PRAGMA synchronous = OFF``): a crash means building again.

    Each ``save_document`` is one transaction, and on a busy disk the fsync of
    each commit took a third of the build.
    """
    engine = getattr(store, "engine", None)
    if engine is None or engine.dialect.name != "sqlite":
        return

    def no_sync(connection: Any, _record: Any) -> None:
        connection.execute("PRAGMA synchronous = OFF")

    event.listen(engine, "connect", no_sync)
    engine.dispose()  # connections opened by the migrations get the pragma when reopened


def create_users(store: Store, password: str) -> list[str]:
    from redefection.app import accounts

    made = []
    for username, role in USERS:
        if store.get_user(username) is None:
            accounts.add_user(store, username, password, role)
        made.append(f"{username} ({role})")
    return made


def timed(label: str, started: float) -> float:
    now = time.perf_counter()
    print(f"{label:28} {now - started:8.1f} s", flush=True)
    return now


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=str(DEFAULT_DB), help="SQLite path or SQLAlchemy URL (default: %(default)s)")
    parser.add_argument("--documents", type=int, default=20_000, help="pages to store (default: %(default)s)")
    parser.add_argument("--cases", type=int, default=None, help="cases to plan (default: documents / 20)")
    parser.add_argument("--copies", type=float, default=0.15, help="share of syndicated copies (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--password", default=DEFAULT_PASSWORD, help="password of admin, editor and viewer")
    parser.add_argument("--force", action="store_true", help="replace an existing SQLite file")
    args = parser.parse_args(argv)
    cases = args.cases or max(1, args.documents // 20)
    if "://" not in args.db:
        path = Path(args.db)
        if path.exists():
            if not args.force:
                print(f"{path} exists; pass --force to replace it", file=sys.stderr)
                return 2
            for old in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                old.unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    total = started = time.perf_counter()
    items, plans = plan_items(args.documents, cases, args.copies, rng)
    started = timed(f"planned {len(items)} pages, {len(plans)} cases", started)
    try:
        store = open_store(args.db)
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        if store.counts()["documents"]:
            print(f"{hide_password(args.db)} already holds documents; use an empty database", file=sys.stderr)
            return 2
        fast_sqlite_writes(store)
        started = timed("opened the store", started)
        stored, duplicate = save_all(store, items, rng)
        started = timed(f"saved {stored} documents ({duplicate} duplicate)", started)
        found = resolve_cases(store)
        started = timed(f"resolved {len(found)} cases", started)
        users = create_users(store, args.password)
        timed(f"accounts: {', '.join(users)}", started)
        counts = store.counts()
        print("counts: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    finally:
        store.close()
    print(f"{'total':28} {time.perf_counter() - total:8.1f} s")
    print(f"database: {hide_password(args.db)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
