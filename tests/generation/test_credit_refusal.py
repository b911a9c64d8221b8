"""Issue 19: the Generate estimate says what a FLUX batch needs in BFL credits against what its
key has, and a batch the key cannot pay for is refused before submit, with nothing reserved."""

from __future__ import annotations

import html
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from catalog import Provider
from generation import services
from generation.credits import CreditNeed, credit_needs
from generation.models import BudgetPeriod, Image, Job, LedgerEntry
from personas.models import Persona
from tests.conftest import World
from tests.generation.conftest import generate_form
from tests.keys.factories import bfl_key, store_key

pytestmark = pytest.mark.django_db

# Four FLUX.2 [pro] portraits at 1K: 3 credits for the first (and only) megapixel each.
FOUR_FLUX = {"models": ["flux-2-pro"], "per_combination": "4"}
NEEDS = "This batch needs 12 credits"


def with_balance(world: World, balance: str | None) -> None:
    store_key(
        world.membership("owner"),
        bfl_key(),
        provider=Provider.BFL,
        label="Studio BFL",
        balance=None if balance is None else Decimal(balance),
    )


def test_credit_needs_adds_up_per_provider_and_rounds_up_to_a_tenth() -> None:
    estimates = [("bfl", Decimal("0.031")), ("bfl", Decimal("0.0305")), ("openai", Decimal("1"))]
    (need,) = credit_needs(estimates, {"bfl": Decimal(6), "openai": None})
    assert need == CreditNeed("bfl", Decimal("6.2"), Decimal(6))
    assert not need.enough
    assert need.sentence == "This batch needs 6.2 credits; the key has 6"
    assert credit_needs(estimates, {"bfl": None}) == []  # never read: not judged


def test_a_batch_the_key_cannot_pay_for_is_refused_and_nothing_is_reserved(
    world: World, persona: Persona
) -> None:
    with_balance(world, "10")
    batch = services.BatchRequest(
        [str(persona.pk)], ["builtin:corporate"], ["flux-2-pro"], 4, "1:1", "1K", "low"
    )
    with pytest.raises(services.SubmitError) as refused:
        services.batch_submit(membership=world.membership("editor"), batch=batch)
    assert str(refused.value) == (
        f"{NEEDS}; the key has 10. Top up the key's credits with Black Forest Labs, or make "
        "fewer or smaller images."
    )
    assert (Job.objects.count(), Image.objects.count(), LedgerEntry.objects.count()) == (0, 0, 0)
    assert all(period.reserved_usd == 0 for period in BudgetPeriod.objects.all())


def test_the_estimate_shows_the_credits_and_the_refusal(
    world: World, persona: Persona, in_team: Callable[[str], Client]
) -> None:
    with_balance(world, "800")
    editor = in_team("editor")
    page = editor.post(reverse("generation:estimate"), generate_form(persona, **FOUR_FLUX))
    assert f"{NEEDS}; the key has 800." in page.content.decode()

    with_balance_now = world.team.provider_keys.get()
    with_balance_now.balance = Decimal("11.9")
    with_balance_now.save(update_fields=["balance"])
    page = editor.post(reverse("generation:estimate"), generate_form(persona, **FOUR_FLUX))
    body = html.unescape(page.content.decode())
    assert f"{NEEDS}; the key has 11.9. Top up the key's credits" in body
    assert 'id="generate-button" class="wide" disabled' in body

    # Posted anyway: refused with the same sentence, nothing written.
    page = editor.post(reverse("generation:generate"), generate_form(persona, **FOUR_FLUX))
    assert page.status_code == 200
    assert f"{NEEDS}; the key has 11.9." in page.content.decode()
    assert not Job.objects.exists()


def test_a_key_whose_balance_was_never_read_is_not_judged(
    world: World, persona: Persona, in_team: Callable[[str], Client]
) -> None:
    with_balance(world, None)
    page = in_team("editor").post(
        reverse("generation:estimate"), generate_form(persona, **FOUR_FLUX)
    )
    body = page.content.decode()
    assert "credits" not in body.split('id="estimate"')[1].split("</section>")[0]
    assert "4 portraits, at most $0.12" in body
