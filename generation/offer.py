"""The models the Generate page offers, as tiles grouped by provider: what each is good at, what an
image costs at the chosen settings, how long one usually takes, and whether this member can run
it (a usable key for its provider, or the built-in renderer, and a model its provider's own list
still names). Plain Python over the catalog: the facts from the database (usable providers, the
workspace's own medians, the models its lists dropped) come in as values.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import NamedTuple

from django.utils import timezone

from catalog import (
    CatalogError,
    CatalogModel,
    Family,
    UnsupportedParamsError,
    available_models,
    estimate,
    resolve_params,
)
from generation.batch_wording import duration, money
from generation.providers.registry import ENTRIES, REGISTRY


class Settings(NamedTuple):
    """The batch settings a price depends on, in the user vocabulary."""

    aspect_ratio: str
    resolution: str
    quality: str


def generatable_models() -> list[CatalogModel]:
    """Available models we have an adapter for. Imagen spoke Google's `:predict` protocol and was
    shut down on 2026-08-17 (catalog/data/google.py): its entries keep old costs explained and
    are never offered, whatever the date."""
    today = timezone.now().date()
    return [m for m in available_models(today) if m.family != Family.IMAGEN]


def dom_id(model_id: str) -> str:
    """An element id for a model's tile parts ("gpt-image-2.5-flare" has dots)."""
    return "model-" + model_id.replace(".", "_")


def price_per_image(model: CatalogModel, settings: Settings) -> str:
    """ "$0.04 an image", "free", "the price on your key", or what the model cannot make at these
    settings. The picture's own price: without a prompt yet, token-priced models are priced for
    an empty one, not for the catalog's 4,096-token allowance, which would triple a cheap image's
    price; the batch's estimate then adds what its real prompts can cost. A model the workspace
    prices itself says so: its price is on the key, not ours to show."""
    if model.priced_by_workspace:
        return "the price on your key"
    try:
        params = resolve_params(model.id, *settings)
        amount = estimate(model.id, params, prompt="").amount_usd
    except UnsupportedParamsError as error:
        return f"cannot make {getattr(settings, error.param)}"
    except CatalogError:
        return ""
    return "free" if not amount else f"{money(amount)} an image"


@dataclass(frozen=True)
class ModelTile:
    model: CatalogModel
    usable: bool
    price: str
    time: str  # "about 60 s", or "about 12 s here" from the workspace's own history
    # Its provider's latest model list for this workspace no longer names it (catalog_watch):
    # shown greyed out, "not offered by <provider> any more".
    not_offered: bool = False

    @property
    def dom_id(self) -> str:
        return dom_id(self.model.id)


@dataclass(frozen=True)
class ProviderGroup:
    provider: str
    name: str
    usable: bool
    tiles: list[ModelTile]


def seconds_for(model: CatalogModel, medians: dict[str, float]) -> float:
    return medians.get(model.id, model.typical_seconds)


def model_groups(
    usable_providers: frozenset[str],
    settings: Settings,
    medians: dict[str, float],
    not_offered: Collection[str] = (),
) -> list[ProviderGroup]:
    """Every offered model in its provider's group, in the registry's order (the built-in
    renderer first); the ids in `not_offered` greyed out."""
    groups: dict[str, list[ModelTile]] = {entry.name: [] for entry in ENTRIES}
    for model in generatable_models():
        here = model.id in medians
        groups[str(model.provider)].append(
            ModelTile(
                model=model,
                usable=str(model.provider) in usable_providers,
                price=price_per_image(model, settings),
                time=duration(seconds_for(model, medians)) + (" here" if here else ""),
                not_offered=model.id in not_offered,
            )
        )
    return [
        ProviderGroup(
            provider, REGISTRY[provider].display_name, provider in usable_providers, tiles
        )
        for provider, tiles in groups.items()
        if tiles
    ]
