"""APIMart (apimart.ai): "one API key for GPT-Image-2, Flux, and 200+ models".

Its image endpoint has OpenAI's path but is always asynchronous: `POST /v1/images/generations`
answers `{"code": 200, "data": [{"status": "submitted", "task_id": ...}]}` (an older page shows
`data: {id, ...}`; both are read), then `GET /v1/tasks/{task_id}` until `completed`, `failed` or
`cancelled`. The shared flow is generation/providers/task_gateway.py.

Facts from APIMart's own documentation, gathered 2026-11 [V], except: the result's `url` is a
list in the English page and a plain string in the Chinese one (both are read); error codes beyond
400 are not published [U]; Nano Banana 2's id and fields are from third-party pages [T]; the key
check reads `GET /v1/models`, which clients use to test a key but APIMart does not document [T].
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from avatarapp.keys.secret import Secret
from generation.providers.base import Endpoint, ImageRequest, KeyCheck
from generation.providers.clients import deadline_client, thread_http_client
from generation.providers.task_gateway import TaskGatewayClient, TaskState, mapping

NAME = "APIMart"


class ApimartDialect:
    name = NAME
    submit_path = "/v1/images/generations"
    key_check_path = "/v1/models"

    def submit_body(self, request: ImageRequest) -> dict[str, Any]:
        # `size` is a ratio here; `resolution` is the model's own spelling (1k or 1K), which the
        # catalog gives as the image size. `n` must be the number 1 for gpt-image-2.
        body: dict[str, Any] = {"model": request.model, "prompt": request.prompt, "n": 1}
        body["size"] = request.aspect_ratio
        if request.image_size:
            body["resolution"] = request.image_size
        return body

    def task_id(self, answer: Any) -> str | None:
        data = mapping(answer).get("data")
        if isinstance(data, list):
            return mapping(data[0]).get("task_id") if data else None
        return mapping(data).get("id")

    def read_task(self, answer: Any) -> TaskState:
        data = mapping(mapping(answer).get("data"))
        status = data.get("status")
        if status == "completed":
            return TaskState(done=True, urls=_result_urls(data.get("result")))
        if status in ("failed", "cancelled"):
            error = data.get("error")
            error = error if isinstance(error, dict) else {"message": error}
            return TaskState(
                failure=str(error.get("message") or f"the task was {status}"),
                failure_code=str(error.get("code") or error.get("type") or status),
            )
        progress = data.get("progress")
        # submitted, pending, processing, or a status APIMart added since
        return TaskState(progress=progress / 100 if isinstance(progress, int | float) else None)


def _result_urls(result: Any) -> tuple[str, ...]:
    images = mapping(result).get("images")
    urls: list[str] = []
    for image in images if isinstance(images, list) else []:
        url = mapping(image).get("url")
        urls.extend(
            u for u in (url if isinstance(url, list) else [url]) if isinstance(u, str) and u
        )
    return tuple(urls)


# --- How the studio builds this adapter and checks a key with it (see its registry entry) -----

DIALECT = ApimartDialect()


def key_check(secret: Secret, where: Endpoint, seconds: float) -> KeyCheck:
    with deadline_client(seconds) as http:
        return _client(secret, http).check_key()


def client_for(secret: Secret | None, where: Endpoint) -> TaskGatewayClient:
    assert secret is not None
    return _client(secret, thread_http_client())


def _client(secret: Secret, http: Any) -> TaskGatewayClient:
    return TaskGatewayClient(
        DIALECT,
        secret,
        base_url=settings.APIMART_BASE_URL,
        allow_private_results=settings.ALLOW_PRIVATE_PROVIDER_HOSTS,
        http_client=http,
    )
