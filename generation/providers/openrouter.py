"""OpenRouter: image models of several labs through chat completions with image output.

Synchronous: one `POST /chat/completions` asks for the image modality and the answer's message
carries the images as base64 data URLs. Every answer reports what OpenRouter billed in
`usage.cost` (credits; one credit is one dollar), which the catalog takes over its own table.
Reference images travel as `image_url` content parts, as data URLs. A data URL is data from the
network: it is measured against the image size cap before it is decoded, and refused unless it
holds a PNG, JPEG or WEBP image. Our own HTTP calls, never retried here: a resubmitted chat
request draws (and bills) again.
"""

from __future__ import annotations

import base64
import binascii
import math
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx
from django.conf import settings

from avatarapp.imagesafety import ACCEPTED, MAX_BYTES, UnsafeImageError, sniff
from avatarapp.keys.secret import Secret
from generation.providers.base import (
    AmbiguousError,
    Endpoint,
    ErrorKind,
    GeneratedImage,
    GenerationResult,
    ImageRequest,
    KeyCheck,
    KeyStatus,
    PermanentError,
    ProviderError,
    RetryableError,
    Usage,
)
from generation.providers.clients import deadline_client, thread_http_client
from generation.providers.http import (
    DEFAULT_TIMEOUT,
    POLL_TIMEOUT,
    generated_image,
    retry_after_seconds,
    transport_error,
)

OPENROUTER_BASE_URL = "https://openrouter.ai/api/v1"
NAME = "OpenRouter"
# Models that answer with text and images take modalities ["image", "text"]; image-only models
# (FLUX, Seedream) take ["image"] alone.
TEXT_AND_IMAGE_PREFIXES = ("google/", "openai/")
# A finish reason that means a safety system withheld the image: OpenRouter's own, or the
# lab's passed on in `native_finish_reason` (Gemini's).
SAFETY_FINISH_REASONS = {"content_filter", "IMAGE_SAFETY", "PROHIBITED_CONTENT", "SAFETY"}
DATA_URL_IMAGE_TYPES = ("image/png", "image/jpeg", "image/webp")


def chat_body(request: ImageRequest) -> dict[str, Any]:
    content: list[dict[str, Any]] = [{"type": "text", "text": request.prompt}]
    content += [
        {"type": "image_url", "image_url": {"url": data_url(r.mime_type, r.data)}}
        for r in request.references
    ]
    with_text = request.model.startswith(TEXT_AND_IMAGE_PREFIXES)
    body: dict[str, Any] = {
        "model": request.model,
        "messages": [{"role": "user", "content": content}],
        "modalities": ["image", "text"] if with_text else ["image"],
    }
    image_config = {
        name: value
        for name, value in (
            ("aspect_ratio", request.aspect_ratio),
            ("image_size", request.image_size),
        )
        if value
    }
    if image_config:
        body["image_config"] = image_config
    return body


def data_url(mime_type: str, data: bytes) -> str:
    return f"data:{mime_type};base64,{base64.b64encode(data).decode()}"


def image_from_data_url(url: object) -> GeneratedImage:
    """The image a data URL holds, refused with a sentence when it is not a PNG, JPEG or WEBP
    image, or larger than the image size cap (judged from its length, before decoding)."""
    header, comma, payload = url.partition(",") if isinstance(url, str) else ("", "", "")
    media_type = header.removeprefix("data:").split(";")[0].lower()
    if not comma or not header.startswith("data:") or not header.endswith(";base64"):
        raise _bad_image("an image we can read")
    if media_type not in DATA_URL_IMAGE_TYPES:
        raise _bad_image(f"a {ACCEPTED} image ({media_type or 'no type'})")
    if math.floor(len(payload) * 3 / 4) > MAX_BYTES + 2:  # base64: 4 characters per 3 bytes
        raise _bad_image(f"an image under the {MAX_BYTES // (1024 * 1024)} MB limit")
    try:
        data = base64.b64decode(payload, validate=True)
        sniff(data)
    except (binascii.Error, ValueError, UnsafeImageError):
        raise _bad_image(f"a {ACCEPTED} image") from None
    if len(data) > MAX_BYTES:
        raise _bad_image(f"an image under the {MAX_BYTES // (1024 * 1024)} MB limit")
    return generated_image(data, provider=NAME)


