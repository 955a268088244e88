#!/usr/bin/env python3
"""CPU time of building case pages from scratch, in process (no server, no cache hit).

    python benchmarks/case_page_cpu.py --db /tmp/copy.db [--cases 200] [--profile] [--dump DIR]

Opens the app over a COPY of a store made by ``make_web_db.py`` (the viewer's password as there), logs the
viewer in through the app's test client, takes the first ``--cases`` case ids of the API's list and requests
each case page once (each request builds its page: results are kept per store revision, and each id is asked
once), each again (what was kept is used), then each API case record once. Prints the CPU milliseconds per
request (mean and median), and of the first visits the part spent building and rendering the page.
``--profile`` prints the heaviest functions of the case pages; ``--dump DIR`` writes every page's HTML and
JSON there (to compare the output of two versions of the code).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from redefection.settings import Settings
from redefection.store import open_store
from redefection.web import pages_cases
from redefection.web.app import create_app

DEFAULT_PASSWORD = "bench-password-2024"


class Handler:
    """Wraps the case page's build (``kept``) and rendering (``render``) where the route calls them, in the
    thread that runs the route: their CPU time per page, and their profile when asked."""

    def __init__(self, profile: bool) -> None:
        self.profiler = cProfile.Profile() if profile else None
        self.depth = 0
        self.started = 0.0
        self.ms: list[float] = []

    def wrap(self, function: Any) -> Any:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if self.depth == 0:
                self.started = time.thread_time()
                if self.profiler is not None:
                    self.profiler.enable()
            self.depth += 1
            try:
                return function(*args, **kwargs)
            finally:
                self.depth -= 1
                if self.depth == 0:
                    if self.profiler is not None:
                        self.profiler.disable()
                    self.ms[-1] += (time.thread_time() - self.started) * 1000

        return wrapped


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="path of a copy of the store (SQLite) or its URL")
    parser.add_argument("--cases", type=int, default=200, help="case pages to build (default 200)")
    parser.add_argument("--password", default=DEFAULT_PASSWORD, help="the viewer's password")
    parser.add_argument("--profile", action="store_true", help="print the heaviest functions")
    parser.add_argument("--dump", type=Path, help="write each page's HTML and JSON into this folder")
    args = parser.parse_args()
    url = args.db if "://" in args.db else f"sqlite:///{args.db}"
    app = create_app(open_store(url, create=False), Settings())
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        login = client.post("/login", data={"username": "viewer", "password": args.password, "next": "/"})
        if login.status_code not in (200, 303) or not client.cookies:
            raise SystemExit(f"login as viewer failed: {login.status_code}")
        ids: list[int] = []
        for offset in range(0, args.cases, 100):
            page = client.get("/api/v1/cases", params={"limit": 100, "offset": offset}).json()
            ids += [item["id"] for item in page["items"]]
        ids = ids[: args.cases]
        client.get("/cases/0")  # first use of the route and its template, out of the measure
        handler = Handler(args.profile)
        pages_cases.kept = handler.wrap(pages_cases.kept)  # type: ignore[assignment]
        pages_cases.render = handler.wrap(pages_cases.render)  # type: ignore[assignment]
        page_ms: list[float] = []
        for case_id in ids:
            handler.ms.append(0.0)
            start = time.process_time()
            response = client.get(f"/cases/{case_id}")
            page_ms.append((time.process_time() - start) * 1000)
            if args.dump:
                args.dump.mkdir(parents=True, exist_ok=True)
                (args.dump / f"case-{case_id}.html").write_text(response.text, "utf-8")
        again_ms: list[float] = []
        for case_id in ids:  # a second visit: the same store revision, what was kept is used
            handler.ms.append(0.0)
            start = time.process_time()
            client.get(f"/cases/{case_id}")
            again_ms.append((time.process_time() - start) * 1000)
        api_ms: list[float] = []
        for case_id in ids:
            start = time.process_time()
            response = client.get(f"/api/v1/cases/{case_id}")
            api_ms.append((time.process_time() - start) * 1000)
            if args.dump:
                (args.dump / f"case-{case_id}.json").write_text(response.text, "utf-8")

    def figures(ms: list[float]) -> str:
        return f"mean {statistics.mean(ms):6.2f}  median {statistics.median(ms):6.2f}"

    print(f"{len(ids)} case pages, CPU ms per request:  {figures(page_ms)}")
    print(f"  of which building + rendering:   {figures(handler.ms[: len(ids)])}")
    print(f"the same pages again, CPU ms:       {figures(again_ms)}")
    print(f"{len(ids)} API case records, CPU ms:       {figures(api_ms)}")
    if handler.profiler is not None:
        stats = pstats.Stats(handler.profiler)
        stats.sort_stats("tottime").print_stats(30)
        stats.sort_stats("cumulative").print_stats(50)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
