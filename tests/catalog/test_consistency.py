"""Every catalog entry is internally consistent."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date
from decimal import Decimal

import pytest

from catalog import (
    AS_OF,
    ASPECT_RATIOS,
    BUILTIN_MODEL_ID,
    CATALOG,
    DEFAULT_MODEL_ID,
    QUALITIES,
    RESOLUTIONS,
    SELF_HOSTED_MODEL_ID,
    Family,
    Provider,
    Status,
    UnsupportedParamsError,
    estimate,
    resolve_params,
    status,
)
from catalog.models import FixedSizes, RatioOnly
from catalog.rules import WorkspacePriceRule
from generation.providers.registry import display_name

MODELS = list(CATALOG.values())
IDS = [m.id for m in MODELS]

PRODUCT_MODELS = {
    "gpt-image-2",
    "gpt-image-2.5-flare",
    "gpt-image-2.5-sunburst",
    "gpt-image-2.6-flare",
    "gpt-image-2.6-sunburst",
    "gpt-image-1.5",
    "gpt-image-1-mini",
    "gpt-image-1",
    "dall-e-3",
    "dall-e-2",
    "flux-2-max",
    "flux-2-pro",
    "flux-2-flex",
    "flux-2-klein-4b",
    "flux-2-klein-9b",
    "flux-pro-1.1",
    "flux-pro-1.1-ultra",
    "flux-kontext-pro",
    "flux-kontext-max",
    "flux-dev",
    "gemini-2.5-flash-image",
    "gemini-3-pro-image-preview",
    "gemini-3.1-flash-image-preview",
    # PROVIDERS-2.md section 5.4's ids (issue 15).
    "gemini-3-pro-image",
    "gemini-3.1-flash-image",
    "gemini-nano-banana-2.1",
    "imagen-4-fast",
    "imagen-4",
    "imagen-4-ultra",
    # fal.ai's queue models (issue 16).
    "fal-qwen-image-2",
    "fal-qwen-image-2-pro",
    "fal-seedream-4.5",
    "fal-nano-banana-2",
    # OpenRouter's names for Gemini and Seedream (issue 16).
    "openrouter-gemini-2.5-flash-image",
    "openrouter-gemini-3-pro-image-preview",
    "openrouter-seedream-4.5",
    BUILTIN_MODEL_ID,
    SELF_HOSTED_MODEL_ID,
    # The gateways (issue 16): their ids carry the gateway's name.
    "hiapi-gpt-image-2",
    "hiapi-qwen-image-2",
    "hiapi-flux-1-1-pro",
    "apimart-gpt-image-2",
    "apimart-qwen-image-2",
    "apimart-nano-banana-2",
}


def test_catalog_holds_every_model_of_the_product():
    assert set(CATALOG) == PRODUCT_MODELS
    assert date(2026, 11, 24) == AS_OF
    assert status(DEFAULT_MODEL_ID, AS_OF) is Status.AVAILABLE


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_price_rule_has_name_source_and_as_of(model):
    rule = model.price
    assert rule.name
    assert rule.source
    assert rule.as_of == AS_OF
    assert rule.trust in ("V", "T", "U")


def test_price_rule_names_are_unique():
    names = [m.price.name for m in MODELS]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_shut_down_models_name_an_available_replacement(model):
    life = model.lifecycle
    assert life.source
    if life.released and life.shutdown:
        assert life.released < life.shutdown
    if life.shutdown is None:
        assert life.replacement is None
        return
    assert life.replacement in CATALOG
    assert life.replacement != model.id
    replacement = CATALOG[life.replacement]
    assert replacement.lifecycle.shutdown is None
    assert status(replacement.id, life.shutdown) is Status.AVAILABLE
    assert status(replacement.id, AS_OF) is Status.AVAILABLE


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_identity_and_protocol(model):
    assert isinstance(model.provider, Provider)
    assert isinstance(model.family, Family)
    assert model.display_name
    assert model.api_model
    # Submit and poll: BFL, fal's queue and the gateways' task APIs (hiapi's FLUX1.1 [pro] answers
    # at once).
    task_apis = {Provider.BFL, Provider.FAL, Provider.HIAPI, Provider.APIMART}
    assert model.is_async is (model.provider in task_apis and model.id != "hiapi-flux-1-1-pro")


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_the_generate_page_can_describe_it_in_plain_words(model):
    """One line a marketer reads on the model's tile, and a time to expect; its provider has a
    group name ("Black Forest Labs", never "bfl")."""
    assert 20 <= len(model.good_at) <= 90
    assert model.good_at.endswith(".")
    assert model.id not in model.good_at
    assert model.typical_seconds >= 1
    assert display_name(model.provider) != model.provider


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_capabilities_speak_the_user_vocabulary(model):
    caps = model.capabilities
    sizing = caps.sizing
    assert sizing.resolutions
    assert set(sizing.resolutions) <= set(RESOLUTIONS)
    assert sizing.limit_note
    if isinstance(sizing, FixedSizes):
        assert set(sizing.sizes) <= set(ASPECT_RATIOS)
    if isinstance(sizing, RatioOnly):
        assert set(sizing.aspect_ratios) <= set(ASPECT_RATIOS)
    assert set(caps.quality_map) <= set(QUALITIES)
    assert caps.max_references >= 0
    if caps.edits:
        assert caps.max_references >= 1


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_every_possible_combination_has_a_price(model):
    qualities = list(model.capabilities.quality_map) or ["medium"]
    made = 0
    for aspect, resolution, quality in itertools.product(ASPECT_RATIOS, RESOLUTIONS, qualities):
        try:
            params = resolve_params(model.id, aspect, resolution, quality)
        except UnsupportedParamsError:
            continue
        result = estimate(model.id, params, reference_count=model.capabilities.max_references)
        assert isinstance(result.amount_usd, Decimal)
        # Priced by the workspace, no price entered yet: $0 (a self-hosted server, HiAPI's Qwen).
        unpriced = isinstance(model.price, WorkspacePriceRule) and model.price.default_usd == 0
        free = model.id == BUILTIN_MODEL_ID or unpriced
        assert (result.amount_usd == 0) if free else (result.amount_usd > 0)
        assert result.rule == model.price.name
        made += 1
    assert made > 0


def _no_floats(value: object) -> None:
    assert not isinstance(value, float), value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            _no_floats(getattr(value, item.name))
    elif isinstance(value, dict):
        for item in value.values():
            _no_floats(item)
    elif isinstance(value, tuple | list):
        for item in value:
            _no_floats(item)


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_money_is_never_a_float(model):
    _no_floats(model)
