"""The "Needs checking" page and its actions: owners and admins only (403 below, 404 for another
workspace's image), linked from Costs with a count; a decision posted settles or releases and
the page says so; bad input (no number, a negative amount, a second decision, an image that does
not need checking) is answered in plain words and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from generation import ledger
from generation.models import Image, LedgerEntry, ReconciliationDecision
from tests.conftest import World
from tests.generation.flagged import flagged_images

pytestmark = pytest.mark.django_db

PAGE = reverse("generation:checking")


@pytest.fixture
def flagged(world: World) -> list[Image]:
    return flagged_images(world.membership("owner"), world.membership("editor"))


def resolve_url(image: Image) -> str:
    return reverse("generation:checking_resolve", args=[image.pk])


def form(image: Image, outcome: str = "billed", amount: str = "", reason: str = "Checked") -> dict:
    prefix = f"image-{image.pk}-"
    return {prefix + "outcome": outcome, prefix + "amount_usd": amount, prefix + "reason": reason}


def unchanged(world: World, before: tuple) -> bool:
    return snapshot(world) == before


def snapshot(world: World) -> tuple:
    status = ledger.budget_status(world.team)
    return (
        status.reserved,
        status.spent,
        LedgerEntry.objects.count(),
        ReconciliationDecision.objects.count(),
        sorted(Image.objects.values_list("status", flat=True)),
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [("owner", 200), ("admin", 200), ("editor", 403), ("viewer", 403), ("anonymous", 302)],
)
def test_only_owners_and_admins_see_the_queue(
    in_team: Callable[[str], Client], flagged: list[Image], role: str, status: int
) -> None:
    response = in_team(role).get(PAGE)
    assert response.status_code == status
    if status == 200:
        assert response.content.decode().count("Save decision") == 2
        assert "The worker stopped while the provider was working." in response.content.decode()


def test_the_costs_page_links_the_queue_with_a_count_for_admins_only(
    in_team: Callable[[str], Client], flagged: list[Image]
) -> None:
    admin = in_team("admin")
    page = admin.get(reverse("generation:costs")).content.decode()
    assert "2 images need checking" in page
    assert PAGE in page
    assert PAGE not in in_team("editor").get(reverse("generation:costs")).content.decode()
    admin.post(resolve_url(flagged[0]), form(flagged[0], "not_billed"))
    assert "1 image needs checking" in admin.get(reverse("generation:costs")).content.decode()


def test_resolving_as_billed_settles_and_says_so(
    world: World, in_team: Callable[[str], Client], flagged: list[Image]
) -> None:
    image = flagged[0]
    response = in_team("admin").post(
        resolve_url(image), form(image, "billed", "0.05", "On the usage page"), follow=True
    )
    assert response.redirect_chain == [(PAGE, 302)]
    page = response.content.decode()
    assert "Maya Costa, Corporate: settled as billed." in page
    assert "On the usage page" in page  # the decision, in the Decided table
    assert page.count("Save decision") == 1
    status = ledger.budget_status(world.team)
    assert (status.reserved, status.spent) == (flagged[1].estimated_usd, Decimal("0.05"))


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("abc", "Enter the amount as a number of dollars, like 0.04."),
        ("-1", "The amount cannot be negative."),
        ("250", "One image costs far less than that; enter at most $100."),
        ("", "Enter the amount billed (the estimate is filled in)."),
    ],
)
def test_a_bad_amount_is_shown_beside_the_field_and_changes_nothing(
    world: World, in_team: Callable[[str], Client], flagged: list[Image], amount: str, message: str
) -> None:
    before = snapshot(world)
    response = in_team("admin").post(resolve_url(flagged[0]), form(flagged[0], "billed", amount))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert unchanged(world, before)


def test_a_decision_without_a_reason_is_refused(
    world: World, in_team: Callable[[str], Client], flagged: list[Image]
) -> None:
    before = snapshot(world)
    response = in_team("admin").post(resolve_url(flagged[0]), form(flagged[0], reason=""))
    assert response.status_code == 400
    assert "Say why, in a few words" in response.content.decode()
    assert unchanged(world, before)


def test_resolving_twice_is_refused_and_changes_nothing(
    world: World, in_team: Callable[[str], Client], flagged: list[Image]
) -> None:
    image, admin = flagged[0], in_team("admin")
    admin.post(resolve_url(image), form(image, "not_billed"))
    before = snapshot(world)
    response = in_team("owner").post(resolve_url(image), form(image, "billed", "0.05"), follow=True)
    assert "This image was already resolved; nothing was changed." in response.content.decode()
    assert unchanged(world, before)


def test_an_image_that_does_not_need_checking_is_refused(
    world: World, in_team: Callable[[str], Client], flagged: list[Image]
) -> None:
    image = flagged[0]
    Image.objects.filter(pk=image.pk).update(status=Image.Status.CANCELLED)
    before = snapshot(world)
    response = in_team("admin").post(resolve_url(image), form(image, "billed", "0.05"), follow=True)
    assert "This image does not need checking; nothing was changed." in response.content.decode()
    assert unchanged(world, before)


@pytest.mark.parametrize(("role", "status"), [("editor", 403), ("viewer", 403), ("outsider", 404)])
def test_resolving_below_admin_or_from_another_workspace_is_refused(
    world: World, in_team: Callable[[str], Client], flagged: list[Image], role: str, status: int
) -> None:
    before = snapshot(world)
    image = flagged[0]
    assert in_team(role).post(resolve_url(image), form(image, "not_billed")).status_code == status
    ask = reverse("generation:checking_ask", args=[image.pk])
    assert in_team(role).post(ask).status_code == status
    assert unchanged(world, before)


def test_the_provider_cannot_be_asked_about_an_openai_image(
    in_team: Callable[[str], Client], flagged: list[Image]
) -> None:
    admin = in_team("admin")
    assert "Check with" not in admin.get(PAGE).content.decode()
    ask = reverse("generation:checking_ask", args=[flagged[0].pk])
    response = admin.post(ask, follow=True)
    assert "This provider cannot be asked about this image." in response.content.decode()


@pytest.mark.parametrize(("role", "linked"), [("owner", True), ("admin", True), ("editor", False)])
def test_a_flagged_images_page_leads_admins_to_the_decision(
    in_team: Callable[[str], Client], flagged: list[Image], role: str, linked: bool
) -> None:
    image = flagged[0]
    page = in_team(role).get(reverse("gallery:image", args=[image.pk])).content.decode()
    assert (f'{PAGE}#image-{image.pk}"' in page) is linked
