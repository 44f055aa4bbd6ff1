"""The package's stages import one way only: commands -> live / browser -> site -> dialect -> config -> assets,
errors; and no module imports itself back through others."""

from __future__ import annotations

import ast
from pathlib import Path

from projects import REPO

PACKAGE = REPO / "src" / "deckgen"
# A stage may import its own modules and those of lower stages; live and browser are peers that never meet.
RANK = {"errors": 0, "": 0, "assets": 1, "config": 2, "dialect": 3, "site": 4, "importer": 4, "browser": 5, "live": 5,
        "commands": 6, "cli": 7, "__main__": 8}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _imports(path: Path) -> set[str]:
    """Every deckgen module a file imports, at top level or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("deckgen"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("deckgen"):
            found.add(node.module)
            # `from deckgen.config import schema` imports the module deckgen.config.schema
            found.update(f"{node.module}.{alias.name}" for alias in node.names
                         if (PACKAGE.parent / f"{node.module}.{alias.name}".replace(".", "/")).with_suffix(".py").exists())
    return found


def _graph() -> dict[str, set[str]]:
    return {_module_name(path): _imports(path) for path in sorted(PACKAGE.rglob("*.py"))}


def layering_violations(graph: dict[str, set[str]]) -> list[str]:
    """Imports that go from a stage to a higher one, or sideways between peers."""
    wrong = []
    for module, imports in graph.items():
        here = _stage(module)
        for target in sorted(imports):
            there = _stage(target)
            if there == here or target == "deckgen":
                continue
            if there not in RANK or here not in RANK:
                wrong.append(f"{module} -> {target}: a stage the layering test does not know")
            elif RANK[there] >= RANK[here]:
                wrong.append(f"{module} ({here or 'top'}) imports {target} ({there or 'top'})")
    return wrong


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Import cycles between modules (each reported once, from its smallest module)."""
    found: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        for target in sorted(graph.get(node, ())):
            if target == path[0]:
                found.append([*path, target])
            elif target not in path and target > path[0]:
                visit(target, [*path, target])

    for start in sorted(graph):
        visit(start, [start])
    return found


def test_the_stages_are_packages() -> None:
    stages = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
    assert stages == ["assets", "browser", "commands", "config", "dialect", "importer", "live", "site"]
    for stage in stages:
        doc = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text()))
        assert doc and " in" in doc and " out" in doc, f"{stage}/__init__.py must say what goes in and comes out"


def test_imports_run_one_way() -> None:
    assert layering_violations(_graph()) == []


def test_no_import_cycles() -> None:
    assert cycles(_graph()) == []


def test_the_checks_can_fail() -> None:
    graph = {
        "deckgen.dialect.split": {"deckgen.site.plan"},  # upward
        "deckgen.live.watch": {"deckgen.browser.chromium"},  # sideways between peers
        "deckgen.site.plan": {"deckgen.site.pages"},
        "deckgen.site.pages": {"deckgen.site.plan"},  # a cycle inside one stage
    }
    assert layering_violations(graph) == [
        "deckgen.dialect.split (dialect) imports deckgen.site.plan (site)",
        "deckgen.live.watch (live) imports deckgen.browser.chromium (browser)",
    ]
    assert cycles(graph) == [["deckgen.site.pages", "deckgen.site.plan", "deckgen.site.pages"]]
