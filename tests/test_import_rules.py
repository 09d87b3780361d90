"""The house's import rules, read from the source (no module is run):

* the runtime — ``read``, ``classify``, ``analyze``, ``report``, ``write`` and the shared
  modules (``model``, ``labels``, ``sentiment``, ``errors``, ``signals``, ``pipeline``) —
  never imports ``discourse.lab`` (research code, not in the wheel) or the tests, and no
  module of the package imports the test helpers (``tests/support``);
* no stage imports a later one: read → classify → analyze → report / write;
* there is no import cycle between modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.paths import PROJECT

PACKAGE = PROJECT / "discourse"
#: Pipeline order: a module may import its own stage and earlier ones.
STAGES = ("read", "classify", "analyze", "report", "write")
SHARED = ("model", "labels", "sentiment", "errors", "signals", "atomic", "cells")


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every ``discourse…`` module ``path`` imports (at any depth, lazily or not)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    inside = path.is_relative_to(PACKAGE)
    package = "" if not inside else (_module(path) if path.name == "__init__.py"
                                     else _module(path).rpartition(".")[0])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] in ("discourse",
                                                                                 "tests"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                name = f"{base}.{node.module}" if node.module else base
            else:
                name = node.module or ""
            if name.split(".")[0] in ("discourse", "tests"):
                submodules = {f"{name}.{a.name}" for a in node.names
                              if _is_module(f"{name}.{a.name}")}
                found.update(submodules)
                if len(submodules) < len(node.names):  # names defined in ``name`` itself
                    found.add(name)
    return found


def _is_module(name: str) -> bool:
    path = PACKAGE.parent / name.replace(".", "/")
    return path.is_dir() or path.with_suffix(".py").is_file()


MODULES = {_module(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _stage(m) != "lab"
                                          and m not in ("discourse.cli", "discourse.__main__")))
def test_runtime_never_imports_research_or_tests(module):
    bad = sorted(i for i in _imports(MODULES[module])
                 if i == "discourse.lab" or i.startswith(("discourse.lab.", "tests")))
    assert not bad, f"{module} imports {bad}"


def test_no_module_of_the_package_imports_the_test_helpers():
    """The test helpers are ``tests/support`` (outside the wheel; ``discourse.testing`` is
    gone): no module of the package, the CLI and the research code included, imports them."""
    assert not (PACKAGE / "testing").exists()
    bad = {m: found for m, p in MODULES.items()
           if (found := sorted(i for i in _imports(p)
                               if i.split(".")[0] == "tests" or i.startswith("discourse.testing")))}
    assert bad == {}


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _stage(m) in STAGES))
def test_no_stage_imports_a_later_stage(module):
    mine = STAGES.index(_stage(module))
    later = sorted(i for i in _imports(MODULES[module])
                   if _stage(i) in STAGES and STAGES.index(_stage(i)) > mine)
    assert not later, f"{module} imports later stages: {later}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _stage(m) in SHARED
                                          or m.split(".")[-1] in SHARED))
def test_shared_modules_import_no_stage(module):
    stages = sorted(i for i in _imports(MODULES[module]) if _stage(i) in (*STAGES, "lab"))
    assert not stages, f"{module} (shared by every stage) imports {stages}"


def test_no_import_cycle():
    graph = {m: {i for i in _imports(p) if i in MODULES and i != m} for m, p in MODULES.items()}
    # a package's __init__ re-exporting its submodules is not a cycle of code
    done: set[str] = set()
    stack: list[str] = []

    def visit(node: str) -> None:
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt in stack:
                cycle = stack[stack.index(nxt):] + [nxt]
                if not all(c == m or c.startswith(m + ".") or m.startswith(c + ".")
                           for c, m in zip(cycle, cycle[1:], strict=False)):
                    pytest.fail("import cycle: " + " -> ".join(cycle))
            elif nxt not in done:
                visit(nxt)
        stack.pop()
        done.add(node)

    for module in sorted(graph):
        if module not in done:
            visit(module)


def test_the_rules_see_imports(tmp_path):
    """The reader of imports finds lazy and relative imports, and the cycle search finds
    a cycle (the rules above could otherwise pass by seeing nothing)."""
    assert "discourse.classify.pairs" in _imports(MODULES["discourse.classify.base"])
    assert any(i.startswith("discourse.lab.") for i in _imports(MODULES["discourse.cli"]))
    lazy = tmp_path / "m.py"
    lazy.write_text("def f():\n    from discourse.lab import train\n    from . import x\n")
    assert "discourse.lab.train" in _imports(lazy) or "discourse.lab" in _imports(lazy)
