"""The price a workspace entered on a key can be changed on the key's page, by those who manage
the key: a bad figure gets a clear message and changes nothing; a key whose provider we price
from the catalog has no price to set."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from avatarapp.keys.models import KeyEvent, ProviderKey
from tests.conftest import World
from tests.keys.factories import store_key

pytestmark = pytest.mark.django_db


def server_key(world: World, price: str | None = "0.0100") -> ProviderKey:
    return store_key(
        world.membership("owner"),
        "own-server-key-0001",
        provider="openai_compatible",
        label="Our FLUX box",
        price_per_image_usd=Decimal(price) if price is not None else None,
    )


def test_an_admin_changes_and_removes_the_price(world: World, client_as: Any) -> None:
    key = server_key(world)
    admin = client_as("admin")
    page = admin.get(reverse("keys:detail", args=[key.pk])).content.decode()
    assert "Your price per image" in page
    assert 'value="0.0100"' in page

    answer = admin.post(reverse("keys:price", args=[key.pk]), {"price_per_image": "0.0125"})
    assert answer.status_code == 302
    key.refresh_from_db()
    assert key.price_per_image_usd == Decimal("0.0125")
    event = KeyEvent.objects.filter(key=key, action=KeyEvent.Action.PRICED).get()
    assert event.detail == "Price per image $0.0100 -> $0.0125."
    followed = admin.get(answer["Location"]).content.decode()
    assert "Price saved: $0.0125 per image from now on." in followed

    admin.post(reverse("keys:price", args=[key.pk]), {"price_per_image": ""})
    key.refresh_from_db()
    assert key.price_per_image_usd is None


@pytest.mark.parametrize(
    ("entered", "message"),
    [
        ("-1", "A price cannot be negative."),
        ("NaN", "Enter the price as a number of dollars"),
        ("1e3", "Enter at most $10 per image."),
        ("0.00001", "Use at most 4 decimal places"),
    ],
)
def test_a_bad_price_is_refused_and_changes_nothing(
    entered: str, message: str, world: World, client_as: Any
) -> None:
    key = server_key(world)
    answer = client_as("owner").post(
        reverse("keys:price", args=[key.pk]), {"price_per_image": entered}
    )
    assert answer.status_code == 200
    assert message in answer.content.decode()
    key.refresh_from_db()
    assert key.price_per_image_usd == Decimal("0.0100")
    assert not KeyEvent.objects.filter(key=key, action=KeyEvent.Action.PRICED).exists()


def test_a_catalog_priced_key_has_no_price_to_set(world: World, client_as: Any) -> None:
    key = store_key(world.membership("owner"))  # OpenAI
    owner = client_as("owner")
    assert (
        "Your price per image"
        not in owner.get(reverse("keys:detail", args=[key.pk])).content.decode()
    )
    answer = owner.post(reverse("keys:price", args=[key.pk]), {"price_per_image": "0.01"})
    assert answer.status_code == 404
    key.refresh_from_db()
    assert key.price_per_image_usd is None


def test_an_editor_cannot_change_a_workspace_keys_price(world: World, client_as: Any) -> None:
    key = server_key(world)
    answer = client_as("editor").post(
        reverse("keys:price", args=[key.pk]), {"price_per_image": "0"}
    )
    assert answer.status_code in (403, 404)
    key.refresh_from_db()
    assert key.price_per_image_usd == Decimal("0.0100")
