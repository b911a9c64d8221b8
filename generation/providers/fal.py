"""fal.ai's queue API: submit, poll the returned `status_url`, fetch the result from the
`response_url` the moment it says COMPLETED, then download the image from fal's CDN.

Our own HTTP calls rather than fal's client: that client retries a submit (timeouts, 502-504)
with no idempotency key, which can bill twice; here a submit that may have arrived is ambiguous
and never sent again. Submit and poll are separate calls, as for BFL, so no worker sleeps between
polls. The status, result and cancel URLs are used exactly as fal returns them (they drop the
model's sub-path, so a URL we built would be wrong), and only on fal's queue hosts over https: they
carry the key. Results are fetched at once (fal keeps a large one only 6 minutes) and images
downloaded only from fal's delivery hosts, at public addresses (the SSRF guard), without
following redirects. No fal answer carries a price: the catalog's table prices every image.

A request that failed still reaches COMPLETED, with `error` / `error_type`; its result call
answers the model's own error (422 `detail[]` for validation and content checks).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

import httpx
from django.conf import settings

from avatarapp.keys.secret import Secret
from avatarapp.ssrf import (
    Resolver,
    UnsafeURLError,
    is_allowed_download_host,
    pinned_client,
    system_resolver,
)
from avatarapp.ssrf import validate_base_url as checked_address
from generation.providers.base import (
    AmbiguousError,
    Endpoint,
    ErrorKind,
    GeneratedImage,
    GenerationResult,
    ImageRequest,
    KeyCheck,
    KeyStatus,
    PendingTask,
    PermanentError,
    PollOutcome,
    ProviderError,
    RetryableError,
    TaskStatus,
    Usage,
)
from generation.providers.clients import deadline_client, thread_http_client
from generation.providers.http import (
    DEFAULT_TIMEOUT,
    POLL_TIMEOUT,
    HostAllowlist,
    generated_image,
    retry_after_seconds,
    transport_error,
)

NAME = "fal.ai"
QUEUE_HOSTS = HostAllowlist("https", ("queue.fal.run", "queue.falrun.com"))
DELIVERY_DOMAINS = ("fal.media",)  # v3.fal.media, v3b.fal.media
WORKING = {"IN_QUEUE", "IN_PROGRESS"}
# The CDN files our request makes need live only until we have downloaded them.
LIFECYCLE = '{"expiration_duration_seconds": 3600}'
PRICE_PROBE = "fal-ai/qwen-image-2/text-to-image"  # the key check's free price lookup
# Fields a family's requests always carry: Qwen rewrites prompts with an LLM unless told not to
# (the picture would stop matching the prompt and seed), and Seedream may return up to
# `max_images` pictures per generation, each billed.
FIXED_FIELDS: Mapping[str, Mapping[str, object]] = {
    "fal-ai/qwen-image-2/": {"enable_prompt_expansion": False},
    "fal-ai/bytedance/seedream/": {"max_images": 1},
}
NO_OUTPUT_FORMAT = ("fal-ai/bytedance/seedream/",)  # its schema has no output_format
EDIT_PROMPT_LIMITS = {"fal-ai/qwen-image-2/": 800}  # characters, on the edit endpoints
# A cancel runs while a person waits on the Cancel button: well under POLL_TIMEOUT, two calls.
CANCEL_TIMEOUT = httpx.Timeout(5.0, connect=3.0)


def endpoint_id(request: ImageRequest) -> str:
    """The model's own endpoint, or its edit endpoint when reference images go along
    (`…/text-to-image` -> `…/edit`, `fal-ai/nano-banana-2` -> `fal-ai/nano-banana-2/edit`)."""
    if not request.references:
        return request.model
    return request.model.removesuffix("/text-to-image") + "/edit"


def _family(model: str, table: Mapping[str, Any]) -> Any:
    return next((value for prefix, value in table.items() if model.startswith(prefix)), None)


def submit_body(request: ImageRequest) -> dict[str, Any]:
    body: dict[str, Any] = {"prompt": request.prompt, "num_images": 1}
    if request.aspect_ratio:  # Nano Banana: a ratio and a resolution class
        body["aspect_ratio"] = request.aspect_ratio
        if request.image_size:
            body["resolution"] = request.image_size
    else:
        body["image_size"] = {"width": request.width, "height": request.height}
    if not request.model.startswith(NO_OUTPUT_FORMAT):
        body["output_format"] = request.output_format
    if request.seed is not None:
        body["seed"] = request.seed
    if request.references:
        limit = _family(request.model, EDIT_PROMPT_LIMITS)
        if limit is not None and len(request.prompt) > limit:
            raise PermanentError(
                f"With reference photos this model takes a prompt of at most {limit} characters; "
                f"this one has {len(request.prompt)}. Shorten the persona's description.",
                kind=ErrorKind.INVALID,
            )
        body["image_urls"] = [
            f"data:{ref.mime_type};base64,{base64.b64encode(ref.data).decode()}"
            for ref in request.references
        ]
    body.update(_family(request.model, FIXED_FIELDS) or {})
    body.update(request.extra)
    return body


class FalClient:
    provider_name = NAME

    def __init__(
        self,
        api_key: Secret,
        *,
        base_url: str = "https://queue.fal.run",
        api_base_url: str = "https://api.fal.ai/v1",
        queue_hosts: HostAllowlist = QUEUE_HOSTS,
        delivery_domains: tuple[str, ...] = DELIVERY_DOMAINS,
        delivery_origins: tuple[str, ...] = (),
        http_client: httpx.Client | None = None,
        resolver: Resolver = system_resolver,
    ) -> None:
        self._key = api_key
        self._base_url = base_url.rstrip("/")
        self._api_base_url = api_base_url.rstrip("/")
        self._queue_hosts = queue_hosts
        self._delivery_domains = delivery_domains
        # Exact origins trusted as they are, addresses unchecked (the emulator's, in tests).
        self._delivery_origins = delivery_origins
        self._http = http_client or httpx.Client(timeout=DEFAULT_TIMEOUT, follow_redirects=False)
        self._resolver = resolver

    def submit(self, request: ImageRequest) -> PendingTask:
        body = submit_body(request)
        headers = {**self._headers(), "x-fal-object-lifecycle-preference": LIFECYCLE}
        try:
            response = self._http.post(
                f"{self._base_url}/{endpoint_id(request)}", json=body, headers=headers
            )
        except httpx.TransportError as error:
            raise transport_error(error, provider=NAME, idempotent=False) from None
        if response.status_code != 200:
            raise _refusal(response, missing=ErrorKind.RETIRED_MODEL)
        data = response.json()
        status_url = self._queue_url(data.get("status_url"), "status")
        return PendingTask(task_id=str(data.get("request_id") or ""), polling_url=status_url)

    def poll(self, task: PendingTask) -> PollOutcome:
        status = self._status(task)
        if status.get("status") != "COMPLETED":
            # IN_QUEUE / IN_PROGRESS; a status fal does not document is waited out like them,
            # and the deadline flags the image if it never completes.
            return PollOutcome(result=None)
        result = self._result(self._queue_url(status.get("response_url"), "result"), status)
        images = result.get("images") if isinstance(result, dict) else None
        first = images[0] if isinstance(images, list) and images else None
        url = first.get("url") if isinstance(first, dict) else None
        if not isinstance(url, str) or not url:
            raise PermanentError(
                f"{NAME} finished without an image (its safety checker may have removed it). "
                "Retry, or change the prompt or style.",
                kind=ErrorKind.FAILED,
                provider_code="no_image",
            )
        image = self._download(url)
        return PollOutcome(
            result=GenerationResult(images=(image,), usage=Usage(), request_id=task.task_id)
        )

    def status(self, task: PendingTask) -> TaskStatus:
        """The request's state by its status URL, without fetching the result. A request fal has
        forgotten raises (404, RESULT_EXPIRED); fal's answers carry no price."""
        status = self._status(task)
        if status.get("status") != "COMPLETED":
            return TaskStatus(finished=False)
        failure = status.get("error_type") or status.get("error")
        return TaskStatus(finished=True, failed=str(failure or ""))

    def cancel(self, task: PendingTask) -> bool:
        """Ask fal to drop the request; True when it was dropped before it ran. A queued one is
        removed and never billed; a running one is only signalled (its runner decides, and fal
        may bill the time it ran); a finished or unknown one cannot be cancelled: False for
        those. Both calls are short (CANCEL_TIMEOUT): a person is waiting on the Cancel button."""
        status = self._status(task, timeout=CANCEL_TIMEOUT)
        cancel_url = self._queue_url(status.get("cancel_url"), "cancel")
        try:
            response = self._http.put(cancel_url, headers=self._headers(), timeout=CANCEL_TIMEOUT)
        except httpx.TransportError as error:
            raise transport_error(error, provider=NAME, idempotent=True) from None
        if response.status_code in (400, 404):  # ALREADY_COMPLETED, NOT_FOUND
            return False
        if response.status_code not in (200, 202):
            raise _refusal(response, missing=ErrorKind.RESULT_EXPIRED)
        # fal answers a queued and a running request alike [PROVIDERS-2.md 1.6], so the status
        # read just before says which it was. A request its runner picked up in between may
        # bill its first moments; that window is a round trip.
        return status.get("status") == "IN_QUEUE"

    def check_key(self) -> KeyCheck:
        """fal's price lookup is free and needs a key."""
        try:
            response = self._http.get(
                f"{self._api_base_url}/models/pricing",
                params={"endpoint_id": PRICE_PROBE},
                headers=self._headers(),
                timeout=POLL_TIMEOUT,
            )
        except httpx.TransportError:
            return KeyCheck(KeyStatus.UNREACHABLE, f"Could not reach {NAME}.")
        if response.status_code == 401:
            return KeyCheck(KeyStatus.INVALID, f"{NAME} refused this key.")
        if response.status_code == 403:
            return KeyCheck(
                KeyStatus.RESTRICTED, f"{NAME} knows this key but refused it: {_detail(response)}"
            )
        if response.status_code != 200:
            return KeyCheck(KeyStatus.UNREACHABLE, f"{NAME} answered {response.status_code}.")
        return KeyCheck(KeyStatus.VALID, f"{NAME} accepted this key.")

    def _headers(self) -> dict[str, str]:
        return {"authorization": f"Key {self._key.reveal()}", "accept": "application/json"}

    def _queue_url(self, url: object, what: str) -> str:
        """A URL fal returned, if it is on fal's queue hosts: it will carry the key. Fal has
        accepted the request by now (and may bill it), so a bad one flags the image for a person
        rather than failing it: ambiguous, never resubmitted."""
        if not isinstance(url, str) or not self._queue_hosts.allows(url):
            raise AmbiguousError(
                f"{NAME} accepted the request but named a {what} address outside its own "
                "servers, so the key was not sent there and the image cannot be collected."
            )
        return url

    def _status(
        self, task: PendingTask, *, timeout: httpx.Timeout = POLL_TIMEOUT
    ) -> dict[str, Any]:
        url = self._queue_url(task.polling_url, "status")  # checked again before the key goes
        try:
            response = self._http.get(url, headers=self._headers(), timeout=timeout)
        except httpx.TransportError as error:
            raise transport_error(error, provider=NAME, idempotent=True) from None
        if response.status_code not in (200, 202):
            raise _refusal(response, missing=ErrorKind.RESULT_EXPIRED)
        data = response.json()
        return data if isinstance(data, dict) else {}

    def _result(self, url: str, status: Mapping[str, Any]) -> Any:
        try:
            response = self._http.get(url, headers=self._headers(), timeout=POLL_TIMEOUT)
        except httpx.TransportError as error:
            raise transport_error(error, provider=NAME, idempotent=True) from None
        if status.get("error"):  # the request failed: its result call says how, when it can
            raise _failure(response, status)
        if response.status_code != 200:
            raise _refusal(response, missing=ErrorKind.RESULT_EXPIRED)
        return response.json()

    def _download(self, url: str) -> GeneratedImage:
        if is_allowed_download_host(url, (), extra_origins=self._delivery_origins):
            return _fetch_image(self._http, url)
        if not is_allowed_download_host(url, self._delivery_domains):
            raise AmbiguousError(
                f"{NAME} made the image but named a download address that is not one of fal's "
                "servers, so it was not downloaded."
            )
        try:
            checked = checked_address(url, resolver=self._resolver)
        except UnsafeURLError:
            raise AmbiguousError(
                f"{NAME} made the image but its download address leads into a private network, "
                "so it was not downloaded."
            ) from None
        with pinned_client(checked, timeout=DEFAULT_TIMEOUT) as pinned:
            return _fetch_image(pinned, url)


