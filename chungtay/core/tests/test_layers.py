"""The apps' layers hold without hidden imports (docs/architecture.md, issue 23).

import-linter (`make layers`, .importlinter) checks the order of the layers. These tests read every
module's syntax tree for what it cannot say: which imports sit inside a function body, and whether
the apps, counting those imports too, import one another in a cycle. Tests and migrations are left
out; imports under `if TYPE_CHECKING:` never run and do not count.
"""

from __future__ import annotations

import ast
import configparser
import itertools
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import chungtay

PACKAGE = Path(chungtay.__file__).parent
APPS = frozenset(p.name for p in PACKAGE.iterdir() if (p / "apps.py").exists())

# Function-level imports of another app that stay, each with its reason: (importing module, app).
FUNCTION_LEVEL: dict[tuple[str, str], str] = {
    ("chungtay.funds.apps", "core"): "AppConfig.ready() fills core.backup.AFTER_RESTORE and registers its import "
    "adapter (core.imports) once the models are loaded",
    ("chungtay.housing.apps", "core"): "AppConfig.ready() registers its import adapter (core.imports) once the models "
    "are loaded",
    ("chungtay.orgunits.apps", "core"): "AppConfig.ready() registers its import adapter (core.imports) once the "
    "models are loaded",
}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    path: Path
    line: int
    target: str  # the imported module (or package)
    in_function: bool

    @property
    def app(self) -> str | None:
        return _app(self.module)

    @property
    def target_app(self) -> str | None:
        return _app(self.target)

    def __str__(self) -> str:
        return f"{self.path.relative_to(PACKAGE.parent)}:{self.line} imports {self.target}"


def _app(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "chungtay" and parts[1] in APPS else None


def _is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class _Collector(ast.NodeVisitor):
    def __init__(self, module: str, path: Path) -> None:
        self.module, self.path = module, path
        self.package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        self.depth = 0
        self.found: list[Import] = []

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_If(self, node: ast.If) -> None:
        if _type_checking(node.test):
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def _add(self, target: str, node: ast.stmt) -> None:
        self.found.append(Import(self.module, self.path, node.lineno, target, self.depth > 0))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name, node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self.package.split(".")
            base = base[: len(base) - node.level + 1]
            source = ".".join(base + ([node.module] if node.module else []))
        else:
            source = node.module or ""
        for alias in node.names:  # `from chungtay.tallies import catalogue` imports the module catalogue
            name = f"{source}.{alias.name}"
            self._add(name if _is_module(name) else source, node)


@cache
def _imports() -> tuple[Import, ...]:
    found: list[Import] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if "tests" in parts or "migrations" in parts:
            continue
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        collector = _Collector(module, path)
        collector.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        found.extend(collector.found)
    return tuple(found)


def _across_apps() -> list[Import]:
    return [i for i in _imports() if i.app and i.target_app and i.app != i.target_app]


def _graph() -> dict[tuple[str, str], list[Import]]:
    edges: dict[tuple[str, str], list[Import]] = {}
    for imp in _across_apps():
        edges.setdefault((imp.app, imp.target_app), []).append(imp)  # type: ignore[arg-type]
    return edges


def _cycle(edges: set[tuple[str, str]]) -> list[str] | None:
    """One cycle of the graph (its apps, the first repeated at the end), or None."""
    after: dict[str, list[str]] = {}
    for a, b in sorted(edges):
        after.setdefault(a, []).append(b)
    state: dict[str, str] = {}  # "open" while on the path, "done" once every path from it is seen
    path: list[str] = []

    def visit(app: str) -> list[str] | None:
        state[app] = "open"
        path.append(app)
        for nxt in after.get(app, []):
            if state.get(nxt) == "open":
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[app] = "done"
        return None

    for app in sorted(after):
        if app not in state and (found := visit(app)):
            return found
    return None


def test_the_walk_sees_every_app_and_imports_inside_functions():
    assert {i.app for i in _imports()} == APPS
    assert len(APPS) >= 10
    # figures.apps imports its definitions inside ready(); a walk that missed function bodies would not see it
    assert any(i.in_function and i.module == "chungtay.figures.apps" for i in _imports())


def test_no_function_level_import_of_another_app_outside_the_short_list():
    listed = FUNCTION_LEVEL.keys()
    unexplained = sorted({str(i) for i in _across_apps() if i.in_function and (i.module, i.target_app) not in listed})
    assert not unexplained, (
        "Imports of another app inside a function hide a dependency (docs/architecture.md): move each to the "
        "top of its module, or move the code it needs down a layer; where one must stay, add it to "
        "FUNCTION_LEVEL with its reason.\n" + "\n".join(unexplained)
    )
    still = {(i.module, i.target_app) for i in _across_apps() if i.in_function}
    stale = sorted(listed - still)
    assert not stale, f"These function-level imports are gone; remove them from the lists: {stale}"


def _layer_of() -> dict[str, int]:
    """Each app's layer in .importlinter's contract, 0 for the lowest."""
    config = configparser.ConfigParser()
    config.read(PACKAGE.parent / ".importlinter", encoding="utf-8")
    layers = [line for line in config["importlinter:contract:layers"]["layers"].splitlines() if line.strip()]
    return {
        name.strip().removeprefix("chungtay."): len(layers) - 1 - rank
        for rank, line in enumerate(layers)
        for name in line.split("|")
    }


def test_every_app_has_its_layer():
    assert set(_layer_of()) == APPS


def test_apps_import_one_another_without_a_cycle():
    graph = _graph()
    cycle = _cycle(set(graph))
    if cycle:
        steps = [f"  {a} → {b}: " + "; ".join(str(i) for i in graph[(a, b)][:3]) for a, b in itertools.pairwise(cycle)]
        raise AssertionError("The apps import one another in a cycle: " + " → ".join(cycle) + "\n" + "\n".join(steps))


def test_the_cycle_finder_names_a_cycle_and_passes_a_layered_graph():
    assert _cycle({("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")}) == ["a", "b", "c", "a"]
    assert _cycle({("api", "portal"), ("portal", "core"), ("api", "core")}) is None
