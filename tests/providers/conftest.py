"""Adapters wired to the provider emulator on loopback."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from generation.providers.base import Secret
from generation.providers.bfl import BflClient
from generation.providers.google import GeminiImages
from generation.providers.openai_images import OpenAIImages
from tests.emulator import Emulator

OPENAI_KEY = "sk-test-emulator-key"
BFL_KEY = "bfl-test-emulator-key"
GOOGLE_KEY = "AIza-test-emulator-key"


def bfl_client(emulator: Emulator, key: str = BFL_KEY, base_url: str | None = None) -> BflClient:
    delivery = urlsplit(emulator.url("bfl-delivery"))
    return BflClient(
        Secret(key),
        base_url=base_url or emulator.bfl_base_url,
        delivery_host_suffixes=(delivery.hostname or "",),
        delivery_scheme=delivery.scheme,
    )


def gemini_root(emulator: Emulator) -> str:
    return emulator.gemini_base_url.removesuffix("/v1beta")


@pytest.fixture
def openai_images(emulator: Emulator) -> OpenAIImages:
    return OpenAIImages(Secret(OPENAI_KEY), base_url=emulator.openai_base_url)


@pytest.fixture
def bfl(emulator: Emulator) -> BflClient:
    return bfl_client(emulator)


@pytest.fixture
def gemini(emulator: Emulator) -> GeminiImages:
    return GeminiImages(Secret(GOOGLE_KEY), base_url=gemini_root(emulator))
