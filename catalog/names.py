"""Models as people know them: "GPT Image 2", never a catalog id. Pages read them through the
`model_name` template filter (generation/templatetags/catalog_names.py); providers' names are
the provider registry's (generation.providers.registry.display_name)."""

from __future__ import annotations

from .data import CATALOG


def model_name(model_id: str) -> str:
    """The catalog's display name; a model the catalog no longer has keeps its id, the only
    name left for it."""
    model = CATALOG.get(model_id)
    return model.display_name if model else model_id
