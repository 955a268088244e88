"""``docs/reliability.md`` stays current: every test it names exists, and every reliability test is named."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "reliability.md"
# Modules whose every test must appear in the table.
RELIABILITY_MODULES = (
    "test_hostile_input.py",
    "test_hypothesis_inputs.py",
    "test_faults.py",
    "test_concurrency.py",
    "test_backup.py",
    "test_migrations.py",
    "test_fuzz_script.py",
)
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")
RESULTS = ("pass", "xfail", "pending issue 5")


def _rows() -> list[list[str]]:
    rows = []
    for line in DOC.read_text("utf-8").splitlines():
        if line.startswith("|") and not line.startswith("|---") and not line.startswith("| threat"):
            rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return rows


def _tests(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


def test_every_row_has_a_threat_a_test_and_a_result() -> None:
    rows = _rows()
    assert len(rows) > 20
    for threat, test, result in rows:
        assert threat, (threat, test)
        assert result.startswith(RESULTS), (threat, result)
        if result.startswith("pending"):
            assert test == "—", threat
        else:
            assert REFERENCE.search(test), (threat, test)


def test_every_named_test_exists() -> None:
    for path, name in REFERENCE.findall(DOC.read_text("utf-8")):
        assert name in _tests(ROOT / path), f"{path}::{name} is named in docs/reliability.md but does not exist"


def test_every_reliability_test_is_in_the_table() -> None:
    named = set(REFERENCE.findall(DOC.read_text("utf-8")))
    for module in RELIABILITY_MODULES:
        for name in _tests(ROOT / "tests" / module):
            assert (f"tests/{module}", name) in named, f"tests/{module}::{name} is missing from docs/reliability.md"


def test_xfail_rows_match_xfail_marks() -> None:
    # A row says xfail exactly when its test is marked xfail; fixing a bug means updating both.
    source = {module: (ROOT / "tests" / module).read_text("utf-8") for module in RELIABILITY_MODULES}
    for _, test, result in _rows():
        for path, name in REFERENCE.findall(test):
            text = source.get(Path(path).name)
            if text is None:
                continue
            before = text[: text.index(f"def {name}(")]
            marked = "xfail" in before[before.rfind("\n\n\n") :]
            if result.startswith("xfail"):
                assert marked, f"{name}: the table says xfail, the test is not marked"
            else:
                assert not marked, f"{name}: marked xfail, the table says {result.split(':')[0]}"
