"""Live key checks against each provider's free endpoint, with a hard deadline.

A check runs while a person waits for the page, so it must end quickly whatever the provider
does. Two layers: every HTTP operation gets a short timeout (the adapters pass their own 20 s poll
timeout per request, so `_DeadlineClient` overrides it), and the whole check runs in a daemon
thread we stop waiting for after KEY_CHECK_TIMEOUT_SECONDS (a server that trickles bytes can
outlast per-operation timeouts). An abandoned thread ends by itself at its own timeouts.

OpenAI-compatible servers are user-supplied URLs: they are re-checked by the SSRF guard at check
time (DNS may have changed since the key was saved) and reached through its pinned httpx2 client
(`pinned_sdk_client`: the checked addresses only, no redirects), by the same OpenAI adapter the
pipeline uses, so `GET {base_url}/models` answers map to the same statuses.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from typing import Any

import httpx
import httpx2
from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from avatarapp.keys.models import Provider, Region
from avatarapp.keys.redaction import redact
from avatarapp.ssrf import UnsafeURLError, pinned_sdk_client, validate_base_url
from generation.providers.base import KeyCheck, KeyStatus, Secret
from generation.providers.bfl import BflClient
from generation.providers.google import GeminiImages
from generation.providers.openai_images import OpenAIImages

log = logging.getLogger(__name__)

PROVIDER_NAMES = {
    Provider.OPENAI: "OpenAI",
    Provider.BFL: "Black Forest Labs",
    Provider.GOOGLE: "Google",
    Provider.OPENAI_COMPATIBLE: "Your server",
}


class _DeadlineClient(httpx.Client):
    """An httpx client whose own timeout wins over any per-request timeout a caller passes."""

    def request(self, method: str, url: Any, **kwargs: Any) -> httpx.Response:
        kwargs["timeout"] = self.timeout
        return super().request(method, url, **kwargs)


def _seconds() -> float:
    return float(settings.KEY_CHECK_TIMEOUT_SECONDS)


def _httpx_timeout() -> httpx.Timeout:
    total = _seconds()
    return httpx.Timeout(total, connect=min(3.0, total))


@sensitive_variables("secret")
def check_secret(
    provider: str, secret: Secret, *, region: str = "", base_url: str = ""
) -> KeyCheck:
    """The provider's verdict on `secret`, within KEY_CHECK_TIMEOUT_SECONDS. Never raises."""
    outcome: list[KeyCheck] = []

    def run() -> None:
        try:
            outcome.append(_check(Provider(provider), secret, region=region, base_url=base_url))
        except Exception as exc:  # the page must get an answer; the type is enough to debug
            log.warning("Key check for %s failed with %s.", provider, type(exc).__name__)
            outcome.append(KeyCheck(KeyStatus.UNREACHABLE, "The check failed unexpectedly."))

    worker = threading.Thread(target=run, name="key-check", daemon=True)
    worker.start()
    worker.join(_seconds())
    if not outcome:
        name = PROVIDER_NAMES[Provider(provider)]
        return KeyCheck(KeyStatus.UNREACHABLE, f"{name} did not answer within {_seconds():g} s.")
    check = outcome[0]
    return dataclasses.replace(check, message=redact(check.message)[:300])


def _sdk_timeout() -> httpx2.Timeout:
    total = _seconds()
    return httpx2.Timeout(total, connect=min(3.0, total))


def _check(provider: Provider, secret: Secret, *, region: str, base_url: str) -> KeyCheck:
    if provider == Provider.OPENAI:
        with httpx2.Client(timeout=_sdk_timeout(), follow_redirects=False) as sdk_http:
            adapter = OpenAIImages(
                secret,
                base_url=settings.OPENAI_BASE_URL,
                timeout=_sdk_timeout(),
                http_client=sdk_http,
            )
            return adapter.check_key()
    if provider == Provider.OPENAI_COMPATIBLE:
        return _check_compatible(secret, base_url)
    with _DeadlineClient(timeout=_httpx_timeout(), follow_redirects=False) as http:
        if provider == Provider.BFL:
            url = settings.BFL_BASE_URLS[region or Region.GLOBAL]
            return BflClient(secret, base_url=url, http_client=http).check_key()
        return GeminiImages(secret, base_url=settings.GOOGLE_BASE_URL, http_client=http).check_key()


def _check_compatible(secret: Secret, base_url: str) -> KeyCheck:
    try:
        checked = validate_base_url(base_url, allow_private=settings.ALLOW_PRIVATE_PROVIDER_HOSTS)
    except UnsafeURLError as error:
        return KeyCheck(KeyStatus.UNREACHABLE, str(error))
    with pinned_sdk_client(checked, timeout=_sdk_timeout()) as http:
        adapter = OpenAIImages(
            secret, base_url=checked.url, timeout=_sdk_timeout(), http_client=http
        )
        adapter.provider_name = PROVIDER_NAMES[Provider.OPENAI_COMPATIBLE]
        return adapter.check_key()
