"""The provider registry is the one list the studio works from: every catalog provider has an
entry, the Add key form offers what the entries say, a key of each shape is accepted, masked and
redacted as its entry says, and a key can only be stored where its provider sends requests."""

from __future__ import annotations

import secrets
import uuid

import pytest
from django.db import IntegrityError, transaction

from avatarapp.keys.models import ProviderKey
from catalog import MODELS, Provider
from generation.provider_keys.forms import AddKeyForm, key_problem
from generation.provider_keys.services import NewKey, key_add
from generation.providers.base import Endpoint
from generation.providers.redaction import redact
from generation.providers.registry import ENTRIES, KEYED, REGISTRY, ProviderEntry, entry
from tests.conftest import World
from tests.keys.factories import store_key


def _example_key(provider: ProviderEntry) -> str:
    """A key of the provider's own shape: its prefix, then 40 letters and digits (fal.ai: its
    key id, a UUID, and the secret, joined by a colon)."""
    assert provider.key is not None
    if provider.name == Provider.FAL:
        return f"{uuid.uuid4()}:{secrets.token_hex(20)}"
    return provider.key.prefix + secrets.token_hex(20)


def test_every_catalog_provider_has_one_entry_and_nothing_else_does() -> None:
    assert [e.name for e in ENTRIES] == list(REGISTRY)
    assert set(REGISTRY) == set(Provider)
    assert {m.provider for m in MODELS} <= set(REGISTRY)


def test_the_generate_page_lists_the_built_in_renderer_first() -> None:
    assert ENTRIES[0].name == Provider.BUILTIN
    assert ENTRIES[0].key is None


def test_the_add_key_form_offers_one_choice_per_place_a_key_can_go(world: World) -> None:
    form = AddKeyForm(membership=world.membership("owner"))
    assert list(form.fields["endpoint"].choices) == [  # type: ignore[attr-defined]
        ("openai", "OpenAI"),
        ("bfl", "Black Forest Labs (global)"),
        ("bfl-eu", "Black Forest Labs (EU only)"),
        ("bfl-us", "Black Forest Labs (US only)"),
        ("google", "Google Gemini"),
        ("fal", "fal.ai"),
        ("openrouter", "OpenRouter"),
        ("hiapi", "HiAPI"),
        ("apimart", "APIMart"),
        ("openai_compatible", "OpenAI-compatible server (your own URL)"),
    ]


@pytest.mark.parametrize("provider", KEYED, ids=[e.name for e in KEYED])
def test_a_key_of_the_providers_shape_is_accepted_masked_and_redacted(
    provider: ProviderEntry,
) -> None:
    assert provider.key is not None
    key = _example_key(provider)
    assert key_problem(provider.name, key) is None
    assert provider.mask(key[-4:]) == f"{provider.key.mask_prefix}…{key[-4:]}"
    assert key.startswith(provider.key.mask_prefix)
    assert key not in redact(f"calling with {provider.key.header or 'api-key'}: {key}")
    if provider.key.redaction is not None:  # found by shape too, with no header beside it
        assert key[len(provider.key.prefix) :] not in redact(f"the provider said {key}.")


@pytest.mark.parametrize("provider", ENTRIES, ids=[e.name for e in ENTRIES])
def test_an_entry_accepts_only_its_own_endpoints(provider: ProviderEntry) -> None:
    places = [Endpoint(region.slug) for region in provider.regions] or [Endpoint()]
    if provider.takes_base_url:
        places = [Endpoint(base_url="https://llm.example.com/v1")]
    for place in places:
        assert provider.accepts(place)
    assert not provider.accepts(Endpoint(region="mars"))
    if provider.regions:  # a region and a server URL: never both
        assert not provider.accepts(Endpoint(places[0].region, "https://llm.example.com/v1"))
    if not provider.takes_base_url:
        assert not provider.accepts(Endpoint(base_url="https://llm.example.com/v1"))


def test_a_key_is_told_apart_by_its_longest_prefix() -> None:
    """OpenRouter keys (sk-or-) start like OpenAI's (sk-): each form says whose key it is."""
    openrouter_key = "sk-or-v1-" + secrets.token_hex(32)
    assert key_problem("openrouter", openrouter_key) is None
    assert key_problem("openai", openrouter_key) == (
        "That looks like an OpenRouter key. Choose that provider instead, or paste your OpenAI key."
    )
    assert "looks like an OpenAI key" in str(key_problem("openrouter", "sk-" + "a" * 40))
    assert openrouter_key[9:] not in redact(f"OpenRouter said: {openrouter_key}")


@pytest.mark.parametrize(
    ("provider", "region", "base_url"),
    [
        ("bfl", "", ""),  # BFL keys go to a region
        ("bfl", "mars", ""),
        ("openai", "eu", ""),  # OpenAI has one address
        ("openai", "", "https://llm.example.com/v1"),
        ("openai_compatible", "", ""),  # a server of the user's needs its URL
    ],
)
def test_add_key_refuses_a_key_its_provider_cannot_send_anywhere(
    provider: str, region: str, base_url: str, world: World
) -> None:
    new = NewKey(provider, region, base_url, "Nowhere", personal=False)
    with pytest.raises(ValueError, match="cannot go to"):
        key_add(membership=world.membership("owner"), new=new, plain=_example_key(entry(provider)))
    assert not ProviderKey.objects.exists()


def test_the_database_refuses_a_key_with_both_a_region_and_a_server(world: World) -> None:
    with transaction.atomic(), pytest.raises(IntegrityError, match="keys_region_or_base_url"):
        store_key(world.membership("owner"), region="eu", base_url="https://llm.example.com/v1")
    assert not ProviderKey.objects.exists()
