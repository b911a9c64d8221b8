"""OpenRouter's prices: the dollars its answer reports (`usage.cost`) are the cost; the table is
the estimate a budget reserves, and the cost only of an answer that reported none."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalog import actual_cost, estimate, resolve_params
from generation.providers.base import Usage


@pytest.mark.parametrize(
    ("model_id", "resolution", "table"),
    [
        ("openrouter-gemini-2.5-flash-image", "1K", Decimal("0.039")),
        ("openrouter-gemini-3-pro-image-preview", "4K", Decimal("0.24")),
        ("openrouter-seedream-4.5", "2K", Decimal("0.04")),
    ],
)
def test_the_reported_cost_wins_and_the_table_is_the_fallback(
    model_id: str, resolution: str, table: Decimal
) -> None:
    params = resolve_params(model_id, "3:4", resolution, "medium")
    assert estimate(model_id, params).amount_usd == table

    reported = actual_cost(model_id, Usage(cost_usd=Decimal("0.0412345")), params)
    assert (reported.amount_usd, reported.basis) == (Decimal("0.0412345"), "provider_usage")
    assert "reported by the provider" in reported.detail

    fallback = actual_cost(model_id, Usage(), params)
    assert (fallback.amount_usd, fallback.basis) == (table, "price_table")


def test_a_reported_zero_is_a_cost_of_zero_not_a_missing_one() -> None:
    params = resolve_params("openrouter-seedream-4.5", "1:1", "1K", "medium")
    cost = actual_cost("openrouter-seedream-4.5", Usage(cost_usd=Decimal(0)), params)
    assert (cost.amount_usd, cost.basis) == (Decimal(0), "provider_usage")
