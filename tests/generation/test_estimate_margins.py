"""Estimates learn from bills above them (issue 19, item 7): after a settlement above its
reservation, the next estimate of the same request for that model covers what was billed, also
when the reservation already carried a margin; a bill under its estimate teaches nothing; the
margin is capped; catalog.estimate applies it (and refuses one below 1)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from catalog import CatalogError, estimate, resolve_params
from generation import estimate_margins, ledger, services
from generation.models import EstimateMargin, Image
from tests.conftest import World
from tests.generation.conftest import make_persona, store_every_key

pytestmark = pytest.mark.django_db

MODEL = "gpt-image-2"
AS_OF = date(2026, 12, 1)


def test_the_catalog_multiplies_an_estimate_by_the_margin_rounding_up() -> None:
    params = resolve_params(MODEL, "1:1", "1K", "low")
    plain = estimate(MODEL, params, prompt="a portrait")
    margined = estimate(MODEL, params, prompt="a portrait", margin=Decimal("1.5"))
    assert margined.amount_usd >= plain.amount_usd * Decimal("1.5")
    assert margined.amount_usd - plain.amount_usd * Decimal("1.5") < Decimal("0.00000001")
    assert "has billed above it" in margined.detail
    with pytest.raises(CatalogError, match="1 or more"):
        estimate(MODEL, params, prompt="a portrait", margin=Decimal("0.9"))


@pytest.fixture
def batch(world: World) -> services.BatchRequest:
    store_every_key(world.membership("owner"))
    persona = make_persona(world.membership("editor"))
    return services.BatchRequest(
        [str(persona.pk)], ["builtin:corporate"], [MODEL], 1, "1:1", "1K", "low"
    )


def made(world: World, batch: services.BatchRequest) -> Image:
    _, [image_id] = services.batch_create(membership=world.membership("editor"), batch=batch)
    return Image.objects.get(pk=image_id)


def next_estimate(world: World, batch: services.BatchRequest) -> Decimal:
    return services.batch_plan(membership=world.membership("editor"), batch=batch).total


def test_after_an_overshoot_the_next_estimate_covers_the_last_actual(
    world: World, batch: services.BatchRequest
) -> None:
    first = made(world, batch)
    actual = first.estimated_usd * Decimal("1.37")
    ledger.settle(first, actual, rule="r", as_of=AS_OF)
    assert next_estimate(world, batch) >= actual

    # Again, above a reservation that already carried the margin: the margin grows with it.
    second = made(world, batch)
    assert second.estimated_usd >= actual
    bigger = second.estimated_usd * Decimal("1.2")
    ledger.settle(second, bigger, rule="r", as_of=AS_OF)
    assert next_estimate(world, batch) >= bigger


def test_a_bill_under_its_estimate_teaches_nothing(
    world: World, batch: services.BatchRequest
) -> None:
    image = made(world, batch)
    ledger.settle(image, image.estimated_usd / 2, rule="r", as_of=AS_OF)
    assert not EstimateMargin.objects.exists()
    assert next_estimate(world, batch) == image.estimated_usd


def test_the_margin_is_capped_and_never_shrinks() -> None:
    estimate_margins.learn(MODEL, Decimal("0.01"), Decimal("1.00"))  # a hundredfold: a bad rule
    assert estimate_margins.margin_for(MODEL) == estimate_margins.MAX_MARGIN
    estimate_margins.learn(MODEL, Decimal("0.01"), Decimal("0.011"))
    assert estimate_margins.margin_for(MODEL) == estimate_margins.MAX_MARGIN
    assert estimate_margins.margin_for("flux-2-pro") == 1
