"""Every model in the catalog, retired ones included (history and old costs stay readable)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from catalog.models import CatalogModel

from . import apimart, bfl, fal, google, hiapi, local, openai, openrouter
from .common import AS_OF
from .local import BUILTIN_MODEL_ID, SELF_HOSTED_MODEL_ID

DEFAULT_MODEL_ID = "gpt-image-2"  # what the Generate page picks until a person chooses

MODELS: tuple[CatalogModel, ...] = (
    openai.MODELS
    + bfl.MODELS
    + google.MODELS
    + local.MODELS
    + fal.MODELS
    + openrouter.MODELS
    + hiapi.MODELS
    + apimart.MODELS
)

CATALOG: Mapping[str, CatalogModel] = MappingProxyType({m.id: m for m in MODELS})

if len(CATALOG) != len(MODELS):
    raise RuntimeError("duplicate id in the model catalog")

__all__ = [
    "AS_OF",
    "BUILTIN_MODEL_ID",
    "CATALOG",
    "DEFAULT_MODEL_ID",
    "MODELS",
    "SELF_HOSTED_MODEL_ID",
]
