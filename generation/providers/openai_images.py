"""OpenAI Images (GPT image models) through the official `openai` SDK.

Named openai_images rather than openai so that `import openai` inside the package can never pick
up this module by mistake. The SDK retries twice by default, also on read timeouts, and sends no
idempotency key: a retried image POST can bill twice. So `max_retries=0`, and our own job logic
decides what to retry (generation/failed_attempts.py).
"""

from __future__ import annotations

import base64
from typing import Any

import httpx2
import openai
from django.conf import settings

from avatarapp.keys.secret import Secret
from generation.providers.base import (
    Endpoint,
    ErrorKind,
    GenerationResult,
    ImageRequest,
    KeyCheck,
    KeyStatus,
    PermanentError,
    ProviderError,
    RetryableError,
    Usage,
)
from generation.providers.clients import sdk_deadline, sdk_deadline_client, thread_sdk_http_client
from generation.providers.http import (
    SDK_TIMEOUT,
    generated_image,
    retry_after_seconds,
    transport_error,
)

OPENAI_BASE_URL = "https://api.openai.com/v1"
# The model list names every model of the account (text, audio, embeddings...): these are the
# image models, DALL-E's included (OpenAI's model lifecycle documentation).
IMAGE_MODEL_PREFIXES = ("gpt-image-", "chatgpt-image-", "dall-e-")


# A list answers at once or not at all: no image to wait for.
LIST_TIMEOUT = httpx2.Timeout(connect=5.0, read=20.0, write=10.0, pool=5.0)


def list_image_models(
    api_key: Secret,
    *,
    base_url: str = OPENAI_BASE_URL,
    http_client: httpx2.Client | None = None,
) -> frozenset[str]:
    """The image model ids `GET /models` names for this key's account (free). Raises a
    ProviderError when the list cannot be read."""
    adapter = OpenAIImages(
        api_key, base_url=base_url, timeout=LIST_TIMEOUT, http_client=http_client
    )
    return adapter.image_model_ids()


