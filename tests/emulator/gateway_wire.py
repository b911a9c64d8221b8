"""HiAPI's and APIMart's wire shapes (PROVIDERS-2.md section 3): error envelopes, the submit
answer, the task object, and the size of the image a request asks for.

HiAPI wraps everything in `{code, message, data}` (errors add `error_code`); APIMart answers
`{code, data}` and errors as `{"error": {code, message, type}}`. Error codes neither publishes are
marked [U] where they are invented.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterable
from typing import Any

from tests.emulator.gateway_tasks import FAILED, GatewayTask
from tests.emulator.rules import parse_ratio
from tests.emulator.wire import Response

# fault -> (HTTP status, HiAPI error_code, APIMart error type, message); codes beyond HiAPI's
# INVALID_REQUEST and APIMart's 400 are [U].
ERRORS = {
    "auth": (401, "UNAUTHORIZED", "authentication_error", "Invalid API key"),
    "forbidden": (403, "FORBIDDEN", "permission_error", "This key may not use this model"),
    "rate_limit": (429, "RATE_LIMITED", "rate_limit_error", "Too many concurrent requests"),
    "insufficient_quota": (402, "INSUFFICIENT_BALANCE", "insufficient_quota", "Balance too low"),
    "unavailable": (503, "SERVICE_UNAVAILABLE", "server_error", "Temporarily unavailable"),
    "server_error": (500, "INTERNAL_ERROR", "server_error", "Internal server error"),
    "moderation_input": (
        400,
        "CONTENT_POLICY_VIOLATION",
        "moderation_blocked",
        "The prompt was rejected by content moderation",
    ),
    "invalid": (400, "INVALID_REQUEST", "invalid_request_error", "invalid request"),
    "unknown_model": (400, "MODEL_NOT_FOUND", "invalid_request_error", "model not found"),
    "not_found": (404, "NOT_FOUND", "not_found", "task not found"),
}
AREA = {"1k": 1024 * 1024, "2k": 2048 * 2048, "4k": 3840 * 2160}


def error(
    provider: str,
    name: str,
    detail: str = "",
    headers: Iterable[tuple[str, str]] = (),
    status: int | None = None,
) -> Response:
    http, code, kind, message = ERRORS[name]
    http = status or http
    text = f"{message}: {detail}" if detail else message
    if provider == "hiapi":
        body: dict[str, Any] = {"code": http, "message": text, "data": None, "error_code": code}
    else:
        body = {"error": {"code": http, "message": text, "type": kind}}
    return Response.json(http, body, headers)


def submitted(task: GatewayTask) -> Response:
    if task.provider == "hiapi":
        return Response.json(200, {"code": 200, "message": "success", "data": {"taskId": task.id}})
    return Response.json(200, {"code": 200, "data": [{"status": "submitted", "task_id": task.id}]})


def _hiapi_status(task: GatewayTask, now: float) -> str:
    if not task.finished(now):
        progress = task.progress(now)
        return "queued" if progress < 0.1 else "archiving" if progress >= 0.9 else "handling"
    return "fail" if task.outcome == FAILED else "success"


def _apimart_status(task: GatewayTask, now: float) -> str:
    if not task.finished(now):
        return "pending" if task.progress(now) < 0.1 else "processing"
    return "failed" if task.outcome == FAILED else "completed"


def task_body(task: GatewayTask, now: float, result_url: str, expires: int) -> dict[str, Any]:
    finished = task.finished(now)
    completed = int(task.ready_wall) if finished else 0
    failure = {"code": task.error_code, "message": task.error_message}
    if task.provider == "hiapi":
        status = _hiapi_status(task, now)
        data: dict[str, Any] = {
            "taskId": task.id,
            "model": task.model,
            "status": status,
            "created": int(task.created_wall),
            "completed": completed,
        }
        if status == "success":
            outputs = [] if task.no_image else [{"url": result_url, "type": "image"}]
            data["output"] = [{**item, "expireAt": expires} for item in outputs]
        elif status == "fail":
            data["error"] = failure
        return {"code": 200, "message": "success", "data": data}
    status = _apimart_status(task, now)
    data = {
        "id": task.id,
        "status": status,
        "progress": round(task.progress(now) * 100),
        "created": int(task.created_wall),
        "estimated_time": 60,
    }
    if status == "completed":
        url: Any = result_url if task.url_as_string else [result_url]
        images = [] if task.no_image else [{"url": url, "expires_at": expires}]
        data.update(result={"images": images}, completed=completed)
        data["actual_time"] = max(0, completed - int(task.created_wall))
    elif status == "failed":
        data["error"] = failure
    return {"code": 200, "data": data}


def task_list(provider: str) -> Response:
    """HiAPI `GET /v1/tasks` (the key check); APIMart `GET /v1/models`."""
    if provider == "hiapi":
        page = {"list": [], "total": 0, "page": 1, "size": 1}
        return Response.json(200, {"code": 200, "message": "success", "data": page})
    models = ["gpt-image-2", "qwen-image-2.0", "gemini-3.1-flash-image-preview"]
    listed = [{"id": m, "object": "model", "owned_by": "apimart"} for m in models]
    return Response.json(200, {"object": "list", "data": listed})


def sync_images(url: str) -> Response:
    """HiAPI's OpenAI-style images endpoint (FLUX1.1 [pro]): the image at once."""
    return Response.json(200, {"created": int(time.time()), "data": [{"url": url}]})


def _by_ratio(ratio: tuple[int, int], area: int) -> tuple[int, int]:
    width = math.sqrt(area * ratio[0] / ratio[1])
    return round(width / 16) * 16, round(width * ratio[1] / ratio[0] / 16) * 16


def output_size(provider: str, payload: dict[str, Any]) -> tuple[int, int]:
    """Width and height of what a (valid) request asks for."""
    inner = payload.get("input")
    fields: dict[str, Any] = inner if provider == "hiapi" and isinstance(inner, dict) else payload
    size = str(fields.get("size") or "")
    for separator in ("*", "x"):  # HiAPI's Qwen WIDTH*HEIGHT, its FLUX WIDTHxHEIGHT
        width, _, height = size.partition(separator)
        if width.isdigit() and height.isdigit():
            return int(width), int(height)
    ratio = parse_ratio(str(fields.get("aspect_ratio") or size)) or (1, 1)
    return _by_ratio(ratio, AREA.get(str(fields.get("resolution") or "1k").lower(), AREA["1k"]))


def url_as_string(setting: bool | None) -> bool:
    return random.choice((True, False)) if setting is None else setting
