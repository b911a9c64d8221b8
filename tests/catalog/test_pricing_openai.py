"""OpenAI prices exactly as OpenAI publishes them: formula, tables, list prices, usage."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalog import actual_cost, estimate, resolve_params
from catalog.formulas import gpt_image_2_output_tokens
from catalog.pricing import (
    PROMPT_TOKEN_ALLOWANCE,
    REFERENCE_IMAGE_TOKEN_ALLOWANCE,
    prompt_token_bound,
)
from generation.providers.base import Usage

from .helpers import sized


def output_only(model_id: str, width: int, height: int, quality: str) -> Decimal:
    """The estimate minus the input allowance for an empty prompt and no references."""
    text_price = Decimal("2.00") if model_id == "gpt-image-1-mini" else Decimal("5.00")
    allowance = prompt_token_bound("") * text_price / 1_000_000
    amount = estimate(model_id, sized(model_id, width, height, quality), prompt="").amount_usd
    return amount - allowance


@pytest.mark.parametrize(
    ("width", "height", "quality", "tokens"),
    [
        (1024, 1024, "low", 196),
        (1024, 1024, "medium", 1756),
        (1024, 1024, "high", 7024),
        (1536, 1024, "low", 158),
        (1536, 1024, "medium", 1372),
        (1536, 1024, "high", 5488),
    ],
)
def test_gpt_image_2_formula_reproduces_the_official_examples(width, height, quality, tokens):
    assert gpt_image_2_output_tokens(width, height, quality) == tokens
    assert gpt_image_2_output_tokens(height, width, quality) == tokens


@pytest.mark.parametrize(
    ("quality", "usd"),
    [("low", "0.00588"), ("medium", "0.05268"), ("high", "0.21072")],
)
def test_gpt_image_2_estimate_at_1024_square(quality, usd):
    assert output_only("gpt-image-2", 1024, 1024, quality) == Decimal(usd)


def test_gpt_image_2_high_square_is_21_cents_plus_the_prompt_allowance():
    result = estimate("gpt-image-2", sized("gpt-image-2", 1024, 1024, "high"), prompt="a portrait")
    text_tokens = len("a portrait") + 64
    assert result.amount_usd == Decimal("0.21072") + Decimal(text_tokens) * 5 / 1_000_000
    assert result.rule == "openai-gpt-image-2-tokens"
    assert str(result.as_of) == "2026-11-24"
    assert "7024 output tokens" in result.detail


@pytest.mark.parametrize("quality", ["xhigh", "max"])
def test_unknown_quality_factors_estimate_at_least_as_high(quality):
    params = resolve_params("gpt-image-2.6-flare", "1:1", "1K", quality)
    high = resolve_params("gpt-image-2.6-flare", "1:1", "1K", "high")
    assert params.quality == quality
    assert (
        estimate("gpt-image-2.6-flare", params).amount_usd
        >= estimate("gpt-image-2.6-flare", high).amount_usd
    )


def test_gpt_image_1_5_uses_its_token_table():
    # 1536x1024 medium = 1568 tokens at $32/1M
    assert output_only("gpt-image-1.5", 1536, 1024, "medium") == Decimal("0.050176")
    assert output_only("gpt-image-1.5", 1024, 1536, "high") == Decimal("0.19968")  # 6240 x 32


def test_gpt_image_1_uses_its_token_table_at_40_per_million():
    assert output_only("gpt-image-1", 1024, 1024, "high") == Decimal("0.1664")  # 4160 x 40


@pytest.mark.parametrize(
    ("size", "quality", "usd"),
    [
        ((1024, 1024), "low", "0.005"),
        ((1024, 1024), "medium", "0.011"),
        ((1024, 1024), "high", "0.036"),
        ((1024, 1536), "low", "0.006"),
        ((1536, 1024), "medium", "0.015"),
        ((1536, 1024), "high", "0.052"),
    ],
)
def test_gpt_image_1_mini_list_prices(size, quality, usd):
    assert output_only("gpt-image-1-mini", size[0], size[1], quality) == Decimal(usd)


@pytest.mark.parametrize(
    ("model_id", "size", "quality", "usd"),
    [
        ("dall-e-3", (1024, 1024), "standard", "0.040"),
        ("dall-e-3", (1024, 1024), "hd", "0.080"),
        ("dall-e-3", (1792, 1024), "standard", "0.080"),
        ("dall-e-3", (1024, 1792), "hd", "0.120"),
        ("dall-e-2", (256, 256), "standard", "0.016"),
        ("dall-e-2", (512, 512), "standard", "0.018"),
        ("dall-e-2", (1024, 1024), "standard", "0.020"),
    ],
)
def test_dall_e_table_prices_past_jobs(model_id, size, quality, usd):
    params = sized(model_id, size[0], size[1], quality)
    assert estimate(model_id, params).amount_usd == Decimal(usd)
    cost = actual_cost(model_id, Usage(), params)
    assert cost.amount_usd == Decimal(usd)
    assert cost.basis == "price_table"


def test_actual_cost_is_usage_tokens_times_prices():
    params = resolve_params("gpt-image-2", "1:1", "1K", "high")
    usage = Usage(input_text_tokens=120, input_image_tokens=3050, output_tokens=7024)
    cost = actual_cost("gpt-image-2", usage, params)
    # 120 x $5/1M + 3050 x $8/1M + 7024 x $30/1M
    assert cost.amount_usd == Decimal("0.0006") + Decimal("0.0244") + Decimal("0.21072")
    assert cost.amount_usd == Decimal("0.23572")
    assert cost.basis == "provider_usage"
    assert cost.rule == "openai-gpt-image-2-tokens"


def test_actual_cost_for_gpt_image_1_mini_uses_its_own_token_prices():
    params = resolve_params("gpt-image-1-mini", "1:1", "1K", "low")
    usage = Usage(input_text_tokens=1000, input_image_tokens=1000, output_tokens=1000)
    cost = actual_cost("gpt-image-1-mini", usage, params)
    assert cost.amount_usd == Decimal("0.0125")  # (2.00 + 2.50 + 8.00) / 1000


def test_actual_cost_without_usage_falls_back_to_the_table_and_says_so():
    params = resolve_params("gpt-image-2", "1:1", "1K", "high")
    cost = actual_cost("gpt-image-2", Usage(), params, n_images=2)
    assert cost.amount_usd == Decimal("0.42144")
    assert cost.basis == "price_table"
    assert "no usage" in cost.detail


def test_estimate_is_an_upper_bound_on_a_realistic_bill():
    prompt = "Professional headshot of Maya, 34, product manager in Lisbon; soft window light. " * 8
    params = resolve_params("gpt-image-2", "4:5", "1K", "high")
    budget = estimate("gpt-image-2", params, reference_count=2, prompt=prompt)
    # A bill with the prompt's tokens (fewer than its bytes) and two high-fidelity references.
    w, h = params.width, params.height
    assert w is not None
    assert h is not None
    usage = Usage(
        input_text_tokens=len(prompt) // 3,
        input_image_tokens=2 * 3050,
        output_tokens=gpt_image_2_output_tokens(w, h, "high"),
    )
    assert actual_cost("gpt-image-2", usage, params).amount_usd <= budget.amount_usd


def test_input_allowance_defaults_and_scales_with_references_and_images():
    params = resolve_params("gpt-image-2", "1:1", "1K", "low")
    one = estimate("gpt-image-2", params).amount_usd
    expected = Decimal("0.00588") + Decimal(PROMPT_TOKEN_ALLOWANCE) * 5 / 1_000_000
    assert one == expected
    with_refs = estimate("gpt-image-2", params, reference_count=3).amount_usd
    assert with_refs - one == Decimal(3 * REFERENCE_IMAGE_TOKEN_ALLOWANCE) * 8 / 1_000_000
    assert estimate("gpt-image-2", params, n_images=4).amount_usd == 4 * one


def test_amounts_are_decimals_without_exponent_notation():
    params = resolve_params("gpt-image-2", "1:1", "1K", "high")
    amount = estimate("gpt-image-2", params, prompt="").amount_usd
    assert isinstance(amount, Decimal)
    assert "E" not in str(amount)