def _bad_image(expected: str) -> PermanentError:
    return PermanentError(
        f"{NAME} answered with something that is not {expected}. Retry, or choose another model.",
        kind=ErrorKind.FAILED,
        provider_code="bad_image",
    )


class OpenRouterImages:
    provider_name = NAME

    def __init__(
        self,
        api_key: Secret,
        *,
        base_url: str = OPENROUTER_BASE_URL,
        http_client: httpx.Client | None = None,
    ) -> None:
        self._key = api_key
        self._base_url = base_url.rstrip("/")
        self._http = http_client or httpx.Client(timeout=DEFAULT_TIMEOUT, follow_redirects=False)

    def generate(self, request: ImageRequest) -> GenerationResult:
        url = f"{self._base_url}/chat/completions"
        try:
            response = self._http.post(url, json=chat_body(request), headers=self._headers())
        except httpx.TransportError as error:
            raise transport_error(error, provider=NAME, idempotent=False) from None
        body = _json(response)
        # An error after the model started comes as HTTP 200 with `error` in the body.
        if response.status_code != 200 or body.get("error"):
            raise status_error(response.status_code, body, response.headers)
        choice = (body.get("choices") or [{}])[0]
        message = choice.get("message") or {}
        urls = [(item.get("image_url") or {}).get("url") for item in message.get("images") or []]
        if not urls:
            raise _no_image(choice)
        return GenerationResult(
            images=tuple(image_from_data_url(u) for u in urls),
            usage=Usage(cost_usd=reported_cost(body.get("usage"))),
            request_id=body.get("id"),
        )

    def check_key(self) -> KeyCheck:
        """`GET /key` is free and refuses a bad key; the model list is read after it (free too),
        kept on the check as `model_ids` (None when it cannot be read: the verdict stands)."""
        try:
            response = self._http.get(
                f"{self._base_url}/key", headers=self._headers(), timeout=POLL_TIMEOUT
            )
        except httpx.TransportError:
            return KeyCheck(KeyStatus.UNREACHABLE, f"Could not reach {NAME}.")
        if response.status_code != 200:
            error = status_error(response.status_code, _json(response), response.headers)
            if isinstance(error, PermanentError) and error.kind == ErrorKind.AUTH:
                return KeyCheck(KeyStatus.INVALID, f"{NAME} refused this key.")
            return KeyCheck(KeyStatus.UNREACHABLE, f"{NAME} answered {response.status_code}.")
        try:
            ids: frozenset[str] | None = self.image_model_ids()
        except ProviderError:
            ids = None
        return KeyCheck(KeyStatus.VALID, f"{NAME} accepted this key.", model_ids=ids)

    def image_model_ids(self) -> frozenset[str]:
        """The ids of the models `GET /models?output_modalities=image` names (free); each
        model's own output modalities are checked too, in case the filter is not applied."""
        try:
            response = self._http.get(
                f"{self._base_url}/models",
                params={"output_modalities": "image"},
                headers=self._headers(),
                timeout=POLL_TIMEOUT,
            )
        except httpx.TransportError as error:
            raise transport_error(error, provider=NAME, idempotent=True) from None
        body = _json(response)
        if response.status_code != 200:
            raise status_error(response.status_code, body, response.headers)
        return frozenset(
            str(model["id"])
            for model in body.get("data") or []
            if isinstance(model, dict)
            and model.get("id")
            and "image" in ((model.get("architecture") or {}).get("output_modalities") or ["image"])
        )

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._key.reveal()}"}


