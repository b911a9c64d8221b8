"""hiapi (hiapi.ai): a gateway with one key for many vendors' models.

Its unified task API (`POST /v1/tasks {model, input}` -> `data.taskId`, then
`GET /v1/tasks/{taskId}` until `success` or `fail`) carries GPT Image 2 and Qwen Image 2.0; the
shared flow is generation/providers/task_gateway.py. FLUX1.1 [pro] is on hiapi's older
OpenAI-style surface only, and synchronous there: `POST /v1/images/generations {model, prompt,
size}` answers `data[].url` at once (the result URL is fetched the same guarded way).

Facts from hiapi's own documentation, gathered 2026-11; its revisions disagree on Qwen's input
(`input.size` as WIDTH*HEIGHT here, a DashScope-style `messages` in another) [V both], and its
error codes beyond INVALID_REQUEST are not published [U].
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from avatarapp.keys.secret import Secret
from generation.providers.base import (
    AmbiguousError,
    Endpoint,
    GenerationResult,
    ImageRequest,
    KeyCheck,
    Usage,
)
from generation.providers.clients import deadline_client, thread_http_client
from generation.providers.task_gateway import TaskGatewayClient, TaskState, mapping

NAME = "HiAPI"  # as hiapi.ai writes its name
SYNC_PATH = "/v1/images/generations"


class HiapiDialect:
    name = NAME
    submit_path = "/v1/tasks"
    key_check_path = "/v1/tasks?page=1&size=1"  # the task list: free, and needs a valid key

    def submit_body(self, request: ImageRequest) -> dict[str, Any]:
        fields: dict[str, Any] = {"prompt": request.prompt}
        if request.width and request.height:  # Qwen Image 2.0: one of hiapi's WIDTH*HEIGHT sizes
            fields["size"] = f"{request.width}*{request.height}"
            # hiapi rewrites prompts by default; ours are composed for the model already.
            fields.update(prompt_extend=False, watermark=False)
            if request.seed is not None:
                fields["seed"] = request.seed
        else:  # GPT Image 2: a ratio and a resolution class
            fields["aspect_ratio"] = request.aspect_ratio
            fields["resolution"] = request.image_size
        return {"model": request.model, "input": fields}

    def task_id(self, answer: Any) -> str | None:
        return mapping(mapping(answer).get("data")).get("taskId")

    def read_task(self, answer: Any) -> TaskState:
        data = mapping(mapping(answer).get("data"))
        status = data.get("status")
        if status == "success":
            outputs = data.get("output") or []
            urls = tuple(
                str(item["url"])
                for item in outputs
                if isinstance(item, dict)
                and item.get("url")
                and item.get("type", "image") == "image"
            )
            return TaskState(done=True, urls=urls)
        if status == "fail":
            error = mapping(data.get("error"))
            return TaskState(
                failure=str(error.get("message") or "no reason given"),
                failure_code=str(error.get("code") or ""),
            )
        # queued, handling, archiving (done, output being prepared), or a status added since
        return TaskState()


class HiapiClient(TaskGatewayClient):
    """The task flow, plus the synchronous images endpoint FLUX1.1 [pro] is served from."""

    def generate(self, request: ImageRequest) -> GenerationResult:
        body = {"model": request.model, "prompt": request.prompt}
        body["size"] = f"{request.width}x{request.height}"
        answer = self._post(SYNC_PATH, body)
        data = mapping(answer).get("data")
        first = mapping(data[0]) if isinstance(data, list) and data else {}
        url = first.get("url")
        if not isinstance(url, str) or not url:
            # hiapi made (and billed) something, but named no image we can fetch.
            raise AmbiguousError(f"{NAME} answered without an image link.")
        image = self.download(url)
        return GenerationResult(images=(image,), usage=Usage())


# --- How the studio builds this adapter and checks a key with it (see its registry entry) -----

DIALECT = HiapiDialect()


def key_check(secret: Secret, where: Endpoint, seconds: float) -> KeyCheck:
    with deadline_client(seconds) as http:
        return _client(secret, http).check_key()


def client_for(secret: Secret | None, where: Endpoint) -> HiapiClient:
    assert secret is not None
    return _client(secret, thread_http_client())


def _client(secret: Secret, http: Any) -> HiapiClient:
    return HiapiClient(
        DIALECT,
        secret,
        base_url=settings.HIAPI_BASE_URL,
        allow_private_results=settings.ALLOW_PRIVATE_PROVIDER_HOSTS,
        http_client=http,
    )
