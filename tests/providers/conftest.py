"""Adapters wired to the provider emulator on loopback."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from avatarapp.keys.secret import Secret
from generation.providers import apimart, hiapi
from generation.providers.bfl import BflClient
from generation.providers.fal import FalClient
from generation.providers.google import GeminiImages
from generation.providers.http import HostAllowlist
from generation.providers.openai_images import OpenAIImages
from generation.providers.openrouter import OpenRouterImages
from generation.providers.task_gateway import TaskGatewayClient
from tests.emulator import Emulator
from tests.emulator.routes import BFL_POLL_ALIASES, BFL_SUBMIT_ALIASES

OPENAI_KEY = "sk-test-emulator-key"
BFL_KEY = "bfl-test-emulator-key"
GOOGLE_KEY = "AIza-test-emulator-key"
FAL_KEY = "fal-test-emulator-id:fal-test-emulator-secret-0000"
OPENROUTER_KEY = "sk-or-v1-test-emulator-key"
HIAPI_KEY = "sk-test-hiapi-emulator-key"
APIMART_KEY = "sk-test-apimart-emulator-key"


def bfl_allowlists(emulator: Emulator) -> tuple[HostAllowlist, HostAllowlist]:
    """(polling, delivery): the emulator's plain-http aliases that stand for BFL's own hosts (any
    BFL API host may be polled, as ".bfl.ai" allows in production)."""
    api_aliases = sorted(BFL_POLL_ALIASES | BFL_SUBMIT_ALIASES)
    polls = [urlsplit(emulator.url(alias)) for alias in api_aliases]
    delivery = urlsplit(emulator.url("bfl-delivery"))
    return (
        HostAllowlist(polls[0].scheme, tuple(str(poll.hostname) for poll in polls)),
        HostAllowlist(delivery.scheme, (str(delivery.hostname),)),
    )


def bfl_host_settings(emulator: Emulator) -> dict[str, str]:
    """The same, as the environment variables a worker process reads."""
    polling, delivery = bfl_allowlists(emulator)
    return {
        "BFL_POLL_HOSTS": ",".join(polling.hosts),
        "BFL_POLL_SCHEME": polling.scheme,
        "BFL_DELIVERY_HOSTS": ",".join(delivery.hosts),
        "BFL_DELIVERY_SCHEME": delivery.scheme,
    }


def fal_host_settings(emulator: Emulator) -> dict[str, str]:
    """fal's settings, as the environment variables a worker process reads: the emulator's queue
    alias stands for queue.fal.run, its delivery alias (an exact origin) for fal's CDN."""
    queue = urlsplit(emulator.fal_queue_url)
    return {
        "FAL_QUEUE_BASE_URL": emulator.fal_queue_url,
        "FAL_API_BASE_URL": emulator.fal_api_url,
        "FAL_QUEUE_HOSTS": str(queue.hostname),
        "FAL_QUEUE_SCHEME": queue.scheme,
        "FAL_DELIVERY_ORIGINS": emulator.url("fal-delivery"),
    }


def fal_client(emulator: Emulator, key: str = FAL_KEY) -> FalClient:
    queue = urlsplit(emulator.fal_queue_url)
    return FalClient(
        Secret(key),
        base_url=emulator.fal_queue_url,
        api_base_url=emulator.fal_api_url,
        queue_hosts=HostAllowlist(queue.scheme, (str(queue.hostname),)),
        delivery_origins=(emulator.url("fal-delivery"),),
    )


def bfl_client(
    emulator: Emulator, key: str | Secret = BFL_KEY, base_url: str | None = None
) -> BflClient:
    polling, delivery = bfl_allowlists(emulator)
    return BflClient(
        key if isinstance(key, Secret) else Secret(key),
        base_url=base_url or emulator.bfl_base_url,
        polling_hosts=polling,
        delivery_hosts=delivery,
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


@pytest.fixture
def openrouter(emulator: Emulator) -> OpenRouterImages:
    return OpenRouterImages(Secret(OPENROUTER_KEY), base_url=emulator.openrouter_base_url)


def gateway_settings(emulator: Emulator) -> dict[str, str]:
    """HiAPI and APIMart on the emulator, as the environment variables a worker process reads. Their
    results are on the emulator's loopback CDN alias, which the SSRF guard lets through only when
    private provider hosts are allowed."""
    return {
        "HIAPI_BASE_URL": emulator.hiapi_base_url,
        "APIMART_BASE_URL": emulator.apimart_base_url,
        "ALLOW_PRIVATE_PROVIDER_HOSTS": "true",
    }


def gateway_client(
    emulator: Emulator, provider: str, key: str | None = None, *, allow_private: bool = True
) -> TaskGatewayClient:
    """The adapter of `provider` ("hiapi" or "apimart") on the emulator."""
    if provider == "hiapi":
        return hiapi.HiapiClient(
            hiapi.DIALECT,
            Secret(key or HIAPI_KEY),
            base_url=emulator.hiapi_base_url,
            allow_private_results=allow_private,
        )
    return TaskGatewayClient(
        apimart.DIALECT,
        Secret(key or APIMART_KEY),
        base_url=emulator.apimart_base_url,
        allow_private_results=allow_private,
    )
