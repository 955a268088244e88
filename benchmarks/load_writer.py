"""The writer of ``web_load.py --writer``: an ingest and a reviewer working while the readers load the app.

Two threads, both bounded by ``stop``: one writes batches of new synthetic
pages to a folder and runs ``redefection ingest`` on them (the real pipeline:
clean, extract, store, cluster, resolve cases), the other confirms and
corrects machine facts through the API as the editor (a bearer token made
with ``redefection.app.accounts``). Every failed batch or refused review is an
error in the report.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

from make_web_db import Item, page
from redefection.store import DocumentFilter, Store
from web_corpus import LANGUAGES, OUTLETS
from web_reports import off_topic, plan_cases, report

BATCH = 20
INGEST_TIMEOUT_S = 600
REVIEW_PAUSE_S = 0.5


@dataclass
class Writer:
    db: str
    base: str
    password: str
    folder: Path
    seed: int
    errors: list[str] = field(default_factory=list)
    batches: int = 0
    pages: int = 0
    reviews: int = 0
    review_ms: list[float] = field(default_factory=list)
    reviewed: list[tuple[str, int, str]] = field(default_factory=list)  # (kind, fact id, action) the app accepted
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _process: subprocess.Popen[bytes] | None = None
    _stopped: bool = False

    def start(self) -> None:
        for target in (self._ingest_loop, self._review_loop):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> list[str]:
        """Ask both threads to finish their current step, and wait for them (bounded)."""
        if not self._stopped:
            self._stopped = True
            self._stop.set()
            deadline = time.monotonic() + INGEST_TIMEOUT_S
            for thread in self._threads:
                thread.join(max(1.0, deadline - time.monotonic()))
            if self._process is not None and self._process.poll() is None:
                self._process.kill()
                self.errors.append("the last ingest did not finish in time and was killed")
        return self.errors

    def figures(self) -> dict[str, Any]:
        return {
            "batches": self.batches,
            "pages": self.pages,
            "reviews": self.reviews,
            "reviewed": [list(entry) for entry in self.reviewed],
            "review_ms": [round(ms, 1) for ms in self.review_ms],
            "errors": self.errors,
        }

    def summary(self) -> str:
        reviews = ""
        if self.review_ms:
            ordered = sorted(self.review_ms)
            reviews = f", review p50 {ordered[len(ordered) // 2]:.0f} ms, max {ordered[-1]:.0f} ms"
        return (
            f"writer: {self.batches} ingest batches ({self.pages} pages), {self.reviews} reviews{reviews}, "
            f"{len(self.errors)} errors"
        )

    # The ingest: new pages, batch after batch, through the real pipeline.

    def _ingest_loop(self) -> None:
        rng = random.Random(self.seed)
        plans = plan_cases(200, rng)
        number = 900_000
        while not self._stop.is_set():
            batch = self.folder / f"batch-{self.batches:03d}"
            batch.mkdir(parents=True, exist_ok=True)
            for _ in range(BATCH):
                number += 1
                lang = rng.choice(LANGUAGES)
                plan = rng.choice(plans)
                published = min(plan.returned + timedelta(days=rng.randint(1, 30)), date(2025, 6, 30))
                written = report(plan, lang, published, rng, 30) if rng.random() < 0.6 else off_topic(lang, 2024, rng)
                item = Item(number, written, rng.choice(OUTLETS[lang]), published)
                (batch / f"live-{number}.html").write_bytes(page(item, "Load Writer"))
            self._run_ingest(batch)
            self.batches += 1
            self.pages += BATCH

    def _run_ingest(self, batch: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("REDEFECTION_")}
        command = [sys.executable, "-m", "redefection", "ingest", str(batch), "--db", self.db]
        self._process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        try:
            _, err = self._process.communicate(timeout=INGEST_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.communicate()
            self.errors.append(f"ingest of {batch.name} took over {INGEST_TIMEOUT_S} s")
            return
        if self._process.returncode != 0:
            tail = err.decode("utf-8", "replace").strip().splitlines()[-3:]
            self.errors.append(f"ingest of {batch.name} exited {self._process.returncode}: {' | '.join(tail)}")

    # The reviewer: confirm or correct machine facts through the API, as the editor.

    def _review_loop(self) -> None:
        from redefection.app import accounts
        from redefection.store import open_store

        store = open_store(self.db, create=False)
        try:
            secret = accounts.create_api_token(store, "editor", f"load benchmark {time.time():.0f}").secret
            facts = _machine_facts(store, random.Random(self.seed + 1))
        finally:
            store.close()
        headers = {"Authorization": f"Bearer {secret}"}
        with httpx.Client(base_url=self.base, headers=headers, timeout=120) as client:
            for kind, fact_id, values in facts:
                if self._stop.is_set():
                    break
                body = _review_body(kind, values, self.reviews)
                started = time.perf_counter()
                try:
                    response = client.post(f"/api/v1/facts/{kind}/{fact_id}/review", json=body)
                    if response.status_code == 200:
                        self.reviewed.append((kind, fact_id, str(body["action"])))
                    else:
                        self.errors.append(f"review {kind} {fact_id}: {response.status_code} {response.text[:160]}")
                except httpx.HTTPError as exc:
                    self.errors.append(f"review {kind} {fact_id}: {type(exc).__name__} {exc}")
                self.review_ms.append((time.perf_counter() - started) * 1000)
                self.reviews += 1
                self._stop.wait(REVIEW_PAUSE_S)


def _machine_facts(store: Store, rng: random.Random) -> list[tuple[str, int, dict[str, Any]]]:
    """Machine incidents and claims of documents spread over the store, in a random order."""
    found: list[tuple[str, int, dict[str, Any]]] = []
    relevant = DocumentFilter(relevant=True)
    total = store.search_documents(relevant, limit=1).total
    page = store.search_documents(relevant, limit=400, offset=rng.randrange(0, max(1, total - 400)))
    for hit in page.items:
        for fact in store.list_facts(hit.document.id):
            if fact.is_machine and fact.kind in ("incident", "claim"):
                found.append((fact.kind, fact.id, dict(fact.values)))
    rng.shuffle(found)
    return found[:400]


def _review_body(kind: str, values: dict[str, Any], n: int) -> dict[str, Any]:
    """Every third review a correction (an age one higher, a claim's qualifier), else a confirmation."""
    if n % 3 == 2:
        if kind == "incident" and isinstance(values.get("age"), int):
            return {"action": "correct", "changes": {"age": values["age"] + 1}, "note": "load benchmark"}
        if kind == "claim":
            return {"action": "correct", "changes": {"qualifier": "about"}, "note": "load benchmark"}
    return {"action": "confirm"}
