"""Fuzz cleaning, WARC reading and extraction for a time budget: only the project's documented errors may escape.

    pip install -e '.[fuzz]'
    python benchmarks/fuzz.py --seconds 300                 # every target, coverage-guided (atheris)
    python benchmarks/fuzz.py --target warc --seconds 60
    python benchmarks/fuzz.py --engine random --seconds 10  # no atheris: seeded random mutations

The seed corpus is ours: ``tests/fuzz_seeds/<target>/``. atheris (libFuzzer) grows a copy of it in a
temporary folder (``--work DIR`` keeps it); a crash is saved as ``crash-*`` there, and printed with the
target and the exception. Exit code 0: the budget ran out with nothing escaping; 1: a target raised.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from redefection.clean import clean_capture
from redefection.errors import Dropped, ParseError, SourceError
from redefection.extract import extract_facts
from redefection.ingest.files import read_capture
from redefection.ingest.warc import iter_warc
from redefection.records import Article, Document
from redefection.relevance import relevance_stage
from redefection.settings import Settings

SEEDS = Path(__file__).resolve().parent.parent / "tests" / "fuzz_seeds"
TARGETS = ("clean", "warc", "extract")
MAX_BYTES = 1 << 20
SETTINGS = Settings()


class Scratch:
    """One temporary file the file-based targets write each input to."""

    folder = Path(tempfile.mkdtemp(prefix="redefection-fuzz-"))


def fuzz_clean(data: bytes) -> None:
    """Read (gzip included) and clean bytes as a file: only SourceError, ParseError or Dropped may escape."""
    path = Scratch.folder / "input.html"
    path.write_bytes(data)
    try:
        capture = read_capture(path, MAX_BYTES)
        clean_capture(capture, SETTINGS.max_html_bytes, SETTINGS.languages)
    except (SourceError, ParseError, Dropped):
        pass


def fuzz_warc(data: bytes) -> None:
    """Read bytes as a WARC (and as a WARC.gz): items are captures or failures; only SourceError escapes."""
    for name in ("input.warc", "input.warc.gz"):
        path = Scratch.folder / name
        path.write_bytes(data)
        with contextlib.suppress(SourceError):
            for _ in iter_warc(str(path), max_bytes=MAX_BYTES):
                pass


def fuzz_extract(data: bytes) -> None:
    """Run relevance and extract on the text of the bytes; nothing may escape, evidence must quote the text."""
    text = data.decode("utf-8", "replace").replace("\x00", "")
    body = tuple(part.strip() for part in text.split("\n\n") if part.strip())
    if not body:
        return
    document = Document(
        id="fuzz",
        source="fuzz.txt",
        sha256="0" * 64,
        format="text",
        article=Article(title=body[0][:100], body=body),
        language=("en", "ko", "zh", None)[len(data) % 4],
    )
    extracted = extract_facts(relevance_stage(document, SETTINGS))
    for incident in extracted.incidents:
        for span in incident.evidence:
            if extracted.text[span.start : span.end] != span.text:
                raise AssertionError(f"evidence {span} does not quote the text")


FUZZERS: dict[str, Callable[[bytes], None]] = {"clean": fuzz_clean, "warc": fuzz_warc, "extract": fuzz_extract}


def one_input(targets: tuple[str, ...]) -> Callable[[bytes], None]:
    """The libFuzzer entry point: with several targets, the first byte picks one."""
    if len(targets) == 1:
        return FUZZERS[targets[0]]

    def run(data: bytes) -> None:
        if data:
            FUZZERS[targets[data[0] % len(targets)]](data[1:])

    return run


def seed_inputs(targets: tuple[str, ...]) -> list[bytes]:
    """The seed corpus of ``targets``, each input prefixed with its target's byte when there are several."""
    inputs = []
    for number, target in enumerate(targets):
        prefix = bytes([number]) if len(targets) > 1 else b""
        inputs += [prefix + path.read_bytes() for path in sorted((SEEDS / target).iterdir())]
    return inputs


def run_atheris(targets: tuple[str, ...], seconds: int, seed: int, work: Path) -> int:
    import atheris  # the [fuzz] extra; not every platform builds it

    corpus = work / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for number, data in enumerate(seed_inputs(targets)):
        (corpus / f"seed-{number}").write_bytes(data)
    atheris.instrument_all()  # coverage of every loaded module: ours, lxml's Python parts, trafilatura
    options = [f"-max_total_time={seconds}", f"-seed={seed}", f"-artifact_prefix={work}/", "-max_len=65536"]
    atheris.Setup([sys.argv[0], *options, str(corpus)], one_input(targets))
    atheris.Fuzz()  # exits the process: 0 when the budget ran out, non-zero on a crash
    return 0


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One random edit: flip, insert, delete, duplicate or cut a run of bytes."""
    buffer = bytearray(data or b"\x00")
    for _ in range(rng.randint(1, 8)):
        position = rng.randrange(len(buffer) or 1)
        choice = rng.randrange(5)
        if choice == 0 and buffer:
            buffer[position] = rng.randrange(256)
        elif choice == 1:
            buffer[position:position] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif choice == 2:
            del buffer[position : position + rng.randint(1, 64)]
        elif choice == 3:
            buffer[position:position] = buffer[position : position + rng.randint(1, 256)]
        else:
            del buffer[position:]
    return bytes(buffer)


def run_random(targets: tuple[str, ...], seconds: float, seed: int, work: Path) -> int:
    rng = random.Random(seed)
    seeds = seed_inputs(targets)
    entry = one_input(targets)
    deadline = time.monotonic() + seconds
    runs = 0
    while time.monotonic() < deadline:
        data = mutate(rng.choice(seeds), rng)
        try:
            entry(data)
        except Exception:
            crash = work / f"crash-{runs}"
            crash.write_bytes(data)
            traceback.print_exc()
            print(f"crash after {runs} inputs; input saved to {crash}", file=sys.stderr)
            return 1
        runs += 1
    print(f"{runs} inputs in {seconds:g} s, nothing escaped (targets: {', '.join(targets)}; seed {seed})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=(*TARGETS, "all"), default="all")
    parser.add_argument("--seconds", type=int, default=60, help="time budget [default: 60]")
    parser.add_argument("--engine", choices=("atheris", "random"), default="atheris")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, help="keep the grown corpus and crashes here")
    args = parser.parse_args(argv)
    targets = TARGETS if args.target == "all" else (args.target,)
    work = args.work or Path(tempfile.mkdtemp(prefix="redefection-fuzz-work-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        if args.engine == "atheris":
            return run_atheris(targets, args.seconds, args.seed, work)
        return run_random(targets, args.seconds, args.seed, work)
    finally:
        shutil.rmtree(Scratch.folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
