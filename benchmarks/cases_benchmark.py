#!/usr/bin/env python3
"""How well incidents from different documents resolve into cases, on the annotated dev corpus.

    python benchmarks/cases_benchmark.py [--shared ../shared] [--check] [--verbose]

Runs the pipeline over ``../shared/corpus/dev/docs``, resolves the extracted
incidents into cases, and scores pairwise precision and recall of "same case"
over incident pairs against ``CASES.json``. Our incidents are aligned with the
gold ones per document by the matching of ``../shared/eval/score.py``
(greedy_match with incident_score). A second run resolves the gold incidents
themselves, so resolution errors are told apart from extraction errors. Prints
the conflicts found and the Ministry of Unification's figures over time.
Prints a note and exits 0 when the corpus is absent. With --check, exits 1
when a figure falls below the floors in benchmarks/floors.json ("cases").
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from itertools import combinations
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
FLOORS = HERE / "floors.json"


def load_scorer(shared: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("shared_score", shared / "eval" / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def extract_corpus(docs: Path) -> dict[str, dict[str, Any]]:
    """Our extract output per document id, in the corpus JSON shape."""
    from redefection.app.ingest import extract_paths
    from redefection.serialize import document_to_json
    from redefection.settings import Settings

    out: dict[str, dict[str, Any]] = {}
    for outcome in extract_paths([docs], Settings()):
        if outcome.document is not None:
            out[outcome.document.id] = document_to_json(outcome.document)
    return out


def clusters_of(dev: Path) -> dict[str, str]:
    sets = json.loads((dev / "SYNDICATION.json").read_text("utf-8"))["sets"]
    return {doc: f"set-{n}" for n, members in enumerate(sets) for doc in members}


def pair_scores(predicted: Mapping[str, int], truth: Mapping[str, str]) -> dict[str, float]:
    """Pairwise precision and recall of "same case" over incidents present in both mappings."""
    keys = sorted(predicted.keys() & truth.keys())
    tp = fp = fn = 0
    for a, b in combinations(keys, 2):
        same_pred, same_true = predicted[a] == predicted[b], truth[a] == truth[b]
        tp += same_pred and same_true
        fp += same_pred and not same_true
        fn += same_true and not same_pred
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": precision, "recall": recall, "tp": tp, "fp": fp, "fn": fn, "incidents": len(keys)}


def resolve(documents: Mapping[str, dict[str, Any]], clusters: Mapping[str, str]) -> list[Any]:
    from redefection.resolve import incidents_from_json, resolve_incidents

    items = [item for doc_id, data in sorted(documents.items()) for item in incidents_from_json(data, doc_id)]
    return resolve_incidents(items, clusters=clusters)


def case_of(cases: Iterable[Any]) -> dict[str, int]:
    """Incident key ("<doc id>#<index>") -> case number."""
    return {member.item.key: n for n, case in enumerate(cases) for member in case.incidents}


def align(gold: Mapping[str, dict[str, Any]], ours: Mapping[str, dict[str, Any]], scorer: ModuleType) -> dict[str, str]:
    """Our incident key -> the gold incident key it matches (same matching as score.py)."""
    match: Callable[..., list[tuple[int, int]]] = scorer.greedy_match
    out: dict[str, str] = {}
    for doc_id, data in gold.items():
        predicted = (ours.get(doc_id) or {}).get("incidents") or []
        for i, j in match(data.get("incidents") or [], predicted, scorer.incident_score):
            out[f"{doc_id}#{j}"] = f"{doc_id}#{i}"
    return out


def show_conflicts(cases: Iterable[Any]) -> None:
    for case in cases:
        for conflict in case.conflicts:
            values = "; ".join(f"{v.value!r} ({', '.join(v.incidents)})" for v in conflict.values)
            print(f"  {case.label}: {conflict.field}: {values}")


def show_cases(cases: Iterable[Any], truth: Mapping[str, str]) -> None:
    for case in cases:
        print(f"  {case.label} [{case.confirmation}, {case.independent_sources} independent]")
        for member in case.incidents:
            features = ", ".join(f"{f.name} {f.score:g}" for f in member.features)
            print(f"    {member.item.key:14} {truth.get(member.item.key, '-'):34} {member.score:5.2f}  {features}")


def show_claims(documents: Mapping[str, dict[str, Any]], clusters: Mapping[str, str]) -> None:
    from redefection.resolve import claim_series, claims_from_json

    claims = [c for doc_id, data in sorted(documents.items()) for c in claims_from_json(data, doc_id)]
    series = claim_series(claims, clusters)
    for (subject, source, _label), points in series.items():
        if subject != "returned_north" or len(points) < 2:
            continue
        shown = "; ".join(f"{p.date or 'undated'}: {p.qualifier} {p.value} ({p.period or '-'})" for p in points)
        print(f"  {source}: {shown}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument("--check", action="store_true", help="fail when a figure is below benchmarks/floors.json")
    parser.add_argument("--verbose", action="store_true", help="print every case with its incidents' features")
    args = parser.parse_args()
    dev = args.shared / "corpus" / "dev"
    if not (dev / "CASES.json").is_file() or not (args.shared / "eval" / "score.py").is_file():
        print(f"skipped: {args.shared} (annotated corpus) is not present")
        return 0
    scorer = load_scorer(args.shared)
    truth: dict[str, str] = json.loads((dev / "CASES.json").read_text("utf-8"))["incidents"]
    gold = {path.stem: json.loads(path.read_text("utf-8")) for path in sorted((dev / "gold").glob("*.json"))}
    clusters = clusters_of(dev)

    gold_cases = resolve(gold, clusters)
    on_gold = pair_scores(case_of(gold_cases), truth)

    ours = extract_corpus(dev / "docs")
    start = time.perf_counter()
    our_cases = resolve(ours, clusters)
    seconds = time.perf_counter() - start
    aligned = align(gold, ours, scorer)
    our_truth = {key: truth[gold_key] for key, gold_key in aligned.items() if gold_key in truth}
    on_extract = pair_scores(case_of(our_cases), our_truth)
    # End to end: every gold pair counts; a gold incident we did not extract cannot be recalled.
    by_gold = {gold_key: case_of(our_cases)[key] for key, gold_key in aligned.items()}
    missing = {key: -1 - n for n, key in enumerate(sorted(truth.keys() - by_gold.keys()))}
    end_to_end = pair_scores({**by_gold, **missing}, truth)

    print(f"dev corpus: {len(truth)} gold incidents in {len(set(truth.values()))} cases")
    for name, figures in (("gold incidents", on_gold), ("our incidents", on_extract), ("end to end", end_to_end)):
        print(
            f"  {name:15} pairwise precision {figures['precision']:.4f} recall {figures['recall']:.4f}"
            f"  (tp {figures['tp']}, fp {figures['fp']}, fn {figures['fn']}, {figures['incidents']} incidents)"
        )
    unaligned = sum(len(d.get("incidents") or []) for d in ours.values()) - len(aligned)
    print(f"  our cases {len(our_cases)}, incidents not matching a gold one {unaligned}, resolved in {seconds:.3f}s")
    if args.verbose:
        print("cases from our incidents:")
        show_cases(our_cases, our_truth)
    print("conflicts found (our incidents):")
    show_conflicts(our_cases)
    print("returned_north figures by source over time (our claims):")
    show_claims(ours, clusters)

    values = {
        "gold_precision": on_gold["precision"],
        "gold_recall": on_gold["recall"],
        "precision": on_extract["precision"],
        "recall": on_extract["recall"],
        "end_to_end_recall": end_to_end["recall"],
    }
    if not args.check:
        return 0
    floors: dict[str, float] = json.loads(FLOORS.read_text("utf-8"))["cases"]
    failed = [f"{k} {values.get(k, 0.0):.4f} < {floor}" for k, floor in floors.items() if values.get(k, 0.0) < floor]
    for line in failed:
        print("below floor:", line)
    print("floors: ok" if not failed else "floors: FAILED")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
