"""Models and providers as people know them: "GPT Image 2", "Black Forest Labs", "Built-in
renderer", never a catalog id or a provider slug. Pages read them through the `model_name` and
`provider_name` template filters (generation/templatetags/catalog_names.py)."""

from __future__ import annotations

from .data import CATALOG
from .models import Provider

PROVIDER_NAMES: dict[str, str] = {
    Provider.BUILTIN: "Built-in renderer",
    Provider.OPENAI: "OpenAI",
    Provider.BFL: "Black Forest Labs",
    Provider.GOOGLE: "Google",
    Provider.OPENAI_COMPATIBLE: "Your own server",
}


def model_name(model_id: str) -> str:
    """The catalog's display name; a model the catalog no longer has keeps its id, the only
    name left for it."""
    model = CATALOG.get(model_id)
    return model.display_name if model else model_id


def provider_name(provider: str) -> str:
    return PROVIDER_NAMES.get(provider, provider)
