#!/usr/bin/env python3
"""Accuracy and speed of the clean stage, beside plain trafilatura.

    python benchmarks/clean_benchmark.py [--shared ../shared] [--check]

Reads ``../shared`` (the annotated dev corpus, its scorer, and the public
article-extraction benchmark); prints a note and exits 0 when it is absent.
Prints, in one run:
  * dev corpus, scored by shared/eval/score.py: title accuracy and body F1,
    overall and per document kind (html/text) and language; our metadata
    accuracy (byline, published, outlet, language);
  * the public benchmark, scored by shared/eval/aeb_score.py: body F1 of ours
    and of plain trafilatura (same version, default settings) side by side;
  * throughput on one core (pages/s) of ours and of trafilatura, runs interleaved (--runs, median):
    by the process's CPU time (steady on a machine shared with other work) and by the wall clock.
With --check, exits 1 when a figure falls below the floors in
benchmarks/floors.json.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
FLOORS = HERE / "floors.json"


def _one_core() -> None:
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def run_ours(paths: list[Path], out_dir: Path) -> tuple[float, float]:
    """(wall, CPU) seconds to clean ``paths`` and write their JSON to ``out_dir``."""
    from redefection.clean import clean_capture
    from redefection.ingest.files import read_capture
    from redefection.serialize import document_to_json

    start, cpu = time.perf_counter(), time.process_time()
    for path in paths:
        document = clean_capture(read_capture(path, 1 << 27))
        name = path.name.split(".")[0]
        (out_dir / f"{name}.json").write_text(json.dumps(document_to_json(document), ensure_ascii=False), "utf-8")
    return time.perf_counter() - start, time.process_time() - cpu


def run_trafilatura(paths: list[Path], out_dir: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of trafilatura's default extraction of ``paths``, written as JSON to ``out_dir``."""
    import trafilatura

    start, cpu = time.perf_counter(), time.process_time()
    for path in paths:
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        text = trafilatura.extract(data.decode("utf-8", "replace")) or ""
        body = [line for line in text.split("\n") if line.strip()]
        name = path.name.split(".")[0]
        (out_dir / f"{name}.json").write_text(json.dumps({"article": {"body": body}}), "utf-8")
    return time.perf_counter() - start, time.process_time() - cpu


