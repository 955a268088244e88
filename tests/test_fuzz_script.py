"""``benchmarks/fuzz.py`` keeps working: a few seconds of its seeded random engine (atheris is the [fuzz] extra)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "fuzz_seeds"


def test_every_target_has_a_seed_corpus() -> None:
    for target in ("clean", "warc", "extract"):
        assert sorted((SEEDS / target).iterdir()), target


@pytest.mark.parametrize("target", ["clean", "warc", "extract", "all"])
def test_fuzz_script_runs_for_its_budget_and_nothing_escapes(target: str, tmp_path: Path) -> None:
    command = [sys.executable, str(ROOT / "benchmarks" / "fuzz.py"), "--engine", "random", "--seconds", "3"]
    result = subprocess.run(
        [*command, "--target", target, "--work", str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "nothing escaped" in result.stdout