def reported_cost(usage: object) -> Decimal | None:
    """`usage.cost` in dollars; None when missing or not a sensible amount (the catalog's table
    is used then)."""
    cost = usage.get("cost") if isinstance(usage, dict) else None
    if isinstance(cost, bool) or not isinstance(cost, int | float | str):
        return None
    try:
        amount = Decimal(str(cost))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() and amount >= 0 else None


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        return _dict(response.json())
    except ValueError:
        return {}


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _no_image(choice: dict[str, Any]) -> PermanentError:
    reasons = {str(choice.get("finish_reason")), str(choice.get("native_finish_reason"))}
    withheld = reasons & SAFETY_FINISH_REASONS
    if withheld:
        return PermanentError(
            f"{NAME}'s safety filter withheld the image ({sorted(withheld)[0]}). "
            "Try another prompt or style.",
            kind=ErrorKind.MODERATION,
            provider_code=f"finish:{sorted(withheld)[0]}",
        )
    return PermanentError(
        f"{NAME} answered without an image (finish reason {choice.get('finish_reason')}). "
        "Retry, or rephrase.",
        kind=ErrorKind.FAILED,
        provider_code=f"finish:{choice.get('finish_reason')}",
    )


def status_error(status: int, body: dict[str, Any], headers: httpx.Headers) -> ProviderError:
    """OpenRouter's errors, `{"error": {"code": <http status>, "message", "metadata"}}`, onto the
    taxonomy. The code inside the body wins: errors after the model started arrive as HTTP 200."""
    error = _dict(body.get("error"))
    code = error["code"] if isinstance(error.get("code"), int) else status
    message = str(error.get("message") or f"HTTP {code}")
    metadata = _dict(error.get("metadata"))
    provider_code = str(code)
    if code == 401:
        return PermanentError(
            f"{NAME} refused the key. Check it under Settings -> Provider keys.",
            kind=ErrorKind.AUTH,
            provider_code=provider_code,
        )
    if code == 402:
        return PermanentError(
            f"The {NAME} account is out of credits. Add credits on OpenRouter, or use another key.",
            kind=ErrorKind.QUOTA,
            provider_code=provider_code,
        )
    if code == 403 and ("reasons" in metadata or "flagged_input" in metadata):
        return PermanentError(
            f"{NAME}'s moderation refused the prompt. Change the prompt or style and try again.",
            kind=ErrorKind.MODERATION,
            provider_code="moderation",
        )
    if code == 403:
        return PermanentError(
            f"{NAME} will not let this key use the model: {message}",
            kind=ErrorKind.FORBIDDEN,
            provider_code=provider_code,
        )
    if code == 404 or (code == 400 and "not a valid model" in message.lower()):
        return PermanentError(
            f"{NAME} does not offer this model (any more). Choose another model.",
            kind=ErrorKind.RETIRED_MODEL,
            provider_code=provider_code,
        )
    if code == 408:
        # OpenRouter gave up waiting for the model, which may still draw and bill: never sent
        # again blindly (whether a timed-out request is billed is not published).
        return AmbiguousError(
            f"{NAME} timed out waiting for the model; it may still have made (and billed) the "
            "image, so we will not send it again automatically."
        )
    # 429: rate limited; 502: the model is down or answered nonsense; 503: no provider meets the
    # routing rules.
    if code == 429 or code >= 500:
        return RetryableError(
            f"{NAME} is busy or the model is down ({code}). We will try again shortly.",
            retry_after=retry_after_seconds(headers),
            provider_code=provider_code,
            rate_limited=code == 429,
        )
    return PermanentError(
        f"{NAME} refused the request: {message}",
        kind=ErrorKind.INVALID,
        provider_code=provider_code,
    )


# --- How the studio builds this adapter and checks a key with it (see its registry entry) -----


def key_check(secret: Secret, _where: Endpoint, seconds: float) -> KeyCheck:
    with deadline_client(seconds) as http:
        adapter = OpenRouterImages(secret, base_url=settings.OPENROUTER_BASE_URL, http_client=http)
        return adapter.check_key()


def client_for(secret: Secret | None, _where: Endpoint) -> OpenRouterImages:
    assert secret is not None
    return OpenRouterImages(
        secret, base_url=settings.OPENROUTER_BASE_URL, http_client=thread_http_client()
    )


def model_list(secret: Secret, _where: Endpoint) -> frozenset[str]:
    with httpx.Client(follow_redirects=False) as http:
        adapter = OpenRouterImages(secret, base_url=settings.OPENROUTER_BASE_URL, http_client=http)
        return adapter.image_model_ids()
