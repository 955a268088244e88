"""The package's shape: no module imports one that imports it back (``benchmarks/import_cycles.py`` lists them)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("import_cycles", ROOT / "benchmarks" / "import_cycles.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("import_cycles", module)
    spec.loader.exec_module(module)
    return module


def test_no_import_cycle_among_module_level_imports() -> None:
    checker = _checker()
    edges = checker.import_edges()
    assert edges.get("redefection.pipeline")  # the scan found the package
    assert checker.find_cycles(edges) == []


def test_no_import_cycle_even_through_imports_inside_functions() -> None:
    # A lazy import dodges a cycle at import time but still ties two modules together both ways.
    checker = _checker()
    assert checker.find_cycles(checker.import_edges(deferred=True)) == []


def test_the_checker_finds_a_cycle_it_is_shown(tmp_path: Path) -> None:
    checker = _checker()
    package = tmp_path / "redefection"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from .sub import b\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..c import C\n"
        "def later():\n    from .. import c\n"
    )
    (package / "c.py").write_text("from . import a\n")
    assert checker.find_cycles(checker.import_edges(tmp_path)) == []
    assert checker.find_cycles(checker.import_edges(tmp_path, deferred=True)) == [
        ["redefection.a", "redefection.c", "redefection.sub.b"]
    ]


def test_stages_import_neither_the_pipeline_nor_the_store_cli_web_or_app() -> None:
    edges = _checker().import_edges(deferred=True)
    for stage_module in ("redefection.relevance", "redefection.extract"):
        assert "redefection.pipeline" not in edges[stage_module]
    outer = ("redefection.store", "redefection.cli", "redefection.web", "redefection.app")
    stage_edges = [
        (module, target)
        for module, targets in edges.items()
        if module.startswith(("redefection.clean", "redefection.extract", "redefection.relevance"))
        for target in targets
        if target.startswith(outer)
    ]
    assert stage_edges == []
