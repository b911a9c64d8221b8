"""Resolving flagged images through the real ledger (generation.reconciliation): billed settles
the amount and releases the reservation (reserved down by the estimate, spent up by the amount),
not billed releases it; the image ends failed with the decision in its error text; who, when, why
and how much are recorded. Refusals (a second decision, an image not flagged, a bad amount, a role
below admin) say why and change nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from generation import ledger, reconciliation
from generation.models import EstimateMargin, Image, LedgerEntry, ReconciliationDecision
from generation.reconciliation import Decision, ReconciliationError
from tests.conftest import World
from tests.generation.flagged import flagged_images

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagged(world: World) -> list[Image]:
    return flagged_images(world.membership("owner"), world.membership("editor"))


def money_state(world: World, image: Image) -> tuple[Decimal, Decimal, list[str]]:
    status = ledger.budget_status(world.team)
    kinds = sorted(LedgerEntry.objects.filter(image=image).values_list("kind", flat=True))
    return status.reserved, status.spent, kinds


def test_billed_at_the_estimate_settles_it_and_moves_the_budget(
    world: World, flagged: list[Image]
) -> None:
    image, other = flagged
    estimate = image.estimated_usd
    reserved_before, spent_before, _ = money_state(world, image)
    assert reserved_before == estimate + other.estimated_usd
    assert spent_before == 0

    done = reconciliation.resolve(
        membership=world.membership("admin"),
        image_id=image.pk,
        decision=Decision("billed", None, "Charged on the OpenAI usage page at 10:02"),
    )

    reserved, spent, kinds = money_state(world, image)
    assert (reserved, spent) == (other.estimated_usd, estimate)
    assert kinds == ["release", "reservation", "settlement"]
    assert (done.status, done.error_kind, done.actual_usd) == ("failed", "checked_billed", estimate)
    assert done.error_message.startswith("Checked by dana@example.com: billed $")
    assert done.can_retry  # no picture was kept: a new attempt may follow
    decision = ReconciliationDecision.objects.get(image=image)
    assert (decision.outcome, decision.amount_usd, decision.reserved_usd) == (
        "billed",
        estimate,
        estimate,
    )
    assert decision.decided_by == world.admin
    assert decision.reason == "Charged on the OpenAI usage page at 10:02"


def test_billed_at_an_entered_amount_charges_that_amount_and_teaches_no_margin(
    world: World, flagged: list[Image]
) -> None:
    image, other = flagged
    amount = image.estimated_usd * 3  # above the estimate: a person's figure, maybe a typo
    reconciliation.resolve(
        membership=world.membership("owner"),
        image_id=image.pk,
        decision=Decision("billed", amount, "The invoice line says so"),
    )
    assert money_state(world, image)[:2] == (other.estimated_usd, amount)
    assert LedgerEntry.objects.get(image=image, kind="settlement").amount_usd == amount
    assert not EstimateMargin.objects.exists()


def test_not_billed_releases_the_reservation_and_spends_nothing(
    world: World, flagged: list[Image]
) -> None:
    image, other = flagged
    done = reconciliation.resolve(
        membership=world.membership("admin"),
        image_id=image.pk,
        decision=Decision("not_billed", Decimal("9"), "Nothing on the usage page"),
    )
    assert money_state(world, image) == (other.estimated_usd, 0, ["release", "reservation"])
    assert (done.status, done.error_kind, done.actual_usd) == ("failed", "checked_not_billed", None)
    decision = ReconciliationDecision.objects.get(image=image)
    assert (decision.outcome, decision.amount_usd) == ("not_billed", 0)


def _refused(world: World, image: Image, role: str, decision: Decision, message: str) -> None:
    before = (money_state(world, image), ReconciliationDecision.objects.count())
    status = Image.objects.get(pk=image.pk).status
    with pytest.raises(ReconciliationError, match=message):
        reconciliation.resolve(
            membership=world.membership(role), image_id=image.pk, decision=decision
        )
    assert (money_state(world, image), ReconciliationDecision.objects.count()) == before
    assert Image.objects.get(pk=image.pk).status == status


def test_a_second_decision_is_refused_and_changes_nothing(
    world: World, flagged: list[Image]
) -> None:
    image = flagged[0]
    reconciliation.resolve(
        membership=world.membership("admin"),
        image_id=image.pk,
        decision=Decision("not_billed", None, "Nothing billed"),
    )
    _refused(world, image, "owner", Decision("billed", None, "Billed"), "already resolved")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (Decimal("-0.01"), "0 or more"),
        (Decimal("NaN"), "0 or more"),
        (Decimal("100.01"), "looks like a typo"),
        (Decimal("0.000000001"), "at most 8 decimal places"),
    ],
)
def test_a_bad_amount_is_refused_and_changes_nothing(
    world: World, flagged: list[Image], amount: Decimal, message: str
) -> None:
    _refused(world, flagged[0], "admin", Decision("billed", amount, "Billed"), message)


def test_an_image_that_does_not_need_checking_is_refused(
    world: World, flagged: list[Image]
) -> None:
    image = flagged[0]
    Image.objects.filter(pk=image.pk).update(status=Image.Status.SUCCEEDED)
    _refused(world, image, "admin", Decision("billed", None, "Billed"), "does not need checking")


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_a_role_below_admin_is_refused(world: World, flagged: list[Image], role: str) -> None:
    _refused(world, flagged[0], role, Decision("billed", None, "Billed"), "owner or admin")


def test_a_decision_needs_a_reason(world: World, flagged: list[Image]) -> None:
    _refused(world, flagged[0], "admin", Decision("billed", None, "   "), "Say why")


def test_the_queue_lists_the_workspace_flagged_images_with_what_they_hold(
    world: World, flagged: list[Image]
) -> None:
    listed = list(reconciliation.needs_checking(world.team.pk))
    assert {image.pk for image in listed} == {image.pk for image in flagged}
    held = [image.held_usd for image in listed]
    assert held == [image.estimated_usd for image in listed]
    assert reconciliation.count_needing_check(world.team.pk) == 2
    for theirs in world.outsider.memberships.all():
        assert reconciliation.count_needing_check(theirs.workspace_id) == 0
