"""Black Forest Labs (FLUX): submit, then poll the returned `polling_url`, then download.

Submit and poll are separate calls so a worker never sleeps between polls: the pipeline stores the
task id and polling URL after `submit`, and schedules each `poll` as its own short task. The
polling URL is used exactly as returned (it names a regional host; the global host may answer
"Task not found" for it), but only when it names one of BFL's API hosts over https: the poll
carries the key, so a foreign host is refused before any byte is sent. Results are downloaded at
once (signed URLs live 10 minutes), only from allowlisted delivery hosts, without following
redirects.
"""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

import httpx
from django.conf import settings

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

HOSTS = {
    "global": "https://api.bfl.ai",
    "eu": "https://api.eu.bfl.ai",
    "us": "https://api.us.bfl.ai",
}
# Polling URLs name regional API hosts that are not in HOSTS (e.g. api.us1.bfl.ai), so the
# allowlist is BFL's domain rather than a list of names; settings.BFL_POLL_HOSTS overrides it.
POLLING_HOSTS = HostAllowlist("https", (".bfl.ai",))
DELIVERY_HOSTS = HostAllowlist("https", (".bfl.ai",))
PENDING_STATUSES = {"Pending", "Queued", "Reasoning", "Generating"}
NAME = "Black Forest Labs"
# A 429 means more than 24 tasks are running on this key; one of them finishes within seconds.
ACTIVE_TASK_LIMIT_RETRY_AFTER = 5.0


def _reference_fields(model: str) -> tuple[str, ...]:
    """The request fields that carry reference images, per endpoint family (bfl.openapi.json)."""
    if model.startswith(("flux-2-klein", "flux-kontext")):
        return ("input_image", "input_image_2", "input_image_3", "input_image_4")
    if model.startswith("flux-2"):
        return ("input_image", *(f"input_image_{i}" for i in range(2, 9)))
    return ("image_prompt",)  # FLUX1.1 [pro], Ultra, dev: one image prompt


def submit_body(request: ImageRequest) -> dict[str, Any]:
    body: dict[str, Any] = {"prompt": request.prompt, "output_format": request.output_format}
    if request.aspect_ratio:  # Ultra and Kontext take a ratio, the others pixels
        body["aspect_ratio"] = request.aspect_ratio
    else:
        body["width"], body["height"] = request.width, request.height
    if request.seed is not None:
        body["seed"] = request.seed
    fields = _reference_fields(request.model)
    if len(request.references) > len(fields):
        raise PermanentError(
            f"{request.model} takes at most {len(fields)} reference image(s).",
            kind=ErrorKind.INVALID,
        )
    for field_name, reference in zip(fields, request.references, strict=False):
        body[field_name] = base64.b64encode(reference.data).decode()
    body.update(request.extra)
    return body


