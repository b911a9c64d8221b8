"""Task gateways (hiapi, APIMart): one key for many vendors' models, behind an asynchronous task
API. Submit -> a task id -> poll the task -> short-lived result URLs, downloaded at once.

The gateways differ only in their wire shapes (the paths, the submit body, how the task id and
the task's state are written), so each is a small `Dialect` (generation/providers/hiapi.py and
apimart.py) and this module holds what they share:

- Polls go to our own configured API host, rebuilt from the task id (the documented
  `GET /v1/tasks/{id}`), so the key never travels to an address a provider's answer named. A task
  id that is not a plain token is refused before it is stored.
- Result URLs may be on any CDN the gateway uses (hosts change and are not all documented), so
  instead of a host allowlist they go through the SSRF guard: the host must resolve to public
  addresses only (loopback, private, link-local and metadata refused; loopback and private only
  with ALLOW_PRIVATE_PROVIDER_HOSTS, as for self-hosted servers), the connection goes to exactly
  the checked addresses, redirects are not followed, and no key is sent.
- A status the dialect does not know counts as still running: the task was accepted (and may be
  billed), so the image waits for its deadline and is then flagged with the task id for a person,
  rather than failed or resubmitted.
- Neither gateway reports a cost, so usage is empty and the catalog's price rule decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote

import httpx

from avatarapp.keys.secret import Secret
from avatarapp.ssrf import UnsafeURLError, pinned_client, validate_base_url
from generation.providers.base import (
    AmbiguousError,
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
    Usage,
)
from generation.providers.http import (
    DEFAULT_TIMEOUT,
    POLL_TIMEOUT,
    generated_image,
    retry_after_seconds,
    transport_error,
)

TASK_ID = re.compile(r"[A-Za-z0-9_\-]{1,128}")
# Words the gateways' error codes and messages use for a safety refusal [U: neither publishes its
# codes in full], so such a refusal is shown as one and not retried.
MODERATION_WORDS = ("moderat", "content_policy", "content policy", "safety", "sensitive")
# A gateway with many tasks in flight says 429 without a Retry-After; a task slot frees soon.
RATE_LIMIT_RETRY_AFTER = 5.0


@dataclass(frozen=True)
class TaskState:
    """A task as a dialect reads it: still running, done with result URLs, or failed."""

    done: bool = False
    urls: tuple[str, ...] = ()
    failure: str | None = None  # the gateway's own words for a failed task
    failure_code: str = ""
    progress: float | None = None


def mapping(value: Any) -> dict[str, Any]:
    """`value` if it is a JSON object, else an empty one: answers are data from the network."""
    return value if isinstance(value, dict) else {}


class Dialect(Protocol):
    name: str  # as the keys page names the gateway: "hiapi", "APIMart"
    submit_path: str
    key_check_path: str  # a free, authenticated GET

    def submit_body(self, request: ImageRequest) -> dict[str, Any]: ...

    def task_id(self, answer: Any) -> str | None: ...

    def read_task(self, answer: Any) -> TaskState: ...


class TaskGatewayClient:
    """AsyncClient of the registry for one gateway key (see module docstring)."""

    def __init__(
        self,
        dialect: Dialect,
        api_key: Secret,
        *,
        base_url: str,
        allow_private_results: bool = False,
        http_client: httpx.Client | None = None,
    ) -> None:
        self.provider_name = dialect.name
        self._dialect = dialect
        self._key = api_key
        self._base_url = base_url.rstrip("/")
        self._allow_private_results = allow_private_results
        self._http = http_client or httpx.Client(timeout=DEFAULT_TIMEOUT, follow_redirects=False)

    @property
    def name(self) -> str:
        return self._dialect.name

    def submit(self, request: ImageRequest) -> PendingTask:
        answer = self._post(self._dialect.submit_path, self._dialect.submit_body(request))
        task_id = self._dialect.task_id(answer)
        if not isinstance(task_id, str) or not TASK_ID.fullmatch(task_id):
            # The gateway said yes, so the task may be running and billed: a person checks.
            raise AmbiguousError(
                f"{self.name} accepted the request but did not give a task id we can follow, "
                "so the image cannot be collected."
            )
        return PendingTask(task_id=task_id, polling_url=self._task_url(task_id))

    def poll(self, task: PendingTask) -> PollOutcome:
        if not TASK_ID.fullmatch(task.task_id):
            raise AmbiguousError(f"The {self.name} task id is not one we can follow.")
        try:
            response = self._http.get(
                self._task_url(task.task_id), headers=self._headers(), timeout=POLL_TIMEOUT
            )
        except httpx.TransportError as error:
            raise transport_error(error, provider=self.name, idempotent=True) from None
        if _status_of(response) == 404:  # unknown, expired, or another account's task
            raise PermanentError(
                f"{self.name} no longer knows this task; its result may have expired.",
                kind=ErrorKind.RESULT_EXPIRED,
                provider_code="404",
            )
        state = self._dialect.read_task(self._answer(response))
        if state.failure is not None:
            raise task_failure(self.name, state)
        if not state.done:
            return PollOutcome(result=None, progress=state.progress)
        if not state.urls:
            raise PermanentError(
                f"{self.name} finished the task without an image. Retry, or choose another model.",
                kind=ErrorKind.FAILED,
                provider_code="no_image",
            )
        image = self.download(state.urls[0])
        return PollOutcome(result=GenerationResult(images=(image,), usage=Usage()))

    def check_key(self) -> KeyCheck:
        try:
            response = self._http.get(
                f"{self._base_url}{self._dialect.key_check_path}",
                headers=self._headers(),
                timeout=POLL_TIMEOUT,
            )
        except httpx.TransportError:
            return KeyCheck(KeyStatus.UNREACHABLE, f"Could not reach {self.name}.")
        if response.status_code in (401, 403):
            return KeyCheck(KeyStatus.INVALID, f"{self.name} refused this key.")
        if response.status_code != 200:
            return KeyCheck(KeyStatus.UNREACHABLE, f"{self.name} answered {response.status_code}.")
        return KeyCheck(KeyStatus.VALID, f"{self.name} accepted this key.")

    def download(self, url: str) -> GeneratedImage:
        """Fetch a result URL at once, through the SSRF guard, without the key."""
        try:
            checked = validate_base_url(url, allow_private=self._allow_private_results)
        except UnsafeURLError as error:
            reason = str(error).split(". ")[0].rstrip(".")
            raise PermanentError(
                f"{self.name} gave a result link we do not download from: {reason}. "
                "Retry; if it happens again, tell the provider.",
                kind=ErrorKind.FAILED,
                provider_code="ssrf",
            ) from None
        try:
            with pinned_client(checked, timeout=DEFAULT_TIMEOUT) as http:
                response = http.get(checked.url)
        except httpx.TransportError as error:
            raise transport_error(error, provider=self.name, idempotent=True) from None
        if response.status_code in (401, 403, 404, 410):
            raise PermanentError(
                f"The {self.name} result link expired before it could be downloaded.",
                kind=ErrorKind.RESULT_EXPIRED,
                provider_code=str(response.status_code),
            )
        if response.status_code != 200:
            raise status_error(self.name, response)
        return generated_image(response.content, provider=self.name)

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        try:
            response = self._http.post(
                f"{self._base_url}{path}", json=body, headers=self._headers()
            )
        except httpx.TransportError as error:
            raise transport_error(error, provider=self.name, idempotent=False) from None
        return self._answer(response)

    def _answer(self, response: httpx.Response) -> Any:
        """The JSON of a 200 whose envelope `code` (hiapi, APIMart) is 200 too; else the error."""
        status = _status_of(response)
        if status != 200:
            raise status_error(self.name, response, status=status)
        try:
            return response.json()
        except ValueError:
            raise RetryableError(f"{self.name} sent an answer we could not read.") from None

    def _task_url(self, task_id: str) -> str:
        return f"{self._base_url}/v1/tasks/{quote(task_id, safe='')}"

    def _headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self._key.reveal()}", "accept": "application/json"}


def _status_of(response: httpx.Response) -> int:
    """The HTTP status, or the envelope's `code` when a 200 carries another one (hiapi documents
    `code` as the HTTP status; a relay in front may still answer 200)."""
    if response.status_code != 200:
        return response.status_code
    try:
        code = response.json().get("code")
    except (ValueError, AttributeError):
        return 200
    return code if isinstance(code, int) and 100 <= code < 600 else 200


def _error_words(response: httpx.Response) -> tuple[str, str]:
    """(code, message) from either envelope: hiapi `{code, message, error_code}` or APIMart
    `{"error": {code, message, type}}`."""
    try:
        body = response.json()
    except ValueError:
        return "", f"HTTP {response.status_code}"
    if not isinstance(body, dict):
        return "", f"HTTP {response.status_code}"
    inner = mapping(body.get("error")) or body
    code = str(inner.get("error_code") or inner.get("type") or inner.get("code") or "")
    message = str(inner.get("message") or f"HTTP {response.status_code}")
    return code, message


def is_moderation(*texts: str) -> bool:
    joined = " ".join(texts).lower()
    return any(word in joined for word in MODERATION_WORDS)


def status_error(
    name: str, response: httpx.Response, *, status: int | None = None
) -> ProviderError:
    status = status or response.status_code
    code, message = _error_words(response)
    if status in (401, 403):
        return PermanentError(
            f"{name} refused the key. Check it under Settings -> Provider keys.",
            kind=ErrorKind.AUTH,
            provider_code=str(status),
        )
    if status == 402 or "balance" in code.lower() or "quota" in code.lower():
        return PermanentError(
            f"The {name} account has too little credit. Top it up with {name}.",
            kind=ErrorKind.QUOTA,
            provider_code=code or str(status),
        )
    if status == 429:
        return RetryableError(
            f"{name} is busy with this key's other requests. We will try again.",
            retry_after=retry_after_seconds(response.headers) or RATE_LIMIT_RETRY_AFTER,
            provider_code="429",
            rate_limited=True,
        )
    if status >= 500:
        return RetryableError(
            f"{name} is having trouble ({status}). We will try again shortly.",
            retry_after=retry_after_seconds(response.headers),
            provider_code=str(status),
        )
    if is_moderation(code, message):
        return PermanentError(
            f"{name}'s safety filter refused the prompt. Change the prompt or style and try again.",
            kind=ErrorKind.MODERATION,
            provider_code=code or str(status),
        )
    if status == 404:
        return PermanentError(
            f"{name} does not offer this model (any more). Choose another model.",
            kind=ErrorKind.RETIRED_MODEL,
            provider_code="404",
        )
    return PermanentError(
        f"{name} refused the request: {message}",
        kind=ErrorKind.INVALID,
        provider_code=code or str(status),
    )


def task_failure(name: str, state: TaskState) -> PermanentError:
    reason = state.failure or "no reason given"
    if is_moderation(state.failure_code, reason):
        return PermanentError(
            f"{name}'s safety filter withheld the image. Try a different style or prompt.",
            kind=ErrorKind.MODERATION,
            provider_code=state.failure_code or "moderation",
        )
    return PermanentError(
        f"{name} could not make this image ({reason}). Retry to try again.",
        kind=ErrorKind.FAILED,
        provider_code=state.failure_code or "failed",
    )
