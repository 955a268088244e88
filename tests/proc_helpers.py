"""Run the real ``redefection`` command in a subprocess, and write pages to feed it.

``run_cli`` reports the child's peak resident memory (``getrusage`` of a small
wrapper process, so earlier children of the test process do not count).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

# The wrapper runs the command as its only child and prints that child's peak RSS (KiB on Linux).
WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "sys.stderr.write(f'\\nPEAK_RSS_KB {peak}\\n')\n"
    "sys.exit(code)\n"
)
WORDS = (
    "river", "border", "village", "market", "winter", "harvest", "teacher", "factory", "school", "train",
    "station", "bridge", "farmer", "road", "mountain", "festival", "council", "museum", "library", "harbour",
    "island", "weather", "storm", "garden", "bakery", "doctor", "nurse", "student", "bicycle", "painter",
    "concert", "orchestra", "recipe", "kitchen", "window", "morning", "evening", "summer", "autumn", "forest",
    "lantern", "ferry", "tunnel", "engineer", "drawing", "chapter", "novel", "poem", "stadium", "runner", "coach",
    "season", "ticket", "parade",
)  # fmt: skip
PLACES = ("Ganghwa", "Gimpo", "Paju", "Yeoncheon", "Cheorwon", "Goseong", "Inje", "Hwacheon")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Result:
    code: int
    stdout: str
    stderr: str
    peak_rss_mb: float


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for a child run: no REDEFECTION_* settings from the caller, plain output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REDEFECTION_")}
    env.update({"COLUMNS": "200", "NO_COLOR": "1", **extra})
    return env


def cli_command(*args: str | bytes) -> list[str | bytes]:
    return [sys.executable, "-m", "redefection", *args]


def run_cli(*args: str | bytes, cwd: Path | None = None, timeout: float = 240, **env: str) -> Result:
    """Run ``redefection ARGS`` to the end; its exit code, output and peak memory."""
    command = [sys.executable, "-c", WRAPPER, *cli_command(*args)]
    done = subprocess.run(command, capture_output=True, cwd=cwd, env=cli_env(**env), timeout=timeout, check=False)
    stderr = done.stderr.decode("utf-8", "replace")
    lines = [line for line in stderr.splitlines() if line.startswith("PEAK_RSS_KB ")]
    peak = int(lines[-1].split()[1]) / 1024 if lines else 0.0
    stderr = "\n".join(line for line in stderr.splitlines() if not line.startswith("PEAK_RSS_KB ")).rstrip()
    return Result(done.returncode, done.stdout.decode("utf-8", "replace"), stderr, peak)


RELEVANT_LEAD = (
    "<p>A defector who had settled in the South in 2019 went back to North Korea last week, "
    "the unification ministry said on Monday.</p>"
)


def page_html(number: int, *, relevant: bool = False) -> bytes:
    """A small distinct news page (its body differs for every ``number``); ``relevant`` adds a re-defection lead."""
    lead = RELEVANT_LEAD if relevant else ""
    body = f"<article>{lead}{_paragraphs(number)}</article>"
    return f"<html><head><title>Report {number}</title></head><body>{body}</body></html>".encode()


def _paragraphs(number: int) -> str:
    # Seeded random prose: pages this different are not near copies, so clustering stays cheap.
    rng = random.Random(number)
    paragraphs = []
    for _ in range(3):
        sentences = []
        for _ in range(4):
            words = rng.sample(WORDS, 12)
            sentences.append(" ".join(words).capitalize() + ".")
        paragraphs.append(f"<p>{' '.join(sentences)}</p>")
    lead = (
        f"<p>Officials in {PLACES[number % 8]} said on {DAYS[number % 7]} the report numbered {number} was filed.</p>"
    )
    return f"<h1>Report number {number}</h1>{lead}{''.join(paragraphs)}"


def write_pages(folder: Path, count: int, start: int = 0) -> list[Path]:
    """``count`` distinct pages ``page-NNNN.html`` in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(start, start + count):
        path = folder / f"page-{number:04d}.html"
        path.write_bytes(page_html(number))
        paths.append(path)
    return paths