class BflClient:
    provider_name = NAME

    def __init__(
        self,
        api_key: Secret,
        *,
        base_url: str = HOSTS["global"],
        polling_hosts: HostAllowlist = POLLING_HOSTS,
        delivery_hosts: HostAllowlist = DELIVERY_HOSTS,
        http_client: httpx.Client | None = None,
    ) -> None:
        self._key = api_key
        self._base_url = base_url.rstrip("/")
        self._polling_hosts = polling_hosts
        self._delivery_hosts = delivery_hosts
        self._http = http_client or httpx.Client(timeout=DEFAULT_TIMEOUT, follow_redirects=False)

    def submit(self, request: ImageRequest) -> PendingTask:
        body = submit_body(request)
        try:
            response = self._http.post(
                f"{self._base_url}/v1/{request.model}", json=body, headers=self._headers()
            )
        except httpx.TransportError as error:
            raise transport_error(error, provider=NAME, idempotent=False) from None
        if response.status_code != 200:
            raise _status_error(response)
        data = response.json()
        cost = data.get("cost")
        polling_url = str(data["polling_url"])
        # Checked here too, so that a bad address is never stored for later polls.
        self._refuse_foreign_polling_url(polling_url)
        return PendingTask(
            task_id=str(data["id"]),
            polling_url=polling_url,
            credits=Decimal(str(cost)) if cost is not None else None,
        )

    def poll(self, task: PendingTask) -> PollOutcome:
        data = self._get_result(task)
        status = data.get("status")
        if status in PENDING_STATUSES:
            return PollOutcome(result=None, progress=data.get("progress"))
        if status == "Ready":
            result = data.get("result") or {}
            image = self._download(str(result.get("sample") or ""))
            credits = task.credits
            if credits is None and result.get("cost") is not None:  # FLUX.1 may bill only here
                credits = Decimal(str(result["cost"]))
            return PollOutcome(
                result=GenerationResult(images=(image,), usage=Usage(credits=credits))
            )
        raise _status_outcome_error(status, data)

    def status(self, task: PendingTask) -> TaskStatus:
        """The task's state by its get_result, without downloading the image. "Task not found"
        still raises (RESULT_EXPIRED): BFL has forgotten it, which says nothing of the bill."""
        data = self._get_result(task)
        status = data.get("status")
        if status in PENDING_STATUSES:
            return TaskStatus(finished=False)
        if status == "Ready":
            cost = (data.get("result") or {}).get("cost")
            credits = task.credits if cost is None else Decimal(str(cost))
            return TaskStatus(finished=True, credits=credits)
        error = _status_outcome_error(status, data)
        if isinstance(error, PermanentError) and error.kind == ErrorKind.RESULT_EXPIRED:
            raise error
        return TaskStatus(finished=True, failed=error.user_message)

    def _get_result(self, task: PendingTask) -> dict[str, Any]:
        """GET the task's polling URL (its get_result), checked to be BFL's before the key goes."""
        self._refuse_foreign_polling_url(task.polling_url)
        try:
            response = self._http.get(
                task.polling_url, headers=self._headers(), timeout=POLL_TIMEOUT
            )
        except httpx.TransportError as error:
            raise transport_error(error, provider=NAME, idempotent=True) from None
        if response.status_code != 200:
            raise _status_error(response)
        data = response.json()
        return data if isinstance(data, dict) else {}

    def check_key(self) -> KeyCheck:
        """`GET /v1/credits` is free, and tells the balance."""
        try:
            response = self._http.get(
                f"{self._base_url}/v1/credits", headers=self._headers(), timeout=POLL_TIMEOUT
            )
        except httpx.TransportError:
            return KeyCheck(KeyStatus.UNREACHABLE, f"Could not reach {NAME}.")
        if response.status_code in (401, 403):
            return KeyCheck(KeyStatus.INVALID, f"{NAME} refused this key.")
        if response.status_code != 200:
            return KeyCheck(KeyStatus.UNREACHABLE, f"{NAME} answered {response.status_code}.")
        balance = Decimal(str(response.json().get("credits", 0)))
        return KeyCheck(
            KeyStatus.VALID, f"{NAME} accepted this key: {balance} credits left.", balance=balance
        )

    def _headers(self) -> dict[str, str]:
        return {"x-key": self._key.reveal(), "accept": "application/json"}

    def _refuse_foreign_polling_url(self, url: str) -> None:
        """The task was accepted (and may be billed), so the image is flagged for a person rather
        than failed: ambiguous, never resubmitted."""
        if not self._polling_hosts.allows(url):
            raise AmbiguousError(
                f"{NAME} named a status address outside its own servers, so the key was not sent "
                "there and the image cannot be collected."
            )

    def _download(self, url: str) -> GeneratedImage:
        if not self._delivery_hosts.allows(url):
            raise PermanentError(
                f"{NAME} pointed to a result on an unexpected host; it was not downloaded.",
                kind=ErrorKind.FAILED,
            )
        try:
            response = self._http.get(url, timeout=DEFAULT_TIMEOUT)  # no key: it is signed
        except httpx.TransportError as error:
            raise transport_error(error, provider=NAME, idempotent=True) from None
        if response.status_code in (401, 403, 404, 410):
            raise PermanentError(
                f"The {NAME} result link expired before it could be downloaded.",
                kind=ErrorKind.RESULT_EXPIRED,
            )
        if response.status_code != 200:
            raise _status_error(response)
        return generated_image(response.content, provider=NAME)


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(detail, list):  # 422: [{"loc", "msg", "type"}]
        return "; ".join(f"{'.'.join(map(str, d.get('loc', [])))}: {d.get('msg')}" for d in detail)
    return str(detail or f"HTTP {response.status_code}")


