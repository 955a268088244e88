"""Print the import cycles among redefection's modules (module-level imports only).

    python benchmarks/import_cycles.py            # one line per cycle; exit code 1 if any
    python benchmarks/import_cycles.py --edges    # also print every module-level import edge
    python benchmarks/import_cycles.py --deferred # count imports inside functions too
    python benchmarks/import_cycles.py --src ../other-checkout/src   # another tree

An edge ``a -> b`` is an ``import`` or ``from ... import`` at module level of ``a``
naming module ``b`` of the package (``from . import x`` names ``x`` when it is a
module). Imports inside functions and under ``if TYPE_CHECKING:`` do not run at
import time, so they are left out: they are how a module reaches one that would
otherwise import it back. Reads the source only; nothing is imported.
tests/test_architecture.py asserts the list is empty.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

PACKAGE = "redefection"
SRC = Path(__file__).resolve().parent.parent / "src"


def module_files(src: Path = SRC) -> dict[str, Path]:
    """Map each module's dotted name to its file (a package is its ``__init__.py``)."""
    modules: dict[str, Path] = {}
    for path in sorted((src / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _module_level_imports(tree: ast.Module, deferred: bool = False) -> list[ast.Import | ast.ImportFrom]:
    """Imports that run when the module is imported: top level, and inside module-level if/try/with blocks.

    With ``deferred``, every import in the file, including those inside functions and TYPE_CHECKING blocks.
    """
    if deferred:
        return [node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)]
    found: list[ast.Import | ast.ImportFrom] = []
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                pending.extend(node.body)
            pending.extend(node.orelse)
        elif isinstance(node, ast.Try):
            pending.extend([*node.body, *node.orelse, *node.finalbody])
            for handler in node.handlers:
                pending.extend(handler.body)
        elif isinstance(node, ast.With):
            pending.extend(node.body)
    return found


def import_edges(src: Path = SRC, deferred: bool = False) -> dict[str, set[str]]:
    """Each module's module-level imports of other modules of the package.

    A module's own parent packages are left out: Python imports them before the module
    itself, so ``from .. import __version__`` or ``from . import sibling`` is no cycle.
    """
    modules = module_files(src)
    edges: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        package = name if is_package else name.rpartition(".")[0]
        for node in _module_level_imports(ast.parse(path.read_text(encoding="utf-8"), str(path)), deferred):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                if node.level:
                    base_parts = package.split(".")
                    base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                    base = ".".join(base_parts + ([node.module] if node.module else []))
                else:
                    base = node.module or ""
                targets.append(base)
                targets.extend(f"{base}.{alias.name}" for alias in node.names)
            for target in targets:
                if target in modules and target != name and not name.startswith(target + "."):
                    edges[name].add(target)
    return edges


def find_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(components)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", action="store_true", help="also print every module-level import edge")
    parser.add_argument(
        "--deferred", action="store_true", help="count imports inside functions and TYPE_CHECKING blocks too"
    )
    parser.add_argument("--src", type=Path, default=SRC, help="the src/ folder to read (default: this repo's)")
    args = parser.parse_args(argv)
    edges = import_edges(args.src, deferred=args.deferred)
    if args.edges:
        for name in sorted(edges):
            for target in sorted(edges[name]):
                print(f"{name} -> {target}")
    cycles = find_cycles(edges)
    for cycle in cycles:
        inner = [f"{a} -> {b}" for a in cycle for b in sorted(edges[a]) if b in cycle]
        print(f"cycle ({len(cycle)} modules): {', '.join(cycle)}")
        for edge in inner:
            print(f"    {edge}")
    print(f"{len(edges)} modules, {sum(len(t) for t in edges.values())} import edges, {len(cycles)} cycle(s)")
    return 1 if cycles else 0


if __name__ == "__main__":
    sys.exit(main())
