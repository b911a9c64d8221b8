"""avatarapp.keys stores and opens secrets and knows nothing of providers (ARCHITECTURE.md,
"Layers point one way"): it imports nothing from generation or the catalog, and no provider's
name, key prefix or region appears in its code. Everything about a provider is its registry entry
(generation.providers.registry), so a new provider never touches this app."""

from __future__ import annotations

import ast
from pathlib import Path

from generation.providers.registry import ENTRIES

KEYS_APP = Path(__file__).resolve().parents[2] / "avatarapp" / "keys"


def _modules() -> list[Path]:
    # Migrations are history: 0001 names the providers the app once listed.
    return [p for p in KEYS_APP.rglob("*.py") if "migrations" not in p.parts]


def _literals(path: Path) -> list[str]:
    """The file's string literals, docstrings left out (prose may mention a provider)."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        if id(node) not in docstrings
    ]


def test_the_keys_app_imports_neither_generation_nor_the_catalog() -> None:
    imported = {}
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported[node.module] = path.name
            elif isinstance(node, ast.Import):
                imported.update({alias.name: path.name for alias in node.names})
    upward = {m: f for m, f in imported.items() if m.split(".")[0] in ("generation", "catalog")}
    assert upward == {}


def test_no_provider_name_key_prefix_or_region_is_written_in_the_keys_app() -> None:
    names = {e.name for e in ENTRIES} | {e.display_name for e in ENTRIES}
    names |= {e.key.name for e in ENTRIES if e.key} | {r.slug for e in ENTRIES for r in e.regions}
    prefixes = {p for e in ENTRIES if e.key for p in (e.key.prefix, e.key.mask_prefix) if p}
    found = [
        f"{path.name}: {text!r}"
        for path in _modules()
        for text in _literals(path)
        if any(name == text or name in text.split() for name in names)
        or any(prefix in text for prefix in prefixes)
    ]
    assert found == []