def _status_error(response: httpx.Response) -> ProviderError:
    status = response.status_code
    detail = _detail(response)
    if status in (401, 403):
        return PermanentError(
            f"{NAME} refused the key. Check it under Settings -> Provider keys.",
            kind=ErrorKind.AUTH,
            provider_code=str(status),
        )
    if status == 402:
        return PermanentError(
            f"The {NAME} account has too few credits. Add credits with the provider.",
            kind=ErrorKind.QUOTA,
            provider_code="402",
        )
    if status == 404:
        return PermanentError(
            f"{NAME} does not offer this model (any more). Choose another model.",
            kind=ErrorKind.RETIRED_MODEL,
            provider_code="404",
        )
    if status == 429:
        return RetryableError(
            f"{NAME} is already running the most tasks this key may run. We will try again.",
            retry_after=retry_after_seconds(response.headers) or ACTIVE_TASK_LIMIT_RETRY_AFTER,
            provider_code="429",
            rate_limited=True,
        )
    if status >= 500:
        return RetryableError(
            f"{NAME} is having trouble ({status}). We will try again shortly.",
            retry_after=retry_after_seconds(response.headers),
            provider_code=str(status),
        )
    return PermanentError(
        f"{NAME} refused the request: {detail}", kind=ErrorKind.INVALID, provider_code=str(status)
    )


def _status_outcome_error(status: object, data: dict[str, Any]) -> ProviderError:
    if status == "Request Moderated":
        return PermanentError(
            f"{NAME}'s safety filter refused the prompt. Change the prompt or style and try again.",
            kind=ErrorKind.MODERATION,
            provider_code="request_moderated",
        )
    if status == "Content Moderated":
        return PermanentError(
            f"{NAME}'s safety filter withheld the image. Try a different style or prompt.",
            kind=ErrorKind.MODERATION,
            provider_code="content_moderated",
        )
    if status == "Task not found":
        return PermanentError(
            f"{NAME} no longer knows this task (results expire after about an hour).",
            kind=ErrorKind.RESULT_EXPIRED,
            provider_code="task_not_found",
        )
    details = data.get("details") or {}
    reason = str(details.get("error") or "no reason given")
    return PermanentError(
        f"{NAME} could not make this image ({reason}). Retry to try again.",
        kind=ErrorKind.FAILED,
        provider_code=str(status),
    )


# --- How the studio builds this adapter and checks a key with it (see its registry entry) -----


def _base_url(where: Endpoint) -> str:
    return str(settings.BFL_BASE_URLS[where.region or "global"])


def key_check(secret: Secret, where: Endpoint, seconds: float) -> KeyCheck:
    with deadline_client(seconds) as http:
        return BflClient(secret, base_url=_base_url(where), http_client=http).check_key()


def client_for(secret: Secret | None, where: Endpoint) -> BflClient:
    assert secret is not None
    return BflClient(
        secret,
        base_url=_base_url(where),
        polling_hosts=HostAllowlist(settings.BFL_POLL_SCHEME, tuple(settings.BFL_POLL_HOSTS)),
        delivery_hosts=HostAllowlist(
            settings.BFL_DELIVERY_SCHEME, tuple(settings.BFL_DELIVERY_HOSTS)
        ),
        http_client=thread_http_client(),
    )