def _fetch_image(http: httpx.Client, url: str) -> GeneratedImage:
    try:
        response = http.get(url, timeout=DEFAULT_TIMEOUT)  # no key: CDN files are public
    except httpx.TransportError as error:
        raise transport_error(error, provider=NAME, idempotent=True) from None
    if response.status_code in (403, 404, 410):
        raise PermanentError(
            f"The {NAME} image expired before it could be downloaded.",
            kind=ErrorKind.RESULT_EXPIRED,
        )
    if response.status_code != 200:
        raise _refusal(response, missing=ErrorKind.RESULT_EXPIRED)
    return generated_image(response.content, provider=NAME)


def _detail_items(response: httpx.Response) -> tuple[str, list[dict[str, Any]]]:
    """(text, items) of an error body: `{"detail": [{loc, msg, type}]}` or a string."""
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        return f"HTTP {response.status_code}", []
    if isinstance(detail, list):
        items = [d for d in detail if isinstance(d, dict)]
        return "; ".join(str(d.get("msg") or d.get("type")) for d in items), items
    return str(detail or f"HTTP {response.status_code}"), []


def _detail(response: httpx.Response) -> str:
    return _detail_items(response)[0]


def _refusal(response: httpx.Response, *, missing: ErrorKind) -> ProviderError:
    """An HTTP answer other than success. `missing` is what a 404 means where it came: an unknown
    model at submit, a forgotten request or an expired result afterwards."""
    status = response.status_code
    detail, items = _detail_items(response)
    if status == 401:
        return PermanentError(
            f"{NAME} refused the key. Check it under Settings -> Provider keys.",
            kind=ErrorKind.AUTH,
            provider_code="401",
        )
    if status == 403:
        out_of_credit = "exhausted balance" in detail.lower() or "top_up" in detail.lower()
        return PermanentError(
            f"The {NAME} account is out of credit; top it up with fal ({detail})."
            if out_of_credit
            else f"{NAME} will not run this for this key: {detail}",
            kind=ErrorKind.QUOTA if out_of_credit else ErrorKind.FORBIDDEN,
            provider_code="403",
        )
    if status == 404:
        return PermanentError(
            f"{NAME} does not offer this model (any more). Choose another model."
            if missing == ErrorKind.RETIRED_MODEL
            else f"{NAME} no longer has this result (it keeps results for minutes to an hour).",
            kind=missing,
            provider_code="404",
        )
    if status == 422:
        return _unprocessable(detail, items)
    if status == 429 or status >= 500:
        kind = response.headers.get("x-fal-error-type") or str(status)
        return RetryableError(
            f"{NAME} is busy or having trouble ({kind}). We will try again shortly.",
            retry_after=retry_after_seconds(response.headers),
            provider_code=str(status),
            rate_limited=status == 429,
        )
    return PermanentError(
        f"{NAME} refused the request: {detail}", kind=ErrorKind.INVALID, provider_code=str(status)
    )


