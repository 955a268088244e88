#!/usr/bin/env python3
"""Accuracy and speed of relevance and fact extraction on the annotated dev corpus.

    python benchmarks/extract_benchmark.py [--shared ../shared] [--realworld-cache DIR] [--check]

Reads ``../shared/corpus/dev`` and scores with ``../shared/eval/score.py``;
prints a note and exits 0 when that folder is absent. Prints relevance,
incident, per-field, reason, claim, source and quote figures, then the speed
on one core of cleaning alone and of the whole pipeline (clean, relevance,
extract) over the corpus. With --check, exits 1 when a figure falls below the
floors in benchmarks/floors.json ("extract" section).

Then the real pages: when the page cache is present (``--realworld-cache``,
default ``.cache/realworld/docs`` at the repository root; never committed), it
runs ``redefection extract``, ``ingest`` and ``cases --format json`` on it in a
temporary folder, scores them with ``../shared/eval/realworld_score.py``
against ``../shared/corpus/realworld-dev`` and prints the scorer's summary:
relevance F1, cases recalled, page-incident recall, claims recalled and
spurious incidents. Without the cache (or the scorer) it prints one line and
skips that part. With --check, those figures must also meet the "realworld"
section of the floors (``max_spurious_incidents`` is a ceiling).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FLOORS = HERE / "floors.json"
ROUNDS = 9  # the corpus is small: repeat it so timings are not noise
REALWORLD_CACHE = HERE.parent / ".cache" / "realworld" / "docs"
# realworld_score.py has no --json: its last line is the summary, e.g.
# "real-world: pages found 90/90 | relevance F1 0.9 | cases recalled 9/17 | ..."
SUMMARY = re.compile(
    r"pages found (?P<found>\d+)/(?P<pages>\d+) \| relevance F1 (?P<relevance_f1>[\d.]+) \| "
    r"cases recalled (?P<cases>\d+)/(?P<cases_of>\d+) \| page-incident recall (?P<page_incident_recall>[\d.]+) \| "
    r"claims recalled (?P<claims>\d+)/(?P<claims_of>\d+) \| spurious incidents (?P<spurious>\d+)"
)


def _one_core() -> None:
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def timings(paths: list[Path], out_dir: Path) -> tuple[float, float]:
    """Median CPU seconds per pass over ``paths``: (clean only, clean + relevance + extract).

    The two pipelines alternate pass by pass, so a change in machine load touches both alike; the time is this
    process's CPU time (it runs on one core), so other work on a shared machine is not counted.
    """
    from redefection.ingest.files import read_capture
    from redefection.pipeline import Pipeline
    from redefection.serialize import document_to_json
    from redefection.settings import Settings

    clean = Pipeline(Settings(stages=("clean",)))
    full = Pipeline(Settings(stages=("clean", "relevance", "extract")))
    captures = [read_capture(path, 1 << 27) for path in paths]
    for capture in captures:  # warm-up, and the output files
        clean(capture)
        outcome = full(capture)
        if outcome.document is not None:
            data = document_to_json(outcome.document)
            (out_dir / f"{outcome.document.id}.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    clean_times: list[float] = []
    full_times: list[float] = []
    for _ in range(ROUNDS):
        for pipeline, times in ((clean, clean_times), (full, full_times)):
            start = time.process_time()
            for capture in captures:
                pipeline(capture)
            times.append(time.process_time() - start)
    return statistics.median(clean_times), statistics.median(full_times)


def score(shared: Path, out_dir: Path) -> dict[str, object]:
    result = subprocess.run(
        [
            sys.executable,
            str(shared / "eval" / "score.py"),
            str(shared / "corpus" / "dev" / "gold"),
            str(out_dir),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    text = result.stdout
    figures: dict[str, object] = json.loads(text[: text.rindex("}") + 1])
    return figures


def flat(figures: dict[str, object]) -> dict[str, float]:
    """The figures the floors are about, by name."""
    get = figures.__getitem__
    out = {
        "relevance_f1": get("relevance")["f1"],  # type: ignore[index]
        "incidents_f1": get("incidents")["f1"],  # type: ignore[index]
        "reasons_f1": get("incident_reasons_f1"),
        "claims_f1": get("claims")["f1"],  # type: ignore[index]
        "claim_source_accuracy": get("claim_source_accuracy"),
        "quotes_f1": get("quotes")["f1"],  # type: ignore[index]
    }
    for field, value in get("incident_fields").items():  # type: ignore[attr-defined]
        out[f"field_{field}"] = value
    return {key: float(value or 0.0) for key, value in out.items()}


def realworld(shared: Path, docs: Path) -> dict[str, float] | None:
    """Score the real-page cache ``docs`` as realworld-dev's README does; None when it cannot be run."""
    gold = shared / "corpus" / "realworld-dev"
    scorer = shared / "eval" / "realworld_score.py"
    if not docs.is_dir() or not gold.is_dir() or not scorer.is_file():
        missing = docs if not docs.is_dir() else gold if not gold.is_dir() else scorer
        print(f"real pages: skipped, {missing} is not present")
        return None
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(HERE.parent / "src"), os.environ.get("PYTHONPATH")]))
    )
    with tempfile.TemporaryDirectory() as tmp:
        out, db = Path(tmp) / "out", f"sqlite:///{Path(tmp) / 'rw.db'}"

        def cli(*args: str) -> str:
            result = subprocess.run(
                [sys.executable, "-m", "redefection", *args], capture_output=True, text=True, env=env
            )
            if result.returncode:
                raise SystemExit(f"redefection {args[0]} on {docs} failed: {result.stderr.strip()[-500:]}")
            return result.stdout

        cli("extract", str(docs), "--out", str(out))
        cli("ingest", str(docs), "--db", db)
        cases = Path(tmp) / "cases.json"
        cases.write_text(cli("cases", "--db", db, "--format", "json"), "utf-8")
        command = [sys.executable, str(scorer), "--gold", str(gold), "--docs-dir", str(docs)]
        command += ["--extract-dir", str(out), "--cases", str(cases)]
        report = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = SUMMARY.search(report.strip().splitlines()[-1])
    if match is None:
        raise SystemExit(f"realworld_score.py: unexpected summary line: {report.strip().splitlines()[-1]!r}")
    got = {key: float(value) for key, value in match.groupdict().items()}
    print(
        f"real pages ({docs}, {got['found']:.0f}/{got['pages']:.0f} found), scored by shared/eval/realworld_score.py:"
    )
    print(f"  relevance F1              {got['relevance_f1']:.3f}")
    print(f"  cases recalled            {got['cases']:.0f}/{got['cases_of']:.0f}")
    print(f"  page-incident recall      {got['page_incident_recall']:.3f}")
    print(f"  claims recalled           {got['claims']:.0f}/{got['claims_of']:.0f}")
    print(f"  spurious incidents        {got['spurious']:.0f}")
    return {
        "relevance_f1": got["relevance_f1"],
        "case_recall": got["cases"] / max(1.0, got["cases_of"]),
        "page_incident_recall": got["page_incident_recall"],
        "claim_recall": got["claims"] / max(1.0, got["claims_of"]),
        "max_spurious_incidents": got["spurious"],
    }


