#!/usr/bin/env python3
"""Near-duplicate and syndication detection: accuracy on the dev corpus, speed and memory at scale.

    python benchmarks/dedupe_benchmark.py [--shared ../shared] [--sizes 50000,200000] [--no-scale] [--check]

Prints, in one run:
  * tokenisation: for each shingle choice, the lowest Jaccard of a true copy and the highest of two different
    articles, for English (the dev syndication sets) and Korean/Chinese (edited copies of the dev CJK documents,
    made with a seeded RNG: last paragraph cut, three short spans replaced); the basis of dedupe.py's choice;
  * anchors: for pairs of dev texts in different scripts, the share of anchors (numbers, dates, names) kept
    in order by the translated copies and by the most similar other pairs; the basis of anchors.py's thresholds;
  * dev corpus: ingests ../shared/corpus/dev/docs into a temporary SQLite store (clustering as ingest does it),
    then pairwise precision and recall of the sets in SYNDICATION.json, the pairs clustered outside them, and
    each set's canonical page; skipped with a note when ../shared is absent;
  * scaling: a generated corpus (seeded; 10% near copies, 2% exact copies, 10% Hangul texts), deduplicated in
    memory (fingerprints, then MinHash LSH over the signatures: ``dedupe.cluster_signatures``) in a fresh
    process per size, printing time, peak RSS while deduplicating (the kernel's high-water mark is reset once
    the texts are generated) and pairwise precision/recall against the known copies. The database path is not
    used here: the figure is for the LSH itself, not for SQLite inserts.
With --check, exits 1 when a dev figure falls below the floors in benchmarks/floors.json.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import itertools
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
FLOORS = HERE / "floors.json"
WORD = re.compile(r"\w+")


def _pairs(groups: Iterable[Iterable[str]]) -> set[frozenset[str]]:
    return {frozenset(pair) for group in groups for pair in itertools.combinations(sorted(set(group)), 2)}


def _words(text: str, k: int) -> set[str]:
    words = WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    return {" ".join(words[i : i + k]) for i in range(max(1, len(words) - k + 1))}


def _chars(text: str, n: int) -> set[str]:
    joined = "".join(WORD.findall(unicodedata.normalize("NFKC", text).casefold()))
    return {joined[i : i + n] for i in range(max(1, len(joined) - n + 1))}


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def _edited(paragraphs: tuple[str, ...], rng: random.Random) -> str:
    kept = list(paragraphs[:-1] if len(paragraphs) > 2 else paragraphs)
    chars = list("\n\n".join(kept))
    for _ in range(3):
        start = rng.randrange(0, max(1, len(chars) - 4))
        for index in range(start, start + rng.randint(2, 4)):
            if chars[index].strip():
                chars[index] = rng.choice("的是在了一가나다라마바사")
    return "".join(chars)


def tokenisation_table(documents: dict[str, object], sets: list[list[str]]) -> None:
    """Print copy-vs-different separation for each shingle choice (the evidence for dedupe.py's constants)."""
    from redefection.records import Document

    docs = {key: doc for key, doc in documents.items() if isinstance(doc, Document)}
    rng = random.Random(7)
    choices: dict[str, Callable[[str], set[str]]] = {
        "words k=1": lambda t: _words(t, 1),
        "words k=3": lambda t: _words(t, 3),
        "words k=4": lambda t: _words(t, 4),
        "words k=5": lambda t: _words(t, 5),
        "chars n=2": lambda t: _chars(t, 2),
        "chars n=3": lambda t: _chars(t, 3),
        "chars n=4": lambda t: _chars(t, 4),
    }
    gold = _pairs(sets)
    english = sorted(key for key, doc in docs.items() if doc.language == "en")
    cjk = sorted(key for key, doc in docs.items() if doc.language in ("ko", "zh"))
    edited = {key: _edited(docs[key].article.body, rng) for key in cjk}
    print("tokenisation (Jaccard): lowest true copy | highest different article")
    print(f"  {'shingles':10s} {'en copies':>10s} {'en other':>9s} {'cjk copies':>11s} {'cjk other':>10s}")
    for name, shingle in choices.items():
        sets_of = {key: shingle(docs[key].text) for key in docs}
        en_copies, en_other = [], []
        for a, b in itertools.combinations(english, 2):
            if docs[a].fingerprint == docs[b].fingerprint:
                continue  # exact copies: found by the fingerprint, not by shingles
            (en_copies if frozenset((a, b)) in gold else en_other).append(_jaccard(sets_of[a], sets_of[b]))
        cjk_copies = [_jaccard(sets_of[key], shingle(edited[key])) for key in cjk]
        cjk_other = [
            _jaccard(sets_of[a], sets_of[b])
            for a, b in itertools.combinations(cjk, 2)
            if docs[a].language == docs[b].language and docs[a].fingerprint != docs[b].fingerprint
        ]
        print(
            f"  {name:10s} {min(en_copies):10.3f} {max(en_other):9.3f} {min(cjk_copies):11.3f} {max(cjk_other):10.3f}"
        )


def anchors_line(documents: dict[str, object], sets: list[list[str]]) -> None:
    """Print how translated copies and other texts in another script share anchors (the basis of anchors.py)."""
    from redefection import anchors
    from redefection.records import Document

    texts = {key: doc.text for key, doc in documents.items() if isinstance(doc, Document)}
    gold = _pairs(sets)
    copies, other = [], []
    for a, b in itertools.combinations(sorted(texts), 2):
        if anchors.variant(texts[a]) == anchors.variant(texts[b]):
            continue
        share, shared = anchors.ordered_share(texts[a], texts[b])
        (copies if frozenset((a, b)) in gold else other).append((round(share, 3), shared, a, b))
    top = sorted(other, reverse=True)[:3]
    print("anchors across scripts (share of the longer sequence kept in order, anchors shared):")
    print(f"  translated copies: {sorted(copies)}")
    print(f"  highest other pairs: {top}")


def dev_figures(shared: Path) -> dict[str, float]:
    from redefection.app.ingest import ingest_paths
    from redefection.app.syndication import list_duplicates
    from redefection.clean import clean_capture
    from redefection.ingest.files import read_capture
    from redefection.settings import Settings
    from redefection.store import open_store

    dev = shared / "corpus" / "dev"
    sets: list[list[str]] = json.loads((dev / "SYNDICATION.json").read_text("utf-8"))["sets"]
    paths = sorted((dev / "docs").iterdir())
    documents: dict[str, object] = {
        path.name.split(".")[0]: clean_capture(read_capture(path, 1 << 27)) for path in paths
    }
    tokenisation_table(documents, sets)
    anchors_line(documents, sets)
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(str(Path(folder) / "dev.db"))
        start = time.perf_counter()
        report = ingest_paths([dev / "docs"], store, Settings())
        elapsed = time.perf_counter() - start
        clusters = list_duplicates(store)
        store.close()
    found = [[Path(source).name.split(".")[0] for source in cluster.sources] for cluster in clusters]
    gold, predicted = _pairs(sets), _pairs(found)
    in_sets = {key for group in sets for key in group}
    outside = {pair for pair in predicted - gold if not pair <= in_sets}
    precision = len(predicted & gold) / len(predicted) if predicted else 1.0
    recall = len(predicted & gold) / len(gold) if gold else 1.0
    print(f"\ndev corpus: {report.total} inputs ({report.stored} stored, {report.duplicate} exact duplicates)")
    print(f"  ingest (whole pipeline, store and clustering): {elapsed:.2f} s ({report.total / elapsed:.1f} pages/s)")
    print(f"  syndication pairs: {len(gold)} gold, {len(predicted)} found")
    print(f"  pairwise precision {precision:.3f}, recall {recall:.3f}")
    print(f"  false pairs outside the sets: {len(outside)} {sorted(sorted(pair) for pair in outside)}")
    canonical = {cluster[0]: cluster for cluster in found}
    for group in sets:
        match = next((cluster for cluster in found if set(group) <= set(cluster)), None)
        shown = f"canonical {match[0]}, copies {', '.join(match[1:])}" if match else "not recovered"
        print(f"  set {', '.join(group)}: {shown}")
    correct = sum(1 for group in sets if group[0] in canonical)
    print(f"  canonical = the set's original (listed first in SYNDICATION.json): {correct}/{len(sets)}")
    return {"precision": precision, "recall": recall, "false_pairs": float(len(outside))}


# --- scaling -------------------------------------------------------------------------------------------------


def generate(count: int, seed: int = 20251203) -> tuple[list[str], list[int]]:
    """Synthetic texts and their true group (the index of the text they copy, else their own index)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    syllables = [a + b for a in "bcdfghjklmnprstvwz" for b in ("a", "e", "i", "o", "u", "ai", "ou")]
    vocabulary = np.array(sorted({"".join(rng.choice(syllables, size=rng.integers(1, 4))) for _ in range(30000)}))
    weights = 1.0 / np.arange(1, len(vocabulary) + 1) ** 1.05  # Zipf-like: common words recur across texts
    cumulative = np.cumsum(weights) / weights.sum()
    words_of = vocabulary.tolist()
    hangul = np.array([chr(code) for code in rng.integers(0xAC00, 0xAC00 + 2350, size=5000)])
    texts: list[str] = []
    groups: list[int] = []
    kinds = rng.random(count)
    for index in range(count):
        if index > 100 and kinds[index] < 0.12:  # a copy of an earlier original
            source = int(rng.integers(0, index))
            source = groups[source]
            words = texts[source].split(" ")
            if kinds[index] < 0.02:
                texts.append("  ".join(words) + " .")  # exact copy: spacing and punctuation only
            else:
                keep = int(len(words) * rng.uniform(0.75, 1.0))  # trimmed tail
                words = words[:keep]
                for position in rng.choice(keep, size=int(keep * rng.uniform(0.0, 0.04)), replace=False):
                    words[position] = words_of[int(rng.integers(0, len(words_of)))]  # light edits
                texts.append(" ".join(words))
            groups.append(source)
            continue
        length = int(rng.integers(150, 400))
        if kinds[index] > 0.9:  # Korean-like: Hangul words of two to four syllables
            sizes = rng.integers(2, 5, size=length // 3)
            letters = rng.choice(hangul, size=int(sizes.sum()))
            cuts = np.cumsum(sizes)[:-1]
            texts.append(" ".join("".join(part) for part in np.split(letters, cuts)))
        else:
            picks = np.minimum(np.searchsorted(cumulative, rng.random(length)), len(words_of) - 1)
            texts.append(" ".join(words_of[pick] for pick in picks.tolist()))
        groups.append(index)
    return texts, groups


def _rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def _reset_peak() -> bool:
    """Restart the kernel's peak-RSS mark (Linux 4.0+), so the peak covers deduplication, not generation."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        return False
    return True


def _peak_mib() -> float:
    with contextlib.suppress(OSError), open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def scale_run(count: int) -> dict[str, float]:
    """Deduplicate ``count`` generated texts in memory; timings exclude generating them."""
    import numpy as np

    from redefection import dedupe
    from redefection.fingerprint import fingerprint_text

    texts, truth = generate(count)
    gc.collect()
    _reset_peak()
    before = _rss_mib()
    start = time.perf_counter()
    first_of: dict[str, int] = {}
    exact = [first_of.setdefault(fingerprint_text(text), index) for index, text in enumerate(texts)]
    distinct = sorted(set(exact))
    fingerprinted = time.perf_counter()
    signatures = np.zeros((len(distinct), dedupe.NUM_PERM), dtype=np.uint32)
    sizes = []
    for row, index in enumerate(distinct):
        shingles = dedupe.shingles(texts[index])
        signatures[row] = dedupe.signature(shingles)
        sizes.append(len(shingles))
    signed = time.perf_counter()
    groups = dedupe.cluster_signatures(signatures, sizes)
    done = time.perf_counter()
    peak = _peak_mib()
    label = {index: index for index in range(count)}
    for group in groups:
        for row in group:
            label[distinct[row]] = distinct[group[0]]
    predicted = [label[exact[index]] for index in range(count)]
    together = Counter(zip(predicted, truth, strict=True))
    same_pred = sum(n * (n - 1) // 2 for n in Counter(predicted).values())
    same_true = sum(n * (n - 1) // 2 for n in Counter(truth).values())
    both = sum(n * (n - 1) // 2 for n in together.values())
    return {
        "documents": count,
        "distinct_texts": len(distinct),
        "fingerprint_s": fingerprinted - start,
        "minhash_s": signed - fingerprinted,
        "lsh_s": done - signed,
        "total_s": done - start,
        "rss_before_mib": before,
        "peak_rss_mib": peak,
        "precision": both / same_pred if same_pred else 1.0,
        "recall": both / same_true if same_true else 1.0,
        "clusters": len(groups),
    }


def scaling(sizes: list[int]) -> None:
    print("\nscaling (in memory: fingerprints, MinHash signatures, LSH by sorted band keys; one process per size)")
    results = []
    for count in sizes:
        command = [sys.executable, str(Path(__file__).resolve()), "--scale-run", str(count)]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        result = json.loads(output.strip().splitlines()[-1])
        results.append(result)
        print(
            f"  {result['documents']:>7,} documents: total {result['total_s']:6.1f} s "
            f"(fingerprints {result['fingerprint_s']:.1f}, MinHash {result['minhash_s']:.1f}, "
            f"LSH {result['lsh_s']:.1f}); "
            f"peak RSS {result['peak_rss_mib']:,.0f} MiB ({result['rss_before_mib']:,.0f} MiB holding the texts); "
            f"precision {result['precision']:.4f}, recall {result['recall']:.4f}"
        )
    if len(results) >= 2:
        small, large = results[0], results[-1]
        factor = large["documents"] / small["documents"]
        print(
            f"  {factor:.0f}x the documents: total time x{large['total_s'] / small['total_s']:.2f}, "
            f"LSH time x{large['lsh_s'] / small['lsh_s']:.2f} (linear would be x{factor:.0f}, "
            f"all pairs x{factor**2:.0f}); peak RSS x{large['peak_rss_mib'] / small['peak_rss_mib']:.2f}"
        )


COPY_STORY = (
    "A man who fled to the South six years ago has gone back across the border, officials said on Monday.",
    "He had lived alone in a port city and had told neighbours that he could not find steady work, they said.",
    "The ministry said it was checking how he crossed and whether anyone had helped him on the way north.",
    "Rights groups said the number of such returns is small but has grown as resettlement support has thinned.",
    "Police said they had opened an inquiry and that the military had reinforced its patrols along the river.",
)


def many_copies(counts: list[int]) -> None:
    """One story ingested as N lightly edited copies: the store-backed clustering path, end to end."""
    from redefection.app.ingest import ingest_paths
    from redefection.app.syndication import list_duplicates
    from redefection.settings import Settings
    from redefection.store import open_store

    print("\none story, N near copies (ingest into a fresh SQLite file: pipeline, store, clustering, cases)")
    print(f"  {'copies':>6}  {'seconds':>8}  {'pages/s':>8}  {'clusters':>8}  {'largest':>7}")
    for count in counts:
        rng = random.Random(count)
        with tempfile.TemporaryDirectory() as folder:
            for n in range(count):
                body = "\n\n".join(_edited(COPY_STORY, rng).split("\n"))
                Path(folder, f"copy{n:04d}.txt").write_text(f"Defector returns north ({n})\n\n{body}\n", "utf-8")
            store = open_store(f"sqlite:///{folder}/copies.db")
            started = time.perf_counter()
            ingest_paths([folder], store, Settings())
            seconds = time.perf_counter() - started
            clusters = list_duplicates(store)
            store.close()
        largest = max((len(c.members) for c in clusters), default=0)
        print(f"  {count:>6}  {seconds:>8.1f}  {count / seconds:>8.1f}  {len(clusters):>8}  {largest:>7}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument("--sizes", default="50000,200000", help="generated corpus sizes, comma-separated")
    parser.add_argument("--no-scale", action="store_true", help="skip the scaling benchmark")
    parser.add_argument("--check", action="store_true", help="fail when a dev figure is below benchmarks/floors.json")
    parser.add_argument("--copies", default="50,200", help="sizes of the one-story near-copy run ('' to skip)")
    parser.add_argument("--scale-run", type=int, help=argparse.SUPPRESS)  # internal: one size, JSON out
    args = parser.parse_args()
    if args.scale_run:
        print(json.dumps(scale_run(args.scale_run)))
        return 0
    figures: dict[str, float] | None = None
    if (args.shared / "corpus" / "dev" / "SYNDICATION.json").is_file():
        figures = dev_figures(args.shared)
    else:
        print(f"skipped the dev corpus: {args.shared} (annotated corpus) is not present")
    if args.copies.strip():
        many_copies([int(size) for size in args.copies.split(",") if size.strip()])
    if not args.no_scale:
        scaling([int(size) for size in args.sizes.split(",") if size.strip()])
    if not args.check or figures is None:
        return 0
    floors = json.loads(FLOORS.read_text("utf-8"))["dedupe"]
    failed = [
        f"{name} {figures[name]} < {floors[name]}" for name in ("precision", "recall") if figures[name] < floors[name]
    ]
    if figures["false_pairs"] > floors["max_false_pairs"]:
        failed.append(f"false pairs {figures['false_pairs']:.0f} > {floors['max_false_pairs']}")
    for line in failed:
        print(f"below floor: {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
