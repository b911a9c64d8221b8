"""Issue 19: the low-credit alert form on a BFL key's page. Owners and admins set it; bad numbers,
other workspaces' keys, viewers and editors change nothing and are told why."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from avatarapp.keys.models import KeyEvent, ProviderKey
from catalog import Provider
from tests.conftest import World, make_user
from tests.keys.factories import bfl_key, store_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def key(world: World) -> ProviderKey:
    return store_key(
        world.membership("admin"),
        bfl_key(),
        provider=Provider.BFL,
        label="Studio BFL",
        balance=Decimal(640),
    )


def url(key: ProviderKey) -> str:
    return reverse("keys:threshold", args=[key.pk])


def threshold_of(key: ProviderKey) -> Decimal | None:
    key.refresh_from_db()
    return key.low_balance_threshold


def test_the_key_page_shows_the_balance_and_the_form(key: ProviderKey, client_as: Any) -> None:
    page = client_as("admin").get(reverse("keys:detail", args=[key.pk])).content.decode()
    assert "Credits left" in page
    assert "640" in page
    assert "Low-credit alert" in page
    assert '<label for="id_low_balance_threshold">Email me below this many credits' in page


def test_an_admin_sets_and_removes_the_threshold(
    key: ProviderKey, client_as: Any, django_capture_on_commit_callbacks: Any
) -> None:
    admin = client_as("admin")
    response = admin.post(url(key), {"low_balance_threshold": "500"}, follow=True)
    assert threshold_of(key) == Decimal(500)
    assert "an email goes out when the credits fall below 500." in response.content.decode()
    assert "Email below 500" in response.content.decode()
    assert 'name="low_balance_threshold" value="500"' in response.content.decode()
    assert KeyEvent.objects.filter(key=key, action="threshold").get().detail == (
        "Low-credit alert none -> 500."
    )
    assert mail.outbox == []  # 640 left: nothing to tell

    # Above the balance: the email goes at once, and the page says so.
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url(key), {"low_balance_threshold": "1000"}, follow=True)
    assert "The key has 640 now, so it went out already." in response.content.decode()
    assert len(mail.outbox) == 1

    response = admin.post(url(key), {"low_balance_threshold": ""}, follow=True)
    assert threshold_of(key) is None
    assert "Low-credit alert turned off." in response.content.decode()


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ("-5", "The number of credits cannot be negative."),
        ("lots", "Enter a number of credits, e.g. 500."),
        ("12.25", "Use at most one decimal place, e.g. 99.5."),
    ],
)
def test_bad_numbers_are_explained_and_change_nothing(
    key: ProviderKey, client_as: Any, posted: str, message: str
) -> None:
    ProviderKey.objects.filter(pk=key.pk).update(low_balance_threshold=Decimal(200))
    response = client_as("owner").post(url(key), {"low_balance_threshold": posted})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert threshold_of(key) == Decimal(200)
    assert not KeyEvent.objects.filter(action="threshold").exists()


@pytest.mark.parametrize(("role", "status"), [("editor", 403), ("viewer", 403), ("outsider", 404)])
def test_only_the_keys_managers_may_set_it(
    key: ProviderKey, client_as: Any, role: str, status: int
) -> None:
    response = client_as(role).post(url(key), {"low_balance_threshold": "500"})
    assert response.status_code == status
    assert threshold_of(key) is None


def test_a_key_of_another_workspace_is_not_found(world: World, client: Any) -> None:
    other = store_key(
        world.outsider.memberships.get(workspace__is_personal=False),
        bfl_key(),
        provider=Provider.BFL,
    )
    stranger = make_user("eve@example.com")
    client.force_login(world.admin)
    assert client.post(url(other), {"low_balance_threshold": "5"}).status_code == 404
    client.force_login(stranger)
    assert client.post(url(other), {"low_balance_threshold": "5"}).status_code == 404
    assert threshold_of(other) is None


def test_a_key_without_credits_has_no_form(world: World, client_as: Any) -> None:
    openai = store_key(world.membership("admin"))
    admin = client_as("admin")
    assert (
        "Low-credit alert"
        not in admin.get(reverse("keys:detail", args=[openai.pk])).content.decode()
    )
    assert admin.post(url(openai), {"low_balance_threshold": "5"}).status_code == 404


def test_a_personal_key_is_its_owners_alone(world: World, client_as: Any) -> None:
    bobs = store_key(
        world.membership("editor"), bfl_key(), provider=Provider.BFL, personal=True, label="Bob"
    )
    assert client_as("owner").post(url(bobs), {"low_balance_threshold": "5"}).status_code == 404
    assert client_as("anonymous").post(url(bobs), {"low_balance_threshold": "5"}).status_code == 302
    assert threshold_of(bobs) is None
    assert client_as("editor").post(url(bobs), {"low_balance_threshold": "5"}).status_code == 302
    assert threshold_of(bobs) == Decimal(5)
