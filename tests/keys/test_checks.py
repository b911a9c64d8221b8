"""Live key checks against the provider emulator: valid, refused, restricted, balance,
unreachable and slow, for each provider, on save and on "Check now"."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from avatarapp.keys.models import KeyEvent, ProviderKey, Status
from avatarapp.keys.secret import Secret
from avatarapp.keys.services import key_revoke
from catalog import Provider
from generation.provider_keys import checks, services
from generation.providers.base import KeyStatus
from generation.providers.openai_images import OpenAIImages
from generation.providers.registry import KEYED
from tests.conftest import World
from tests.emulator import Emulator
from tests.keys.factories import bfl_key, google_key, openai_key, store_key
from tests.providers.conftest import FAL_KEY

# A key check told to give up after CHECK_TIMEOUT must return well before HELD_UP: under the 6 s
# default timeout (so the setting was used) and under a slow provider's answer (so it was not
# waited for). Everything between is room for a busy machine, not a guess at its speed.
CHECK_TIMEOUT = 1
HELD_UP = 5


def _new(provider: str, region: str = "", base_url: str = "", personal: bool = False) -> Any:
    return services.NewKey(provider, region, base_url, f"{provider} key", personal)


def test_a_valid_openai_key_is_saved_valid(world: World, provider_urls: Emulator) -> None:
    plain = openai_key()
    key, check = services.key_add(
        membership=world.membership("admin"), new=_new(Provider.OPENAI), plain=plain
    )
    assert check.status == KeyStatus.VALID
    key.refresh_from_db()
    assert (key.status, key.check_message) == (Status.VALID, "OpenAI accepted this key.")
    assert key.checked_at is not None
    assert key.last4 == plain[-4:]
    assert provider_urls.count(provider="openai", operation="models.list", api_key=plain) == 1
    actions = list(KeyEvent.objects.filter(key=key).values_list("action", flat=True))
    assert sorted(actions) == ["added", "checked"]


def test_a_refused_key_is_not_saved(world: World, provider_urls: Emulator) -> None:
    plain = "sk-" + "invalid" + openai_key("x")[3:]  # the emulator answers 401 for "invalid"
    with pytest.raises(services.KeyNotSavedError) as caught:
        services.key_add(
            membership=world.membership("admin"), new=_new(Provider.OPENAI), plain=plain
        )
    assert str(caught.value).startswith("OpenAI refused this key. The key was not saved.")
    assert caught.value.field == "api_key"
    assert not ProviderKey.objects.exists()
    assert not KeyEvent.objects.exists()


def test_check_now_marks_a_key_refused_after_a_401(world: World, provider_urls: Emulator) -> None:
    plain = openai_key()
    key = store_key(world.membership("admin"), plain)
    provider_urls.add_fault("auth", provider="openai", operation="models.list", key=plain)
    check = services.key_check(key=key, actor=world.admin)
    assert check.status == KeyStatus.INVALID
    key.refresh_from_db()
    assert key.status == Status.INVALID
    assert "Refused" in key.events.get(action="checked").detail


def test_organisation_verification_shows_as_restricted(
    world: World, provider_urls: Emulator
) -> None:
    # The real /v1/models answers 200 for an unverified organisation (the 403 comes on image
    # requests); the emulator can answer 403 there on demand, which exercises the mapping.
    plain = openai_key()
    provider_urls.add_fault("forbidden", provider="openai", operation="models.list")
    key, check = services.key_add(
        membership=world.membership("admin"), new=_new(Provider.OPENAI), plain=plain
    )
    assert check.status == KeyStatus.RESTRICTED
    key.refresh_from_db()
    assert key.status == Status.RESTRICTED
    assert "must be verified" in key.check_message
    assert "cannot use every model yet" in services.key_check_sentence(key=key, check=check)


def test_the_adapter_maps_a_403_on_models_to_restricted(provider_urls: Emulator) -> None:
    provider_urls.add_fault("forbidden", provider="openai", operation="models.list")
    adapter = OpenAIImages(Secret(openai_key()), base_url=provider_urls.openai_base_url)
    assert adapter.check_key().status == KeyStatus.RESTRICTED


@pytest.mark.parametrize(
    ("region", "alias"), [("global", "bfl"), ("eu", "bfl-eu"), ("us", "bfl-us")]
)
def test_bfl_shows_the_credit_balance_from_the_right_region(
    region: str, alias: str, world: World, provider_urls: Emulator
) -> None:
    plain = bfl_key()
    provider_urls.set_credits(plain, 857.5)
    key, check = services.key_add(
        membership=world.membership("owner"), new=_new(Provider.BFL, region), plain=plain
    )
    assert check.status == KeyStatus.VALID
    assert check.balance == Decimal("857.5")
    key.refresh_from_db()
    assert key.balance == Decimal("857.5")
    assert key.region == region
    assert provider_urls.count(provider="bfl", operation="credits", alias=alias) == 1


def test_bfl_refuses_a_bad_key(world: World, provider_urls: Emulator) -> None:
    with pytest.raises(services.KeyNotSavedError, match="Black Forest Labs refused this key"):
        services.key_add(
            membership=world.membership("owner"),
            new=_new(Provider.BFL, "global"),
            plain="invalid-" + bfl_key(),
        )


def test_google_valid_and_refused(world: World, provider_urls: Emulator) -> None:
    _key, check = services.key_add(
        membership=world.membership("owner"), new=_new(Provider.GOOGLE), plain=google_key()
    )
    assert check.status == KeyStatus.VALID
    with pytest.raises(services.KeyNotSavedError, match="Google refused this key"):
        services.key_add(
            membership=world.membership("owner"),
            new=_new(Provider.GOOGLE),
            plain=google_key("invalid"),
        )


def test_an_openai_compatible_server_is_checked_through_the_guard(
    world: World, provider_urls: Emulator, key_settings: Any
) -> None:
    key_settings.ALLOW_PRIVATE_PROVIDER_HOSTS = True  # the emulator listens on loopback
    new = _new(Provider.OPENAI_COMPATIBLE, base_url=provider_urls.openai_base_url)
    key, check = services.key_add(membership=world.membership("owner"), new=new, plain=openai_key())
    assert check.status == KeyStatus.VALID, check.message
    assert check.message == "Your server accepted this key."
    assert provider_urls.count(provider="openai", operation="models.list") == 1
    with pytest.raises(services.KeyNotSavedError, match="Your server refused this key"):
        services.key_add(
            membership=world.membership("owner"), new=new, plain="not-an-sk-key-" + bfl_key()
        )

    # Later the operator forbids private hosts: the check refuses to connect, says why.
    key_settings.ALLOW_PRIVATE_PROVIDER_HOSTS = False
    before = provider_urls.count(provider="openai")
    check = services.key_check(key=key, actor=world.owner)
    assert check.status == KeyStatus.UNREACHABLE
    assert "points to this server itself" in check.message
    assert provider_urls.count(provider="openai") == before


def test_an_unreachable_provider_saves_the_key_unchecked(world: World) -> None:
    # The default test settings point every provider at a closed port.
    key, check = services.key_add(
        membership=world.membership("owner"), new=_new(Provider.OPENAI), plain=openai_key()
    )
    assert check.status == KeyStatus.UNREACHABLE
    key.refresh_from_db()
    assert key.status == Status.UNCHECKED
    assert key.check_message == "Could not reach OpenAI."
    assert "saved but unchecked" in services.key_check_sentence(key=key, check=check)
    assert "Try Check now" in services.key_check_sentence(key=key, check=check)


@pytest.mark.parametrize("provider", [Provider.OPENAI, Provider.BFL])
def test_a_slow_provider_never_holds_the_page(
    provider: str, world: World, provider_urls: Emulator, key_settings: Any
) -> None:
    key_settings.KEY_CHECK_TIMEOUT_SECONDS = CHECK_TIMEOUT
    provider_urls.add_fault("slow", value=2 * HELD_UP, operation="*")
    plain = openai_key() if provider == Provider.OPENAI else bfl_key()
    region = "global" if provider == Provider.BFL else ""
    started = time.monotonic()
    key, check = services.key_add(
        membership=world.membership("owner"), new=_new(provider, region), plain=plain
    )
    assert time.monotonic() - started < HELD_UP
    assert check.status == KeyStatus.UNREACHABLE
    key.refresh_from_db()
    assert key.status == Status.UNCHECKED


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback server that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


@pytest.mark.parametrize("provider", [keyed.name for keyed in KEYED])
def test_a_silent_server_never_holds_the_page(
    provider: str, silent_server: str, key_settings: Any
) -> None:
    key_settings.KEY_CHECK_TIMEOUT_SECONDS = CHECK_TIMEOUT
    key_settings.ALLOW_PRIVATE_PROVIDER_HOSTS = True
    key_settings.OPENAI_BASE_URL = silent_server + "/v1"
    key_settings.BFL_BASE_URLS = {"global": silent_server}
    key_settings.GOOGLE_BASE_URL = silent_server
    key_settings.FAL_API_BASE_URL = silent_server + "/v1"
    key_settings.HIAPI_BASE_URL = key_settings.APIMART_BASE_URL = silent_server
    plain = bfl_key() if provider == Provider.BFL else openai_key()
    plain = google_key() if provider == Provider.GOOGLE else plain
    started = time.monotonic()
    check = checks.check_secret(
        provider,
        Secret(plain),
        region="global" if provider == Provider.BFL else "",
        base_url=silent_server + "/v1" if provider == Provider.OPENAI_COMPATIBLE else "",
    )
    assert time.monotonic() - started < HELD_UP
    assert check.status == KeyStatus.UNREACHABLE
    assert check.message.endswith("did not answer within 1 s.") or "reach" in check.message


def test_a_revoked_key_cannot_be_checked(world: World, provider_urls: Emulator) -> None:
    key = store_key(world.membership("owner"))
    key_revoke(key=key, actor=world.owner)
    with pytest.raises(services.crypto.KeyUnavailableError, match="was revoked on"):
        services.key_check(key=key, actor=world.owner)
    assert provider_urls.count(provider="openai") == 0


def test_check_messages_are_scrubbed_before_they_are_stored(world: World) -> None:
    key = store_key(world.membership("owner"))
    leaked = openai_key()
    services.apply_check(
        key, KeyStatus.INVALID, f"Incorrect API key provided: {leaked}", actor=None
    )
    key.refresh_from_db()
    assert leaked not in key.check_message
    assert all(leaked not in e.detail for e in KeyEvent.objects.all())


def test_fal_valid_and_refused(provider_urls: Emulator) -> None:
    """fal's free price lookup: a key of the right shape fal knows is valid, one it does not
    know is refused, and nothing billable is sent."""
    assert checks.check_secret("fal", Secret(FAL_KEY)).status == KeyStatus.VALID
    refused = checks.check_secret("fal", Secret("fal-test-invalid:fal-test-invalid-000"))
    assert refused.status == KeyStatus.INVALID
    assert provider_urls.count(provider="fal", operation="pricing") == 2
    assert provider_urls.count(operation="submit") == 0
