"""Google Gemini image models ("Nano Banana") through `generateContent`.

Synchronous: one POST returns the image inline. Reference images travel inline too. A safety block
shows either as `promptFeedback.blockReason` (the prompt) or as a `finishReason` such as
IMAGE_SAFETY (the output); both are permanent moderation errors.
"""

from __future__ import annotations

import base64
from typing import Any

import httpx
from django.conf import settings

from avatarapp.keys.secret import Secret
from generation.providers.base import (
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

GOOGLE_BASE_URL = "https://generativelanguage.googleapis.com"
NAME = "Google"
SAFETY_FINISH_REASONS = {"IMAGE_SAFETY", "PROHIBITED_CONTENT", "SAFETY", "BLOCKLIST", "SPII"}
# models.list: at most 1000 models a page (ai.google.dev); a list that has not ended after this
# many pages is not one to trust.
LIST_PAGE_SIZE = 1000
LIST_PAGES_MAX = 20


def is_image_model(model_id: str) -> bool:
    """The model list names every Gemini model (text, embeddings...); these draw images
    ("...-image", "imagen-...", and "gemini-nano-banana-2.1"; catalog/data/google.py lists them)."""
    return "image" in model_id or "nano-banana" in model_id


def list_image_models(
    api_key: Secret,
    *,
    base_url: str = GOOGLE_BASE_URL,
    http_client: httpx.Client | None = None,
    page_size: int = LIST_PAGE_SIZE,
) -> frozenset[str]:
    """The image model ids `GET /v1beta/models` names for this key (free), every page of it, as
    `generateContent` takes them ("models/" left off). Raises a ProviderError when any page
    cannot be read: part of a list must never pass for the list."""
    adapter = GeminiImages(api_key, base_url=base_url, http_client=http_client)
    return adapter.image_model_ids(page_size)


def generate_body(request: ImageRequest) -> dict[str, Any]:
    parts: list[dict[str, Any]] = [{"text": request.prompt}]
    parts += [
        {"inline_data": {"mime_type": r.mime_type, "data": base64.b64encode(r.data).decode()}}
        for r in request.references
    ]
    image_config: dict[str, str] = {}
    if request.aspect_ratio:
        image_config["aspectRatio"] = request.aspect_ratio
    if request.image_size:
        image_config["imageSize"] = request.image_size
    config: dict[str, Any] = {"responseModalities": ["TEXT", "IMAGE"]}
    if image_config:
        config["imageConfig"] = image_config
    return {"contents": [{"parts": parts}], "generationConfig": config}


class GeminiImages:
    provider_name = NAME

    def __init__(
        self,
        api_key: Secret,
        *,
        base_url: str = GOOGLE_BASE_URL,
        http_client: httpx.Client | None = None,
    ) -> None:
        self._key = api_key
        self._base_url = base_url.rstrip("/")
        self._http = http_client or httpx.Client(timeout=DEFAULT_TIMEOUT, follow_redirects=False)

    def generate(self, request: ImageRequest) -> GenerationResult:
        url = f"{self._base_url}/v1beta/models/{request.model}:generateContent"
        try:
            response = self._http.post(url, json=generate_body(request), headers=self._headers())
        except httpx.TransportError as error:
            raise transport_error(error, provider=NAME, idempotent=False) from None
        if response.status_code != 200:
            raise _status_error(response)
        data = response.json()
        block = (data.get("promptFeedback") or {}).get("blockReason")
        if block:
            raise PermanentError(
                f"{NAME}'s safety filter refused the prompt ({block}). Change the prompt or style.",
                kind=ErrorKind.MODERATION,
                provider_code=f"prompt:{block}",
            )
        candidate = (data.get("candidates") or [{}])[0]
        finish = candidate.get("finishReason")
        images = tuple(_inline_images(candidate))
        if finish in SAFETY_FINISH_REASONS:
            raise PermanentError(
                f"{NAME}'s safety filter withheld the image ({finish}). Try another prompt.",
                kind=ErrorKind.MODERATION,
                provider_code=f"finish:{finish}",
            )
        if not images:
            raise PermanentError(
                f"{NAME} answered without an image (finish reason {finish}). Retry, or rephrase.",
                kind=ErrorKind.FAILED,
                provider_code=f"finish:{finish}",
            )
        return GenerationResult(
            images=images,
            usage=_usage(data.get("usageMetadata") or {}),
            request_id=data.get("responseId"),
        )

    def check_key(self) -> KeyCheck:
        """`GET /v1beta/models` is free and refuses a bad key; its pages are also the key's model
        list, kept on the check (`model_ids`, None when a later page fails: the verdict stands)."""
        try:
            response = self._models_page(LIST_PAGE_SIZE, "")
        except httpx.TransportError:
            return KeyCheck(KeyStatus.UNREACHABLE, f"Could not reach {NAME}.")
        if response.status_code == 200:
            try:
                ids: frozenset[str] | None = self._image_ids(response, LIST_PAGE_SIZE)
            except (ProviderError, ValueError):
                ids = None
            return KeyCheck(KeyStatus.VALID, f"{NAME} accepted this key.", model_ids=ids)
        error = _status_error(response)
        if isinstance(error, PermanentError) and error.kind == ErrorKind.AUTH:
            return KeyCheck(KeyStatus.INVALID, f"{NAME} refused this key.")
        if isinstance(error, PermanentError) and error.kind == ErrorKind.FORBIDDEN:
            return KeyCheck(KeyStatus.RESTRICTED, error.user_message)
        return KeyCheck(KeyStatus.UNREACHABLE, f"{NAME} answered {response.status_code}.")

    def image_model_ids(self, page_size: int = LIST_PAGE_SIZE) -> frozenset[str]:
        return self._image_ids(self._good_page(page_size, ""), page_size)

    def _models_page(self, page_size: int, token: str) -> httpx.Response:
        params = {"pageSize": str(page_size), **({"pageToken": token} if token else {})}
        url = f"{self._base_url}/v1beta/models"
        return self._http.get(url, params=params, headers=self._headers(), timeout=POLL_TIMEOUT)

    def _good_page(self, page_size: int, token: str) -> httpx.Response:
        try:
            response = self._models_page(page_size, token)
        except httpx.TransportError as error:
            raise transport_error(error, provider=NAME, idempotent=True) from None
        if response.status_code != 200:
            raise _status_error(response)
        return response

    def _image_ids(self, first: httpx.Response, page_size: int) -> frozenset[str]:
        """The image model ids of every page, `first` being page one."""
        names: set[str] = set()
        response = first
        for _page in range(LIST_PAGES_MAX):
            body = response.json()
            names.update(
                str(m.get("name", "")).removeprefix("models/") for m in body.get("models") or []
            )
            token = body.get("nextPageToken") or ""
            if not token:
                return frozenset(filter(is_image_model, names))
            response = self._good_page(page_size, token)
        raise RetryableError(f"{NAME}'s model list did not end after {LIST_PAGES_MAX} pages.")

    def _headers(self) -> dict[str, str]:
        return {"x-goog-api-key": self._key.reveal()}


def _inline_images(candidate: dict[str, Any]) -> list[GeneratedImage]:
    images = []
    for part in (candidate.get("content") or {}).get("parts") or []:
        inline = part.get("inlineData") or part.get("inline_data")
        if inline and inline.get("data"):
            images.append(generated_image(base64.b64decode(inline["data"]), provider=NAME))
    return images


def _usage(meta: dict[str, Any]) -> Usage:
    by_modality = {
        d.get("modality"): d.get("tokenCount", 0) for d in meta.get("candidatesTokensDetails") or []
    }
    return Usage(
        input_text_tokens=meta.get("promptTokenCount", 0),
        output_tokens=by_modality.get("IMAGE", meta.get("candidatesTokenCount", 0)),
    )


def _status_error(response: httpx.Response) -> ProviderError:
    try:
        error = response.json().get("error") or {}
    except ValueError:
        error = {}
    status = str(error.get("status") or "")
    message = str(error.get("message") or f"HTTP {response.status_code}")
    details = error.get("details") or []
    reasons = {str(d.get("reason")) for d in details if isinstance(d, dict)}
    if "API_KEY_INVALID" in reasons or response.status_code == 401:
        return PermanentError(
            f"{NAME} refused the key. Check it under Settings -> Provider keys.",
            kind=ErrorKind.AUTH,
            provider_code="API_KEY_INVALID",
        )
    if response.status_code == 403:
        return PermanentError(
            f"{NAME} will not let this key use the model: {message}",
            kind=ErrorKind.FORBIDDEN,
            provider_code=status,
        )
    if response.status_code == 404:
        return PermanentError(
            f"{NAME} does not offer this model (any more). Choose another model.",
            kind=ErrorKind.RETIRED_MODEL,
            provider_code=status,
        )
    if response.status_code == 429:
        # RESOURCE_EXHAUSTED covers both a short rate limit (with RetryInfo) and a spent daily or
        # billing quota (QuotaFailure, "exceeded your current quota"), which waiting will not fix.
        quota_spent = "exceeded your current quota" in message.lower() or any(
            "QuotaFailure" in str(d.get("@type", "")) for d in details if isinstance(d, dict)
        )
        if quota_spent:
            return PermanentError(
                f"The {NAME} quota for this key is used up. Raise it, or use another key.",
                kind=ErrorKind.QUOTA,
                provider_code=status,
            )
        return RetryableError(
            f"{NAME} is rate limiting this key. We will try again shortly.",
            retry_after=_retry_delay(details) or retry_after_seconds(response.headers),
            provider_code=status,
            rate_limited=True,
        )
    if response.status_code >= 500:
        return RetryableError(
            f"{NAME} is having trouble ({response.status_code}). We will try again shortly.",
            retry_after=retry_after_seconds(response.headers),
            provider_code=status,
        )
    return PermanentError(
        f"{NAME} refused the request: {message}", kind=ErrorKind.INVALID, provider_code=status
    )


def _retry_delay(details: list[Any]) -> float | None:
    for detail in details:
        if isinstance(detail, dict) and "RetryInfo" in str(detail.get("@type", "")):
            delay = str(detail.get("retryDelay", "")).rstrip("s")
            try:
                return float(delay)
            except ValueError:
                return None
    return None


# --- How the studio builds this adapter and checks a key with it (see its registry entry) -----


def key_check(secret: Secret, _where: Endpoint, seconds: float) -> KeyCheck:
    with deadline_client(seconds) as http:
        return GeminiImages(secret, base_url=settings.GOOGLE_BASE_URL, http_client=http).check_key()


def client_for(secret: Secret | None, _where: Endpoint) -> GeminiImages:
    assert secret is not None
    return GeminiImages(secret, base_url=settings.GOOGLE_BASE_URL, http_client=thread_http_client())


def model_list(secret: Secret, _where: Endpoint) -> frozenset[str]:
    with httpx.Client(follow_redirects=False) as http:
        return list_image_models(secret, base_url=settings.GOOGLE_BASE_URL, http_client=http)