def score_dev(shared: Path, out_dir: Path) -> dict[str, object]:
    scorer = shared / "eval" / "score.py"
    gold = shared / "corpus" / "dev" / "gold"
    result = subprocess.run(
        [sys.executable, str(scorer), str(gold), str(out_dir), "--json", "--per-doc"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    lines = result.stdout.splitlines()
    per_doc = [json.loads(line) for line in lines if line.startswith('{"id"')]
    start = next(i for i, line in enumerate(lines) if line.startswith("{") and not line.startswith('{"id"'))
    summary = json.loads("\n".join(lines[start:-1]))
    groups: dict[str, list[float]] = defaultdict(list)
    titles: dict[str, list[bool]] = defaultdict(list)
    meta_hits: dict[str, int] = defaultdict(int)
    for doc in per_doc:
        g = json.loads((gold / f"{doc['id']}.json").read_text("utf-8"))
        p = json.loads((out_dir / f"{doc['id']}.json").read_text("utf-8"))
        for key in (g["format"], g["language"]):
            groups[key].append(doc["body_f1"])
            if "title_ok" in doc:
                titles[key].append(doc["title_ok"])
        for field in ("byline", "published", "outlet"):
            meta_hits[field] += g["article"][field] == p["article"][field]
        meta_hits["language"] += g["language"] == p["language"]
    n = len(per_doc)
    return {
        "title": summary["title_accuracy"],
        "body_f1": summary["body"]["f1"],
        "body_f1_by_kind": {k: round(sum(v) / len(v), 4) for k, v in sorted(groups.items())},
        "title_by_kind": {k: round(sum(v) / len(v), 4) for k, v in sorted(titles.items())},
        "metadata": {k: round(v / n, 4) for k, v in meta_hits.items()},
        "documents": n,
    }


def score_aeb(shared: Path, out_dir: Path) -> dict[str, float]:
    truth = shared / "bench" / "article-extraction-benchmark" / "ground-truth.json"
    result = subprocess.run(
        [sys.executable, str(shared / "eval" / "aeb_score.py"), str(truth), str(out_dir)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    last = result.stdout.strip().splitlines()[-1]  # "F1 0.964 | precision ... | recall ... | accuracy ..."
    parts = dict(part.strip().split(" ", 1) for part in last.split("|"))
    return {key.lower(): float(value) for key, value in parts.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument("--check", action="store_true", help="fail when a figure is below benchmarks/floors.json")
    parser.add_argument("--skip-aeb", action="store_true", help="dev corpus only")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each extractor, interleaved [3]")
    args = parser.parse_args()
    shared: Path = args.shared
    if not (shared / "corpus" / "dev" / "docs").is_dir():
        print(f"skipped: {shared} (annotated corpus and benchmark) is not present")
        return 0
    _one_core()
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        dev_out = Path(tmp, "dev")
        dev_out.mkdir()
        dev_docs = sorted((shared / "corpus" / "dev" / "docs").iterdir())
        run_ours(dev_docs, dev_out)  # warm-up: model loading is not throughput
        elapsed = statistics.median(run_ours(dev_docs, dev_out)[1] for _ in range(args.runs))
        dev = score_dev(shared, dev_out)
        figures["dev"] = dev
        figures["dev_pages_per_s"] = round(len(dev_docs) / elapsed, 1)
        print(f"dev corpus ({dev['documents']} documents): title {dev['title']:.3f}  body F1 {dev['body_f1']:.4f}")
        print(f"  body F1 by kind: {dev['body_f1_by_kind']}")
        print(f"  title by kind:   {dev['title_by_kind']}")
        print(f"  metadata exact:  {dev['metadata']}")
        print(f"  speed: {figures['dev_pages_per_s']} pages/s (one core, CPU time, median of {args.runs})")
        aeb_html = shared / "bench" / "article-extraction-benchmark" / "html"
        if not args.skip_aeb and aeb_html.is_dir():
            pages = sorted(aeb_html.iterdir())
            ours_out, theirs_out = Path(tmp, "ours"), Path(tmp, "theirs")
            ours_out.mkdir()
            theirs_out.mkdir()
            run_ours(pages[:20], ours_out)  # warm-up: the benchmark's languages' models
            run_trafilatura(pages[:20], theirs_out)
            timings: dict[str, list[tuple[float, float]]] = {"redefection": [], "trafilatura": []}
            for _ in range(args.runs):  # interleaved, so a change in the machine's load touches both alike
                timings["redefection"].append(run_ours(pages, ours_out))
                timings["trafilatura"].append(run_trafilatura(pages, theirs_out))
            ours, theirs = score_aeb(shared, ours_out), score_aeb(shared, theirs_out)
            rates = {
                name: {
                    "cpu": round(len(pages) / statistics.median(cpu for _, cpu in runs), 1),
                    "wall": round(len(pages) / statistics.median(wall for wall, _ in runs), 1),
                }
                for name, runs in timings.items()
            }
            figures["aeb"] = {"ours": ours, "trafilatura": theirs}
            figures["aeb_pages_per_s"] = {name: rate["cpu"] for name, rate in rates.items()}
            runs_note = f"median of {args.runs} interleaved runs"
            print(f"article-extraction-benchmark ({len(pages)} pages), one core, {runs_note}:")
            print(f"  {'':12} {'F1':>6} {'prec':>6} {'recall':>6} {'pages/s (CPU)':>14} {'pages/s (wall)':>15}")
            for name, res in (("redefection", ours), ("trafilatura", theirs)):
                rate = rates[name]
                print(
                    f"  {name:12} {res['f1']:6.3f} {res['precision']:6.3f} {res['recall']:6.3f} "
                    f"{rate['cpu']:14.1f} {rate['wall']:15.1f}"
                )
            ratio = rates["redefection"]["cpu"] / rates["trafilatura"]["cpu"]
            print(f"  speed ratio redefection / trafilatura (CPU time): {ratio:.2f}")
            print(f"  difference in F1: {ours['f1'] - theirs['f1']:+.3f}")
    if args.check:
        return check(figures)
    return 0


def check(figures: dict[str, object]) -> int:
    floors = json.loads(FLOORS.read_text("utf-8"))["clean"]
    dev = figures["dev"]
    assert isinstance(dev, dict)
    failed = []
    if dev["title"] < floors["dev_title"]:
        failed.append(f"dev title {dev['title']} < {floors['dev_title']}")
    if dev["body_f1"] < floors["dev_body_f1"]:
        failed.append(f"dev body F1 {dev['body_f1']} < {floors['dev_body_f1']}")
    aeb = figures.get("aeb")
    if isinstance(aeb, dict) and aeb["ours"]["f1"] < floors["aeb_f1"]:
        failed.append(f"benchmark F1 {aeb['ours']['f1']} < {floors['aeb_f1']}")
    for line in failed:
        print("below floor:", line)
    print("floors: ok" if not failed else "floors: FAILED")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
