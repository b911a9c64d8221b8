"""Bad input on the add form: malformed keys, keys for another provider, unsafe server URLs. Each is
refused with a sentence that does not repeat the key, and nothing is saved."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from avatarapp.keys.models import KeyEvent, ProviderKey
from catalog import Provider
from generation.provider_keys.forms import AddKeyForm, key_problem
from tests.conftest import World
from tests.keys.factories import bfl_key, google_key, openai_key


def _problem(provider: str, key: str) -> str:
    return key_problem(Provider(provider), key) or ""


def test_a_google_key_saved_as_openai_is_recognised() -> None:
    assert _problem("openai", google_key()).startswith("That looks like a Google key.")
    assert _problem("bfl", openai_key()).startswith("That looks like an OpenAI key.")
    assert _problem("google", openai_key()).startswith("That looks like an OpenAI key.")
    assert _problem("openai", "bfl_" + "x" * 30).startswith("That looks like a Black Forest Labs")


@pytest.mark.parametrize(
    ("provider", "key", "message"),
    [
        ("openai", "", "Paste the API key."),
        ("openai", "sk-short", "An OpenAI key starts with sk-"),
        ("openai", "nothing-like-a-key-at-all-really", "does not look like an API key for OpenAI"),
        ("google", "AIzaTooShort", "A Google key starts with AIza"),
        ("bfl", "tiny", "A Black Forest Labs key is at least 16"),
        ("bfl", "has space inside the key 123456", "spaces or line breaks"),
        ("openai", "Bearer sk-" + "a" * 30, "without “Bearer”"),
        ("openai_compatible", "x" * 501, "longer than any API key"),
        ("openai_compatible", "naïve-key", "only printable characters"),
    ],
)
def test_malformed_keys_are_refused(provider: str, key: str, message: str) -> None:
    problem = _problem(provider, key)
    assert message in problem
    if len(key) > 4:
        assert key not in problem


@pytest.mark.parametrize(
    ("provider", "key"),
    [
        ("openai", openai_key()),
        ("openai", "sk-proj-" + "A1b2_C3d4-" * 5),
        ("google", google_key()),
        ("bfl", bfl_key()),
        ("openai_compatible", "anything-goes"),
        ("openai_compatible", google_key()),  # Google's own OpenAI-compatible endpoint
    ],
)
def test_well_formed_keys_pass(provider: str, key: str) -> None:
    assert _problem(provider, key) == ""


def _form(world: World, key_settings: Any, **data: str) -> AddKeyForm:
    base = {"endpoint": "openai_compatible", "label": "Local", "api_key": "k" * 20}
    base["scope"] = "workspace"
    return AddKeyForm({**base, **data}, membership=world.membership("owner"))


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "Give the server's URL"),
        ("http://127.0.0.1:8080/v1", "points to this server itself"),
        ("http://localhost/v1", "points to this server itself"),
        ("http://10.0.0.5/v1", "private network"),
        ("http://169.254.169.254/latest", "cloud metadata service"),
        ("http://[::1]/v1", "points to this server itself"),
        ("http://2130706433/v1", "points to this server itself"),
        ("ftp://example.com/v1", "http:// or https://"),
        ("https://user:pw@example.com/v1", "Remove the user name and password"),
    ],
)
def test_unsafe_server_urls_are_refused(
    url: str, message: str, world: World, key_settings: Any
) -> None:
    form = _form(world, key_settings, base_url=url)
    assert not form.is_valid()
    assert message in " ".join(str(error) for error in form.errors["base_url"])


def test_the_operator_may_allow_private_hosts_but_never_metadata(
    world: World, key_settings: Any
) -> None:
    key_settings.ALLOW_PRIVATE_PROVIDER_HOSTS = True
    form = _form(world, key_settings, base_url="http://127.0.0.1:8080/v1/")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["base_url"] == "http://127.0.0.1:8080/v1"
    form = _form(world, key_settings, base_url="http://169.254.169.254/")
    assert not form.is_valid()


def test_a_stray_url_for_another_provider_is_ignored(world: World, key_settings: Any) -> None:
    form = _form(world, key_settings, endpoint="openai", api_key=openai_key(), base_url="x")
    assert form.is_valid(), form.errors
    assert form.new_key().base_url == ""


def test_scope_choices_follow_the_role(world: World) -> None:
    def scopes(role: str) -> list[str]:
        form = AddKeyForm(membership=world.membership(role))
        return [value for value, _ in form.fields["scope"].choices]  # type: ignore[attr-defined]

    assert scopes("owner") == ["workspace", "personal"]
    assert scopes("admin") == ["workspace", "personal"]
    assert scopes("editor") == ["personal"]
    assert scopes("viewer") == []


@pytest.mark.parametrize("htmx", [False, True])
def test_the_page_after_an_error_never_shows_the_key(
    htmx: bool, world: World, client_as: Any
) -> None:
    wrong = google_key()
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client_as("admin").post(
        reverse("keys:add", args=[world.team.pk]),
        {"endpoint": "openai", "label": "Oops", "api_key": wrong, "scope": "workspace"},
        **headers,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "That looks like a Google key." in page
    assert wrong not in page
    assert wrong[4:] not in page
    assert 'type="password"' in page
    assert 'autocomplete="off"' in page
    assert 'value="Oops"' in page  # the harmless fields are kept
    assert not ProviderKey.objects.exists()
    assert not KeyEvent.objects.exists()


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("-0.01", "A price cannot be negative."),
        ("about a cent", "Enter the price as a number of dollars"),
        ("0.01234", "at most 4 decimal places"),
        ("25", "Enter at most $10 per image."),
    ],
)
def test_a_bad_price_per_image_is_refused(
    price: str, message: str, world: World, key_settings: Any
) -> None:
    key_settings.ALLOW_PRIVATE_PROVIDER_HOSTS = True
    form = _form(world, key_settings, base_url="http://127.0.0.1:8080/v1", price_per_image=price)
    assert not form.is_valid()
    assert message in " ".join(str(error) for error in form.errors["price_per_image"])


def test_a_server_key_keeps_its_model_name_and_price(world: World, key_settings: Any) -> None:
    key_settings.ALLOW_PRIVATE_PROVIDER_HOSTS = True
    form = _form(
        world,
        key_settings,
        base_url="http://127.0.0.1:8080/v1",
        model_name=" flux-dev ",
        price_per_image="0.012",
    )
    assert form.is_valid(), form.errors
    new = form.new_key()
    assert (new.model_name, new.price_per_image_usd) == ("flux-dev", Decimal("0.012"))


def test_a_model_name_with_spaces_is_refused(world: World, key_settings: Any) -> None:
    key_settings.ALLOW_PRIVATE_PROVIDER_HOSTS = True
    form = _form(world, key_settings, base_url="http://127.0.0.1:8080/v1", model_name="flux dev")
    assert not form.is_valid()
    assert "no spaces" in str(form.errors["model_name"])


def test_a_stray_price_or_model_name_for_a_priced_provider_is_ignored(
    world: World, key_settings: Any
) -> None:
    form = _form(
        world,
        key_settings,
        endpoint="openai",
        api_key=openai_key(),
        model_name="flux-dev",
        price_per_image="0.5",
    )
    assert form.is_valid(), form.errors
    new = form.new_key()
    assert (new.model_name, new.price_per_image_usd) == ("", None)