def _unprocessable(detail: str, items: list[dict[str, Any]]) -> PermanentError:
    if any(item.get("type") == "content_policy_violation" for item in items):
        return PermanentError(
            f"{NAME}'s content checker refused this image ({detail}). "
            "Change the prompt or style and try again.",
            kind=ErrorKind.MODERATION,
            provider_code="content_policy_violation",
        )
    return PermanentError(
        f"{NAME} refused the request: {detail}", kind=ErrorKind.INVALID, provider_code="422"
    )


def _failure(response: httpx.Response, status: Mapping[str, Any]) -> PermanentError:
    """A request that ended COMPLETED with an error. It is final (polling again would find the
    same), so even a server error is permanent here; fal bills no 5xx."""
    if response.status_code == 422:
        return _unprocessable(*_detail_items(response))
    error_type = str(status.get("error_type") or "")
    if error_type == "content_policy_violation":
        return _unprocessable(str(status.get("error") or error_type), [{"type": error_type}])
    reason = error_type or str(status.get("error"))
    return PermanentError(
        f"{NAME} could not make this image ({reason}). Retry to try again.",
        kind=ErrorKind.FAILED,
        provider_code=error_type or str(response.status_code),
    )


# --- How the studio builds this adapter and checks a key with it (see its registry entry) -----


def _client(secret: Secret, http: httpx.Client) -> FalClient:
    return FalClient(
        secret,
        base_url=settings.FAL_QUEUE_BASE_URL,
        api_base_url=settings.FAL_API_BASE_URL,
        queue_hosts=HostAllowlist(settings.FAL_QUEUE_SCHEME, tuple(settings.FAL_QUEUE_HOSTS)),
        delivery_domains=tuple(settings.FAL_DELIVERY_HOSTS),
        delivery_origins=tuple(settings.FAL_DELIVERY_ORIGINS),
        http_client=http,
    )


def key_check(secret: Secret, where: Endpoint, seconds: float) -> KeyCheck:
    with deadline_client(seconds) as http:
        return _client(secret, http).check_key()


def client_for(secret: Secret | None, where: Endpoint) -> FalClient:
    assert secret is not None
    return _client(secret, thread_http_client())
