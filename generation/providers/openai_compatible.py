"""A self-hosted, OpenAI-compatible images endpoint (e.g. a FLUX server) at a user-given URL.

Same wire protocol as OpenAI, so it reuses that adapter; what differs is trust. The base URL is
checked against the SSRF guard right before every call (not once at save time: DNS can change),
and the connection goes to exactly the addresses that were checked, with redirects refused.
"""

from __future__ import annotations

from dataclasses import replace

import httpx2
from django.conf import settings

from avatarapp.keys.secret import Secret
from avatarapp.ssrf import UnsafeURLError, pinned_sdk_client, validate_base_url
from generation.providers.base import (
    Endpoint,
    ErrorKind,
    GenerationResult,
    ImageRequest,
    KeyCheck,
    KeyStatus,
    PermanentError,
)
from generation.providers.clients import sdk_deadline
from generation.providers.http import SDK_TIMEOUT
from generation.providers.openai_images import OpenAIImages

NAME = "Your server"


class OpenAICompatibleImages:
    provider_name = NAME

    def __init__(
        self,
        api_key: Secret,
        base_url: str,
        *,
        allow_private: bool = False,
        timeout: httpx2.Timeout = SDK_TIMEOUT,
        model: str = "",
    ) -> None:
        self._key = api_key
        self._base_url = base_url
        self._model = model  # the server's own name for its model; empty: the catalog's
        self._allow_private = allow_private
        self._timeout = timeout

    def _adapter(self) -> OpenAIImages:
        try:
            checked = validate_base_url(self._base_url, allow_private=self._allow_private)
        except UnsafeURLError as error:
            raise PermanentError(str(error), kind=ErrorKind.INVALID, provider_code="ssrf") from None
        adapter = OpenAIImages(
            self._key,
            base_url=checked.url,
            timeout=self._timeout,
            http_client=pinned_sdk_client(checked, timeout=self._timeout),
        )
        adapter.provider_name = NAME
        return adapter

    def generate(self, request: ImageRequest) -> GenerationResult:
        if self._model:
            request = replace(request, model=self._model)
        return self._adapter().generate(request)

    def check_key(self) -> KeyCheck:
        try:
            adapter = self._adapter()
        except PermanentError as error:
            return KeyCheck(KeyStatus.UNREACHABLE, error.user_message)
        return adapter.check_key()


# --- How the studio builds this adapter and checks a key with it (see its registry entry) -----


def key_check(secret: Secret, where: Endpoint, seconds: float) -> KeyCheck:
    """The URL is re-checked by the SSRF guard now (DNS may have changed since the key was saved)
    and reached only at the checked addresses, by the adapter the pipeline uses."""
    allow_private = settings.ALLOW_PRIVATE_PROVIDER_HOSTS
    timeout = sdk_deadline(seconds)
    adapter = OpenAICompatibleImages(
        secret, where.base_url, allow_private=allow_private, timeout=timeout
    )
    return adapter.check_key()


def client_for(secret: Secret | None, where: Endpoint) -> OpenAICompatibleImages:
    assert secret is not None
    allow_private = settings.ALLOW_PRIVATE_PROVIDER_HOSTS
    return OpenAICompatibleImages(
        secret, where.base_url, allow_private=allow_private, model=where.model
    )
