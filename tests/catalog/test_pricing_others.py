"""BFL, Google, built-in and self-hosted prices."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalog import CatalogError, actual_cost, estimate, resolve_params
from catalog.formulas import flux2_credits, megapixels
from generation.providers.base import Usage

from .helpers import sized


def test_flux2_bills_the_cost_credits_from_the_response():
    params = resolve_params("flux-2-pro", "16:9", "2K", "high")
    cost = actual_cost("flux-2-pro", Usage(credits=Decimal("4.5")), params)
    assert cost.amount_usd == Decimal("0.045")
    assert cost.basis == "provider_credits"


def test_moderated_flux_task_reporting_zero_credits_costs_nothing():
    params = resolve_params("flux-2-max", "1:1", "1K", "high")
    assert actual_cost("flux-2-max", Usage(credits=Decimal(0)), params).amount_usd == 0


@pytest.mark.parametrize(
    ("model_id", "size", "usd"),
    [
        ("flux-2-pro", (1024, 1024), "0.03"),  # 1.00 MP: 3 credits
        ("flux-2-pro", (1920, 1088), "0.045"),  # 1.99 MP: 3 + 0.99 x 1.5 = 4.485 -> 4.5
        ("flux-2-max", (2048, 2048), "0.16"),  # 4.00 MP: 7 + 3 x 3
        ("flux-2-max", (1440, 1440), "0.099"),  # 1.9775 -> 1.98 MP: 7 + 0.98 x 3 = 9.94 -> 9.9
        ("flux-2-klein-4b", (1024, 1024), "0.014"),
        ("flux-2-klein-9b", (2048, 2048), "0.021"),  # 1.5 + 3 x 0.2
        ("flux-2-flex", (1024, 1024), "0.06"),
    ],
)
def test_flux2_estimate_follows_the_megapixel_rule(model_id, size, usd):
    assert estimate(model_id, sized(model_id, size[0], size[1], None)).amount_usd == Decimal(usd)


def test_megapixels_round_to_two_decimals():
    assert megapixels(1440, 1440) == Decimal("1.98")
    assert megapixels(1920, 1088) == Decimal("1.99")
    assert megapixels(2048, 2048) == Decimal("4.00")


def test_flux2_output_under_one_megapixel_still_pays_the_first():
    assert megapixels(1280, 720) == Decimal("0.88")
    assert flux2_credits(Decimal(3), Decimal("1.5"), Decimal("0.88"), Decimal(0)) == Decimal(3)


def test_flux2_references_are_charged_per_input_megapixel():
    params = resolve_params("flux-2-pro", "1:1", "1K", "medium")
    exact = estimate("flux-2-pro", params, reference_sizes=[(1024, 1024)])
    assert exact.amount_usd == Decimal("0.045")  # 3 + 1.00 x 1.5
    # Without sizes each reference is reserved at BFL's 4 MP cap: 3 + 4 x 1.5 = 9 credits.
    assert estimate("flux-2-pro", params, reference_count=1).amount_usd == Decimal("0.09")


def test_flux2_without_response_cost_falls_back_to_the_rule():
    params = sized("flux-2-pro", 1920, 1088, None)
    cost = actual_cost("flux-2-pro", Usage(), params)
    assert cost.amount_usd == Decimal("0.045")
    assert cost.basis == "price_table"


@pytest.mark.parametrize(
    ("model_id", "aspect", "resolution", "usd"),
    [
        ("flux-pro-1.1", "1:1", "1K", "0.04"),
        ("flux-pro-1.1-ultra", "16:9", "2K", "0.06"),
        ("flux-kontext-pro", "4:5", "1K", "0.04"),
        ("flux-kontext-max", "4:5", "1K", "0.08"),
        ("flux-dev", "3:2", "1K", "0.025"),
    ],
)
def test_flux1_fixed_table(model_id, aspect, resolution, usd):
    params = resolve_params(model_id, aspect, resolution, "medium")
    assert estimate(model_id, params).amount_usd == Decimal(usd)
    assert actual_cost(model_id, Usage(), params).amount_usd == Decimal(usd)


def test_flux1_credits_reported_in_the_result_win():
    params = resolve_params("flux-pro-1.1", "1:1", "1K", "medium")
    cost = actual_cost("flux-pro-1.1", Usage(credits=Decimal("4")), params)
    assert cost.amount_usd == Decimal("0.04")
    assert cost.basis == "provider_credits"


@pytest.mark.parametrize(
    ("model_id", "resolution", "usd"),
    [
        ("gemini-2.5-flash-image", "1K", "0.039"),
        ("gemini-3-pro-image-preview", "1K", "0.134"),
        ("gemini-3-pro-image-preview", "2K", "0.134"),
        ("gemini-3-pro-image-preview", "4K", "0.24"),
        ("gemini-3.1-flash-image-preview", "1K", "0.067"),
        ("gemini-3.1-flash-image-preview", "2K", "0.101"),
        ("gemini-3.1-flash-image-preview", "4K", "0.151"),
    ],
)
def test_gemini_per_image_by_size(model_id, resolution, usd):
    params = resolve_params(model_id, "1:1", resolution, "high")
    assert estimate(model_id, params).amount_usd == Decimal(usd)
    cost = actual_cost(model_id, Usage(), params)
    assert cost.amount_usd == Decimal(usd)
    assert cost.basis == "price_table"


def test_gemini_2_5_bills_image_output_tokens_when_reported():
    params = resolve_params("gemini-2.5-flash-image", "1:1", "1K", "high")
    cost = actual_cost("gemini-2.5-flash-image", Usage(output_tokens=1290), params)
    assert cost.amount_usd == Decimal("0.0387")  # 1290 x $30/1M
    assert cost.basis == "provider_usage"


@pytest.mark.parametrize(
    ("model_id", "usd"),
    [("imagen-4-fast", "0.02"), ("imagen-4", "0.04"), ("imagen-4-ultra", "0.06")],
)
def test_imagen_fixed_prices(model_id, usd):
    params = resolve_params(model_id, "16:9", "1K", "low")
    assert estimate(model_id, params, n_images=3).amount_usd == 3 * Decimal(usd)


def test_builtin_is_free():
    params = resolve_params("builtin", "1:1", "1K", "high")
    assert estimate("builtin", params, n_images=10).amount_usd == 0
    assert actual_cost("builtin", Usage(), params).amount_usd == 0


def test_self_hosted_price_is_set_by_the_workspace():
    params = resolve_params("openai-compatible", "1:1", "1K", "high")
    assert estimate("openai-compatible", params).amount_usd == 0  # default
    priced = estimate("openai-compatible", params, n_images=3, workspace_price=Decimal("0.012"))
    assert priced.amount_usd == Decimal("0.036")
    cost = actual_cost("openai-compatible", Usage(), params, workspace_price=Decimal("0.012"))
    assert cost.amount_usd == Decimal("0.012")
    assert cost.basis == "workspace_price"
    unentered = actual_cost("openai-compatible", Usage(), params)  # nothing entered on the key
    assert (unentered.amount_usd, unentered.basis) == (Decimal(0), "price_table")


def test_workspace_price_must_be_a_decimal():
    params = resolve_params("openai-compatible", "1:1", "1K", "high")
    with pytest.raises(CatalogError):
        estimate("openai-compatible", params, workspace_price=0.01)  # type: ignore[arg-type]


def test_params_for_another_model_are_refused():
    params = resolve_params("flux-2-pro", "1:1", "1K", "high")
    with pytest.raises(CatalogError, match="resolved for flux-2-pro"):
        estimate("flux-2-max", params)


def test_too_many_references_refused_before_estimating():
    params = resolve_params("flux-2-klein-4b", "1:1", "1K", "high")
    with pytest.raises(CatalogError, match=r"at most 4 reference images; this job has 5"):
        estimate("flux-2-klein-4b", params, reference_count=5)


def test_an_entered_price_replaces_the_table_but_never_the_providers_own_figures():
    """A gateway key's entered price: the workspace knows its contract better than a price we
    hold only as reported elsewhere. What the provider itself reports still wins."""
    params = resolve_params("gpt-image-2", "1:1", "1K", "low")
    entered = Decimal("0.0060")
    assert estimate("gpt-image-2", params, n_images=2, workspace_price=entered).amount_usd == (
        Decimal("0.012")
    )
    table = actual_cost("gpt-image-2", Usage(), params, workspace_price=entered)
    assert (table.amount_usd, table.basis) == (entered, "workspace_price")
    reported = Usage(input_text_tokens=40, output_tokens=196)
    own = actual_cost("gpt-image-2", reported, params, workspace_price=entered)
    assert own.basis == "provider_usage"
    assert own.amount_usd == actual_cost("gpt-image-2", reported, params).amount_usd