def below(values: dict[str, float], floors: dict[str, float]) -> list[str]:
    """The figures that miss their floor; a ``max_`` key is a ceiling."""
    failed: list[str] = []
    for key, floor in floors.items():
        value = values.get(key, 0.0)
        if value > floor if key.startswith("max_") else value < floor:
            failed.append(f"{key} {value:.4f} {'>' if key.startswith('max_') else '<'} {floor}")
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument("--realworld-cache", type=Path, default=REALWORLD_CACHE, help="folder of real pages (NNN.txt)")
    parser.add_argument("--check", action="store_true", help="fail when a figure is below benchmarks/floors.json")
    args = parser.parse_args()
    docs = args.shared / "corpus" / "dev" / "docs"
    if not docs.is_dir():
        print(f"skipped: {args.shared} (annotated corpus) is not present")
        return 0
    _one_core()
    paths = sorted(docs.iterdir())
    with tempfile.TemporaryDirectory() as tmp:
        out_dir = Path(tmp)
        clean_only, full = timings(paths, out_dir)
        figures = score(args.shared, out_dir)
    values = flat(figures)
    print(f"dev corpus ({figures['documents']} documents), scored by shared/eval/score.py:")
    for key, value in values.items():
        print(f"  {key:24} {value:.4f}")
    incidents = figures["incidents"]
    claims = figures["claims"]
    quotes = figures["quotes"]
    print(f"  incidents tp/pred/gold   {incidents['tp']}/{incidents['pred']}/{incidents['gold']}")  # type: ignore[index]
    print(f"  claims tp/pred/gold      {claims['tp']}/{claims['pred']}/{claims['gold']}")  # type: ignore[index]
    print(f"  quotes tp/pred/gold      {quotes['tp']}/{quotes['pred']}/{quotes['gold']}")  # type: ignore[index]
    n = len(paths)
    print("speed on one core (documents per CPU second, median of the corpus repeated):")
    print(f"  clean only                  {n / clean_only:8.1f}")
    print(f"  clean + relevance + extract {n / full:8.1f}  ({clean_only / full:.2f} of clean-only speed)")
    real = realworld(args.shared, args.realworld_cache)
    if not args.check:
        return 0
    floors = json.loads(FLOORS.read_text("utf-8"))
    failed = below(values, floors["extract"])
    if real is not None:
        failed += [f"realworld {line}" for line in below(real, floors.get("realworld", {}))]
    for line in failed:
        print("below floor:", line)
    print("floors: ok" if not failed else "floors: FAILED")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
