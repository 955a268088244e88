#!/usr/bin/env python3
"""Cold start: whole-process time of one-file commands, beside trafilatura's command line on the same file.

    python benchmarks/startup_benchmark.py [--runs 7] [--page PATH]

Times, as whole processes (fork to exit, the child's user + system CPU from
the kernel's accounting, and the wall clock), interleaved run by run so a
change in the machine's load touches every command alike:
  * ``trafilatura < PAGE`` (the anchor: the smallest useful run of an extractor);
  * ``redefection extract PAGE --out DIR`` (clean, relevance, extract of one page);
  * ``redefection scan TWO.warc.gz --db NEW.db --workers 1`` and with the default
    workers (one per core): the fixed cost of a scan, on an archive of two records
    into a new (already migrated) store;
  * ``python -c "import redefection.cli"``: the imports every command pays.
Prints each command's median CPU and wall seconds and its ratio to the anchor
(median of the run-by-run ratios). One warm-up run of each is not counted.
The page defaults to tests/data/page-en.html (a page we wrote); nothing here
reads ../shared.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_PAGE = ROOT / "tests" / "data" / "page-en.html"


def two_record_archive(page: Path, target: Path) -> Path:
    """A per-record gzip WARC holding ``page`` twice, under two URLs."""
    payload = page.read_bytes()
    parts = []
    for number in (1, 2):
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n" % len(payload)
        block = http + payload
        head = (
            f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-{number:012d}>\r\n"
            f"WARC-Date: 2024-03-01T09:30:00Z\r\nWARC-Target-URI: https://news.example/{number}\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(block)}\r\n\r\n"
        ).encode()
        parts.append(gzip.compress(head + block + b"\r\n\r\n"))
    target.write_bytes(b"".join(parts))
    return target


# An installed package runs from compiled bytecode: the warm-up round writes it even where the caller's
# environment says not to, so no counted run pays for compiling the sources.
CHILD_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def run(command: list[str], stdin: Path | None = None) -> tuple[float, float]:
    """(CPU, wall) seconds of ``command`` as one process tree, from fork to exit."""
    start = time.perf_counter()
    with open(stdin or os.devnull, "rb") as source:
        process = subprocess.Popen(
            command, stdin=source, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=CHILD_ENV
        )
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} exited {process.returncode}")
    # wait4 reports the child's usage with that of the descendants it waited for (scan's workers).
    return usage.ru_utime + usage.ru_stime, wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="counted runs of each command [7]")
    parser.add_argument("--page", type=Path, default=DEFAULT_PAGE, help="the page to extract [tests/data/page-en.html]")
    args = parser.parse_args(argv)
    trafilatura = shutil.which("trafilatura")
    if trafilatura is None:
        print("skipped: the trafilatura command is not installed")
        return 0
    with tempfile.TemporaryDirectory(prefix="rf-startup-") as tmp:
        folder = Path(tmp)
        archive = two_record_archive(args.page, folder / "two.warc.gz")
        python = sys.executable
        template, db = folder / "empty.db", folder / "scan.db"
        subprocess.run(
            [python, "-c", f"from redefection.store import open_store; open_store({str(template)!r}).close()"],
            check=True,
        )
        scan = [python, "-m", "redefection", "scan", str(archive), "--db", str(db)]
        commands: dict[str, tuple[list[str], Path | None]] = {
            "trafilatura < PAGE (anchor)": ([trafilatura], args.page),
            "import redefection.cli": ([python, "-c", "import redefection.cli"], None),
            "redefection extract PAGE": ([python, "-m", "redefection", "extract", str(args.page), "--out", tmp], None),
            "redefection scan (2 records, 1 worker)": ([*scan, "--workers", "1"], None),
            "redefection scan (2 records, default workers)": (scan, None),
        }
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for counted in [False] + [True] * args.runs:  # one warm-up round: the file cache, bytecode
            for name, (command, stdin) in commands.items():
                shutil.copyfile(template, db)  # a new, migrated store: a scan skips archives it finished
                figures = run(command, stdin)
                if counted:
                    times[name].append(figures)
    anchor = times["trafilatura < PAGE (anchor)"]
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; page {args.page.name}; ")
    print(
        f"whole processes, median of {args.runs} interleaved runs after one warm-up; ratio: median of run-by-run ratios"
    )
    print(f"{'command':46} {'CPU s':>7} {'wall s':>7} {'CPU / anchor':>13} {'wall / anchor':>14}")
    for name, values in times.items():
        cpu = statistics.median(c for c, _ in values)
        wall = statistics.median(w for _, w in values)
        cpu_ratio = statistics.median(c / a for (c, _), (a, _) in zip(values, anchor, strict=True))
        wall_ratio = statistics.median(w / a for (_, w), (_, a) in zip(values, anchor, strict=True))
        print(f"{name:46} {cpu:7.2f} {wall:7.2f} {cpu_ratio:13.2f} {wall_ratio:14.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
