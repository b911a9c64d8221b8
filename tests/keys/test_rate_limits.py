"""Rate limits on the keys side: asking a provider whether a key works (adding a key, Check
now) is rate limited per user and per workspace. Over a limit: 429 with Retry-After and a
sentence saying when, and the provider is not asked at all."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from avatarapp.keys.models import ProviderKey
from catalog import Provider
from tests.conftest import World
from tests.emulator import Emulator
from tests.keys.factories import bfl_key, openai_key, outsider_membership, store_key
from tests.markup import find, text
from tests.ratelimits import Limits

CHECKING = "You are checking keys faster than this workspace allows. Try again in 40 seconds."


def _check(client: Any, key: ProviderKey, **headers: str) -> Any:
    return client.post(reverse("keys:check", args=[key.pk]), {"next": "/settings/keys/"}, **headers)


def _bfl_key(world: World, emulator: Emulator, role: str = "admin") -> ProviderKey:
    plain = bfl_key()
    emulator.set_credits(plain, 42)
    return store_key(world.membership(role), plain, provider=Provider.BFL, status="unchecked")


def test_check_now_over_the_user_limit_swaps_a_card_and_asks_no_provider(
    limits: Limits, world: World, client_as: Any, provider_urls: Emulator
) -> None:
    limits("key_check", user="1/minute", workspace="10/minute")
    key = _bfl_key(world, provider_urls)
    admin = client_as("admin")
    assert _check(admin, key, HTTP_HX_REQUEST="true").status_code == 200
    asked = len(provider_urls.requests)
    key.refresh_from_db()
    checked_at = key.checked_at
    refused = _check(admin, key, HTTP_HX_REQUEST="true")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"
    card = refused.content.decode()
    assert card.lstrip().startswith(f'<article class="key-card" id="key-{key.pk}"')
    assert CHECKING in text(find(card, "article"))
    assert len(provider_urls.requests) == asked
    key.refresh_from_db()
    assert key.checked_at == checked_at
    # The owner of the same workspace still has checks of their own.
    assert _check(client_as("owner"), key, HTTP_HX_REQUEST="true").status_code == 200


def test_check_now_without_htmx_renders_the_key_page_with_the_message(
    limits: Limits, world: World, client_as: Any, provider_urls: Emulator
) -> None:
    limits("key_check", user="1/minute")
    key = _bfl_key(world, provider_urls)
    admin = client_as("admin")
    assert _check(admin, key).status_code == 302
    refused = _check(admin, key)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"
    page = refused.content.decode()
    assert CHECKING in text(find(page, "main"))
    assert find(page, "h1").children == [key.label]
    # Its Check now button comes back to this page, not to the URL it was rendered at.
    check_form = str(find(page, "form", action=reverse("keys:check", args=[key.pk])))
    back = dict(find(check_form, "input", name="next").attributes)["value"]
    assert back == reverse("keys:detail", args=[key.pk])


def test_the_workspace_limit_is_shared_by_members_and_not_by_other_workspaces(
    limits: Limits, world: World, client_as: Any, provider_urls: Emulator
) -> None:
    limits("key_check", user="10/minute", workspace="2/minute")
    key = _bfl_key(world, provider_urls)
    assert _check(client_as("admin"), key, HTTP_HX_REQUEST="true").status_code == 200
    assert _check(client_as("owner"), key, HTTP_HX_REQUEST="true").status_code == 200
    assert _check(client_as("admin"), key, HTTP_HX_REQUEST="true").status_code == 429
    assert _check(client_as("owner"), key, HTTP_HX_REQUEST="true").status_code == 429
    theirs = store_key(outsider_membership(world), bfl_key(), provider=Provider.BFL)
    assert _check(client_as("outsider"), theirs, HTTP_HX_REQUEST="true").status_code == 200


def test_adding_a_key_over_the_limit_saves_nothing_and_asks_no_provider(
    limits: Limits, world: World, client_as: Any, provider_urls: Emulator
) -> None:
    limits("key_check", user="1/minute")
    admin = client_as("admin")
    url = reverse("keys:add", args=[world.team.pk])
    data = {"endpoint": "openai", "label": "First", "api_key": openai_key(), "scope": "workspace"}
    assert admin.post(url, data, HTTP_HX_REQUEST="true").status_code == 200
    asked = len(provider_urls.requests)
    again = {**data, "label": "Second", "api_key": openai_key()}

    refused = admin.post(url, again, HTTP_HX_REQUEST="true")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"
    fragment = refused.content.decode()
    assert fragment.lstrip().startswith('<section class="card" id="add-key"')
    assert CHECKING in text(find(fragment, "section"))

    page = admin.post(url, again)  # the same, without htmx: the whole page
    assert page.status_code == 429
    assert CHECKING in text(find(page.content.decode(), id="add-key"))

    assert list(ProviderKey.objects.values_list("label", flat=True)) == ["First"]
    assert len(provider_urls.requests) == asked
