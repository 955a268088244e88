"""``benchmarks/fuzz.py`` keeps working: a few seconds of its seeded random engine (atheris is the [fuzz] extra)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "fuzz_seeds"


def test_every_target_has_a_seed_corpus() -> None:
    for target in ("clean", "warc", "extract"):
        assert sorted((SEEDS / target).iterdir()), target


def test_fuzz_script_runs_for_its_budget_and_nothing_escapes(tmp_path: Path) -> None:
    # "all": the first byte of each input picks clean, warc or extract.
    command = [sys.executable, str(ROOT / "benchmarks" / "fuzz.py"), "--engine", "random", "--seconds", "4"]
    result = subprocess.run(
        [*command, "--target", "all", "--work", str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "nothing escaped" in result.stdout
