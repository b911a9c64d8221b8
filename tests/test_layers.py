"""The layer rule, checked over the import graph of the source (README, "Layout"):

    gallery -> generation -> personas -> avatarapp (workspaces, keys)

A module may import its own layer and the layers below it, never one above. `catalog` (the model
catalog), `painter` (the built-in renderer's drawing) and `provenance` (Content Credentials) are
libraries: any layer may use them and they import no app. The project's composition root
(avatarapp's settings, urls, celery and server entry points) names every app and is outside the
rule. Two more rules keep the graph honest: no
module-level import cycle inside the project, and no project import inside a function (a function
import is how a cycle hides), except in an `AppConfig.ready`, where Django wants model imports.

Type-only imports (under `if TYPE_CHECKING:`) count: a type from a higher layer is still a
dependency on it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("avatarapp", "personas", "generation", "gallery")  # lowest first
LIBRARIES = ("catalog", "painter", "provenance")
COMPOSITION_ROOT = frozenset(
    {"avatarapp.settings", "avatarapp.urls", "avatarapp.celery", "avatarapp.wsgi", "avatarapp.asgi"}
)
PROJECT = LAYERS + LIBRARIES


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int
    in_function: str = ""  # the enclosing function's name, "" at module level


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(node: ast.ImportFrom, importer: str, is_package: bool) -> list[str]:
    """The modules an ImportFrom names: `from a import b` may import the module a.b or a name
    from a; both are dependencies on a, and a.b is listed when it is a module of the project."""
    if node.level:
        base = importer.split(".")
        if not is_package:
            base = base[:-1]
        base = base[: len(base) - (node.level - 1)]
        package = ".".join(base + ([node.module] if node.module else []))
    else:
        package = node.module or ""
    return [package] + [f"{package}.{alias.name}" for alias in node.names]


def imports_of(source: str, importer: str, *, is_package: bool = False) -> list[Import]:
    found: list[Import] = []

    def visit(node: ast.AST, function: str, ready: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = "ready" if ready and child.name == "ready" else child.name
                visit(child, function or inner, False)
                continue
            if isinstance(child, ast.ClassDef):
                visit(child, function, "AppConfig" in ast.unparse(child))
                continue
            if isinstance(child, ast.Import):
                names = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom):
                names = _absolute(child, importer, is_package)
            else:
                visit(child, function, ready)
                continue
            for name in names:
                if name.split(".")[0] in PROJECT:
                    found.append(Import(importer, name, child.lineno, function))

    visit(ast.parse(source), "", False)
    return found


def project_imports() -> list[Import]:
    found = []
    for top in PROJECT:
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            found += imports_of(
                path.read_text(), module_name(path), is_package=path.name == "__init__.py"
            )
    return found


def known_modules() -> set[str]:
    return {
        module_name(path)
        for top in PROJECT
        for path in (ROOT / top).rglob("*.py")
        if "migrations" not in path.parts
    }


def rank(module: str) -> int | None:
    """The layer's place from the bottom; None for a library."""
    top = module.split(".")[0]
    return LAYERS.index(top) if top in LAYERS else None


def upward(imp: Import) -> bool:
    if imp.importer in COMPOSITION_ROOT:
        return False
    importer_top, imported_top = imp.importer.split(".")[0], imp.imported.split(".")[0]
    if importer_top in LIBRARIES:
        return imported_top != importer_top
    mine, theirs = rank(imp.importer), rank(imp.imported)
    return mine is not None and theirs is not None and theirs > mine


def cycles(imports: list[Import], modules: set[str]) -> list[list[str]]:
    """Strongly connected groups of more than one module in the module-level import graph."""
    graph: dict[str, set[str]] = {module: set() for module in modules}
    for imp in imports:
        if not imp.in_function and imp.imported in modules and imp.imported != imp.importer:
            graph[imp.importer].add(imp.imported)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for neighbour in graph[node]:
            if neighbour not in index:
                connect(neighbour)
                low[node] = min(low[node], low[neighbour])
            elif neighbour in on_stack:
                low[node] = min(low[node], index[neighbour])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            connect(module)
    return groups


def describe(imports: list[Import]) -> list[str]:
    """One line per import statement and module (`from a import b` names a and a.b; a name that
    is not a module of the project is reported as its module)."""
    modules = known_modules()
    lines = []
    for i in imports:
        name = i.imported
        while name not in modules and "." in name:
            name = name.rsplit(".", 1)[0]
        line = f"{i.importer}:{i.line} imports {name}"
        if line not in lines:
            lines.append(line)
    return lines


def test_no_layer_imports_one_above_it() -> None:
    assert describe([i for i in project_imports() if upward(i)]) == []


def test_no_project_import_hides_in_a_function() -> None:
    hidden = [i for i in project_imports() if i.in_function and i.in_function != "ready"]
    assert describe(hidden) == []


def test_no_import_cycle() -> None:
    assert cycles(project_imports(), known_modules()) == []


# The checks themselves, on small made-up modules, so a rule that stopped seeing anything fails.


def test_an_upward_import_is_caught_in_every_spelling() -> None:
    spellings = [
        ("avatarapp.keys.views", "from generation.ledger import spent"),
        ("avatarapp.keys.views", "import generation.ledger"),
        ("personas.forms", "from generation import catalog_rows"),
        ("generation.views.jobs", "from gallery.query import images"),
        ("catalog.pricing", "from generation.providers.base import Usage"),
        ("painter.scene", "from personas.models import Style"),
        (
            "personas.models",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from generation.models import Image",
        ),
    ]
    for importer, source in spellings:
        assert any(upward(i) for i in imports_of(source, importer)), source


def test_downward_imports_and_the_composition_root_pass() -> None:
    allowed = [
        ("generation.pipeline", "from personas.models import Persona"),
        ("gallery.query", "from generation.models import Image"),
        ("personas.forms", "from catalog import get_model"),
        ("personas.views.looks", "from painter.portrait import render_portrait"),
        ("avatarapp.urls", "from gallery import urls"),
        ("catalog.pricing", "from .usage import Usage"),
    ]
    for importer, source in allowed:
        assert not any(upward(i) for i in imports_of(source, importer)), source


def test_relative_imports_resolve_to_their_package() -> None:
    found = imports_of("from ..models import Image\nfrom . import tiles", "generation.views.jobs")
    assert {i.imported for i in found} >= {"generation.models", "generation.views.tiles"}
    in_package = imports_of("from .data import CATALOG", "catalog", is_package=True)
    assert "catalog.data" in {i.imported for i in in_package}


def test_a_function_import_is_caught_and_ready_is_allowed() -> None:
    source = (
        "def sweep():\n    from generation.tasks import run\n"
        "class GenerationConfig(AppConfig):\n    def ready(self):\n"
        "        from generation.models import Image\n"
    )
    found = imports_of(source, "generation.sweeper")
    assert [(i.imported, i.in_function) for i in found] == [
        ("generation.tasks", "sweep"),
        ("generation.tasks.run", "sweep"),
        ("generation.models", "ready"),
        ("generation.models.Image", "ready"),
    ]


def test_a_cycle_is_found() -> None:
    imports = imports_of("from generation import pipeline", "generation.tasks") + imports_of(
        "from generation.tasks import run", "generation.pipeline"
    )
    modules = {"generation.tasks", "generation.pipeline", "generation.models"}
    assert cycles(imports, modules) == [["generation.pipeline", "generation.tasks"]]