class OpenAIImages:
    provider_name = "OpenAI"

    def __init__(
        self,
        api_key: Secret,
        *,
        base_url: str = OPENAI_BASE_URL,
        timeout: httpx2.Timeout = SDK_TIMEOUT,
        http_client: httpx2.Client | None = None,
    ) -> None:
        self._client = openai.OpenAI(
            api_key=api_key.reveal(),
            base_url=base_url,
            timeout=timeout,
            max_retries=0,
            http_client=http_client,
        )

    def generate(self, request: ImageRequest) -> GenerationResult:
        params = self._params(request)
        try:
            if request.references:
                raw = self._client.images.with_raw_response.edit(
                    image=[
                        (f"reference-{i}.{r.mime_type.split('/')[1]}", r.data, r.mime_type)
                        for i, r in enumerate(request.references, start=1)
                    ],
                    **params,
                )
            else:
                raw = self._client.images.with_raw_response.generate(**params)
        except openai.APIStatusError as error:
            raise self._status_error(error) from None
        except openai.APIConnectionError as error:
            raise transport_error(
                _cause(error), provider=self.provider_name, idempotent=False
            ) from None
        response = raw.parse()
        images = tuple(
            generated_image(base64.b64decode(item.b64_json), provider=self.provider_name)
            for item in response.data or []
            if item.b64_json
        )
        if not images:
            raise PermanentError(
                f"{self.provider_name} answered without an image.", kind=ErrorKind.FAILED
            )
        return GenerationResult(
            images=images, usage=_usage(response.usage), request_id=raw.headers.get("x-request-id")
        )

    def check_key(self) -> KeyCheck:
        """`GET /models` costs nothing and fails with 401 for a bad key; it is also the account's
        model list, kept on the check (`model_ids`)."""
        try:
            ids = self._listed_image_models()
        except openai.AuthenticationError:
            return KeyCheck(KeyStatus.INVALID, f"{self.provider_name} refused this key.")
        except openai.PermissionDeniedError as error:
            return KeyCheck(KeyStatus.RESTRICTED, _message(error))
        except openai.APIStatusError as error:
            return KeyCheck(
                KeyStatus.UNREACHABLE, f"{self.provider_name} answered {error.status_code}."
            )
        except openai.APIConnectionError:
            return KeyCheck(KeyStatus.UNREACHABLE, f"Could not reach {self.provider_name}.")
        return KeyCheck(KeyStatus.VALID, f"{self.provider_name} accepted this key.", model_ids=ids)

    def image_model_ids(self) -> frozenset[str]:
        try:
            return self._listed_image_models()
        except openai.APIStatusError as error:
            raise self._status_error(error) from None
        except openai.APIConnectionError as error:
            raise transport_error(
                _cause(error), provider=self.provider_name, idempotent=True
            ) from None

    def _listed_image_models(self) -> frozenset[str]:
        listed = self._client.models.list()
        return frozenset(
            m.id for m in listed if isinstance(m.id, str) and m.id.startswith(IMAGE_MODEL_PREFIXES)
        )

    def _params(self, request: ImageRequest) -> dict[str, Any]:
        # Only fields GPT image models accept: never `response_format` (400 unknown_parameter).
        params: dict[str, Any] = {
            "model": request.model,
            "prompt": request.prompt,
            "n": 1,
            "size": f"{request.width}x{request.height}"
            if request.width and request.height
            else "auto",
            "output_format": request.output_format,
        }
        if request.quality:
            params["quality"] = request.quality
        for name in ("background", "moderation", "output_compression", "input_fidelity"):
            if name in request.extra:
                params[name] = request.extra[name]
        return params

    def _status_error(self, error: openai.APIStatusError) -> ProviderError:
        body = _error_body(error)
        code = body.get("code") or body.get("type") or ""
        message = _message(error)
        status = error.status_code
        if status == 400 and code == "moderation_blocked":
            stage = (body.get("moderation_details") or {}).get("moderation_stage", "input")
            what = "prompt" if stage == "input" else "generated image"
            return PermanentError(
                f"{self.provider_name}'s safety system refused the {what}. Change the prompt or "
                "style and try again.",
                kind=ErrorKind.MODERATION,
                provider_code=f"moderation_blocked:{stage}",
            )
        if status == 401:
            return PermanentError(
                f"{self.provider_name} refused the key. Check it under Settings -> Provider keys.",
                kind=ErrorKind.AUTH,
                provider_code=code,
            )
        if status == 403:
            return PermanentError(
                f"{self.provider_name} will not let this account use the model yet: {message} "
                "(for GPT image models, verify your organisation in the OpenAI dashboard).",
                kind=ErrorKind.FORBIDDEN,
                provider_code=code,
            )
        if status == 404:
            return PermanentError(
                f"{self.provider_name} does not offer this model (any more). Choose another model.",
                kind=ErrorKind.RETIRED_MODEL,
                provider_code=code,
            )
        if status == 429 and code == "insufficient_quota":
            return PermanentError(
                f"The {self.provider_name} account is out of credit. Add credit with the provider, "
                "or use another key.",
                kind=ErrorKind.QUOTA,
                provider_code=code,
            )
        if status == 429 or status >= 500:
            return RetryableError(
                f"{self.provider_name} is busy ({status}). We will try again shortly.",
                retry_after=retry_after_seconds(error.response.headers),
                provider_code=code or str(status),
                rate_limited=status == 429,
            )
        return PermanentError(
            f"{self.provider_name} refused the request: {message}",
            kind=ErrorKind.INVALID,
            provider_code=code or str(status),
        )


def _cause(error: openai.APIConnectionError) -> Exception:
    """The SDK wraps httpx's exception; its class tells whether the request was sent."""
    cause = error.__cause__
    return cause if isinstance(cause, Exception) else error


def _error_body(error: openai.APIStatusError) -> dict[str, Any]:
    body = error.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        return inner if isinstance(inner, dict) else {}
    return {}


def _message(error: openai.APIStatusError) -> str:
    return str(_error_body(error).get("message") or f"HTTP {error.status_code}")


def _usage(usage: Any) -> Usage:
    if usage is None:
        return Usage()
    details = getattr(usage, "input_tokens_details", None)
    return Usage(
        input_text_tokens=getattr(details, "text_tokens", 0) or 0,
        input_image_tokens=getattr(details, "image_tokens", 0) or 0,
        output_tokens=getattr(usage, "output_tokens", 0) or 0,
    )


# --- How the studio builds this adapter and checks a key with it (see its registry entry) -----


def key_check(secret: Secret, _where: Endpoint, seconds: float) -> KeyCheck:
    with sdk_deadline_client(seconds) as http:
        adapter = OpenAIImages(
            secret,
            base_url=settings.OPENAI_BASE_URL,
            timeout=sdk_deadline(seconds),
            http_client=http,
        )
        return adapter.check_key()


def client_for(secret: Secret | None, _where: Endpoint) -> OpenAIImages:
    assert secret is not None
    return OpenAIImages(
        secret, base_url=settings.OPENAI_BASE_URL, http_client=thread_sdk_http_client()
    )


def model_list(secret: Secret, _where: Endpoint) -> frozenset[str]:
    with httpx2.Client(follow_redirects=False) as http:
        return list_image_models(secret, base_url=settings.OPENAI_BASE_URL, http_client=http)
