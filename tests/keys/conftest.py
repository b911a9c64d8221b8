"""Every key test runs with a keyring of its own and with provider URLs that lead nowhere, unless
it asks for the emulator (`provider_urls`)."""

from __future__ import annotations

import base64
import os
import secrets
from typing import Any

import pytest

from tests.emulator import Emulator
from tests.providers.conftest import gemini_root

# Port 9 (discard) on loopback: nothing listens, so a forgotten live check fails fast and offline.
NOWHERE = "http://127.0.0.1:9"


def keyring_entry(version: int) -> str:
    return f"{version}:{base64.b64encode(os.urandom(32)).decode()}"


@pytest.fixture(autouse=True)
def key_settings(settings: Any) -> Any:
    settings.KEY_ENCRYPTION_KEYS = keyring_entry(1)
    settings.KEY_FINGERPRINT_SECRET = secrets.token_urlsafe(40)
    settings.KEY_DEV_SECRETS_FILE = None  # a test that forgets the keyring fails loudly
    settings.KEY_CHECK_TIMEOUT_SECONDS = 3
    settings.ALLOW_PRIVATE_PROVIDER_HOSTS = False
    settings.OPENAI_BASE_URL = NOWHERE + "/v1"
    settings.BFL_BASE_URLS = {"global": NOWHERE, "eu": NOWHERE, "us": NOWHERE}
    settings.GOOGLE_BASE_URL = NOWHERE
    settings.FAL_API_BASE_URL = NOWHERE + "/v1"
    settings.OPENROUTER_BASE_URL = NOWHERE + "/api/v1"
    settings.HIAPI_BASE_URL = settings.APIMART_BASE_URL = NOWHERE
    return settings


@pytest.fixture
def provider_urls(key_settings: Any, emulator: Emulator) -> Emulator:
    """Point the live checks at the provider emulator."""
    key_settings.OPENAI_BASE_URL = emulator.openai_base_url
    key_settings.BFL_BASE_URLS = {
        "global": emulator.bfl_base_url,
        "eu": emulator.bfl_eu_base_url,
        "us": emulator.bfl_us_base_url,
    }
    key_settings.GOOGLE_BASE_URL = gemini_root(emulator)
    key_settings.FAL_API_BASE_URL = emulator.fal_api_url
    key_settings.OPENROUTER_BASE_URL = emulator.openrouter_base_url
    key_settings.HIAPI_BASE_URL = emulator.hiapi_base_url
    key_settings.APIMART_BASE_URL = emulator.apimart_base_url
    return emulator
