"""fal.ai: the queue (submit, status, result, cancel), the platform API's price lookup, and the CDN.

Host aliases: "fal-queue" (queue.fal.run), "fal-api" (api.fal.ai/v1), "fal-delivery"
(v3.fal.media). The traps of PROVIDERS-2.md 1.13: status, result and cancel URLs name only the
owner/app (a URL with the model's sub-path finds nothing), `queue_position` and `logs` are in every
status body (null when empty), a failed request still reaches COMPLETED with `error` /
`error_type`, and a result is gone an hour after completion (six minutes when 10 KB or more).
"""

from __future__ import annotations

import json
import random
import re
import time
from typing import TYPE_CHECKING, Any

from tests.emulator import fal_queue as q
from tests.emulator import fal_wire as fw
from tests.emulator.faults import Fault
from tests.emulator.images import MIME_TYPES, PROVIDER_COLOURS, render
from tests.emulator.schemas import validate_request
from tests.emulator.wire import Request, Response, dropped

if TYPE_CHECKING:
    from tests.emulator.server import Emulator

REQUEST_PATH = re.compile(r"/(?P<app>.+)/requests/(?P<id>[^/]+)(?P<tail>/status|/cancel)?")
OUTCOME_FAULTS = {
    "moderation_input": q.FLAGGED_INPUT,
    "moderation_output": q.FLAGGED_OUTPUT,
    "task_error": q.ERROR,
    "no_image": q.NO_IMAGE,
}
NOT_FOUND = "Request not found"


def key_of(req: Request) -> str | None:
    auth = req.header("authorization") or ""
    return auth[4:].strip() or None if auth.lower().startswith("key ") else None


def handle(emu: Emulator, req: Request) -> Response:
    assert req.record is not None
    operation = req.record.operation
    if operation == "delivery":
        return _with_faults(emu, req, None, lambda: _delivery(emu, req))
    if operation == "unknown":
        return fw.detail(404, "Not Found")
    key = key_of(req)
    if key is None or ":" not in key:
        platform = operation == "pricing"
        message = (
            "Invalid Key Authorization header format. Expected '<key_id>:<key_secret>'."
            if key
            else "No user found for Key ID and Secret"
        )
        return _platform_error(401, message) if platform else fw.detail(401, message)
    if operation == "submit":
        return _submit(emu, req, key)
    handlers = {"poll": _status, "result": _result, "cancel": _cancel, "pricing": _pricing}
    return _with_faults(emu, req, key, lambda: handlers[operation](emu, req))


def _with_faults(emu: Emulator, req: Request, key: str | None, answer: Any) -> Response:
    assert req.record is not None
    faults = emu.state.faults.take("fal", req.record.operation, key)
    early = _early_fault(emu, faults)
    if early is not None:
        return early
    emu.state.sleep(_slow(emu, faults))
    response: Response = dropped() if "drop" in faults else answer()
    return response


def _slow(emu: Emulator, faults: dict[str, Fault]) -> float:
    return (faults["slow"].value or emu.state.config.slow_seconds) if "slow" in faults else 0.0


def _early_fault(emu: Emulator, faults: dict[str, Fault]) -> Response | None:
    retry = str(max(1, round(emu.state.config.default_retry_after)))
    if "auth" in faults:
        return fw.detail(401, "No user found for Key ID and Secret")
    if "forbidden" in faults:
        return fw.detail(403, "User is locked. Reason: Admin lock. Please contact support@fal.ai")
    if "insufficient_quota" in faults:
        message = "User is locked. Reason: Exhausted balance. Top up your balance at "
        return fw.detail(403, message + "fal.ai/dashboard/billing.")
    if "rate_limit" in faults:
        seconds = faults["rate_limit"].value or emu.state.config.default_retry_after
        return fw.detail(429, "Rate limit exceeded", [("Retry-After", str(max(1, round(seconds))))])
    if "server_error" in faults:
        status = int(faults["server_error"].value or 500)
        if status in (502, 503, 504):
            return fw.ingress_error(status)
        return fw.detail(status, "Internal Server Error")
    if "unavailable" in faults:
        return fw.request_error(
            503, "runner_scheduling_failure", "Runner scheduling failure", retry
        )
    return None


def _submit(emu: Emulator, req: Request, key: str) -> Response:
    assert req.record is not None
    endpoint_id = req.path.strip("/")
    req.record.model = endpoint_id
    endpoint = fw.FAL_ENDPOINTS.get(endpoint_id)
    if endpoint is None or req.method != "POST":
        return fw.detail(404, f"Application '{endpoint_id}' not found")
    try:
        payload = req.json()
    except ValueError:
        return fw.unprocessable([{"loc": ["body"], "msg": "Invalid JSON", "type": "json_invalid"}])
    prompt = payload.get("prompt") if isinstance(payload, dict) else None
    faults = emu.state.faults.take(
        "fal", "submit", key, endpoint_id, prompt if isinstance(prompt, str) else None
    )
    early = _early_fault(emu, faults)
    if early is not None:
        return early
    issues = validate_request("fal", endpoint_id, payload)
    if issues:
        items: list[dict[str, object]] = [
            {"loc": ["body", *i.loc], "msg": i.message, "type": i.kind} for i in issues
        ]
        return fw.unprocessable(items)
    emu.state.sleep(_slow(emu, faults))
    width, height = fw.output_size(endpoint, payload)
    problem = fw.size_issue(endpoint, width, height)
    outcome = next((o for name, o in OUTCOME_FAULTS.items() if name in faults), q.OK)
    lifecycle = _lifecycle(req.header("x-fal-object-lifecycle-preference"))
    request = q.FalRequest(
        id=q.new_request_id(),
        key=key,
        endpoint=endpoint_id,
        app=endpoint.app,
        prompt=str(prompt),
        width=width,
        height=height,
        output_format=str(payload.get("output_format") or "png"),
        seed=payload.get("seed")
        if isinstance(payload.get("seed"), int)
        else random.randrange(2**31),
        outcome=q.INVALID if problem and outcome == q.OK else outcome,
        problem=problem,
        file_ttl=lifecycle,
        result_expired="expired_url" in faults,
        not_found="task_not_found" in faults,
        unavailable_polls=int(faults["poll_unavailable"].value or 1)
        if "poll_unavailable" in faults
        else 0,
    )
    emu.state.fal.admit(request, emu.state.latency("fal", endpoint_id))
    if "drop" in faults:
        return dropped()  # accepted (and billed when it completes), but the client never hears
    body = {**_urls(emu, request), "status": q.IN_QUEUE, "queue_position": 0, "logs": None}
    return Response.json(200, {**body, "metrics": {}}, [fw.request_id_header()])


def _lifecycle(header: str | None) -> float | None:
    try:
        seconds = json.loads(header or "null")["expiration_duration_seconds"]
    except (ValueError, TypeError, KeyError):
        return None
    return float(seconds) if isinstance(seconds, int | float) else None


def _urls(emu: Emulator, request: q.FalRequest) -> dict[str, str]:
    base = f"{emu.url('fal-queue')}/{request.app}/requests/{request.id}"
    return {
        "request_id": request.id,
        "response_url": base,
        "status_url": f"{base}/status",
        "cancel_url": f"{base}/cancel",
    }


def _find(emu: Emulator, req: Request) -> q.FalRequest | None:
    """The request the path names, if the path names it as fal does: owner/app only."""
    assert req.record is not None
    match = REQUEST_PATH.fullmatch(req.path)
    request = emu.state.fal.get(match["id"]) if match else None
    if request is None or match is None or request.app != match["app"]:
        return None
    req.record.model = request.endpoint
    return request


def _status(emu: Emulator, req: Request) -> Response:
    request = _find(emu, req)
    if request is None:
        return fw.detail(404, NOT_FOUND)
    if emu.state.fal.take_unavailable_poll(request):
        retry = str(max(1, round(emu.state.config.default_retry_after)))
        return fw.request_error(
            503, "runner_connection_timeout", "Runner connection timeout", retry
        )
    now = time.monotonic()
    status = request.status(now)
    with_logs = (req.query_param("logs") or "0").lower() in ("1", "true")
    logs = [_log_line("Generating")] if with_logs and status != q.IN_QUEUE else None
    body: dict[str, Any] = {**_urls(emu, request), "status": status, "logs": logs}
    body["queue_position"] = request.queue_position(now) if status == q.IN_QUEUE else None
    if status != q.COMPLETED:
        return Response.json(202, body, [fw.request_id_header()])
    body["metrics"] = {"inference_time": round(request.ready_at - request.started_at, 3)}
    failure = _failure(request)
    if failure is not None:
        body["error"], body["error_type"] = failure
    return Response.json(200, body, [fw.request_id_header()])


def _log_line(message: str) -> dict[str, str]:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
    return {"message": message, "level": "INFO", "source": "USER", "timestamp": stamp}


def _failure(request: q.FalRequest) -> tuple[str, str] | None:
    if request.outcome in (q.FLAGGED_INPUT, q.FLAGGED_OUTPUT, q.INVALID):
        kind = "content_policy_violation" if request.outcome != q.INVALID else "value_error"
        return "Invalid status code: 422", kind
    if request.outcome == q.ERROR:
        return "Invalid status code: 500", "internal_server_error"
    if request.outcome == q.CANCELLED:
        return "Request was cancelled", "request_cancelled"
    return None


def _result(emu: Emulator, req: Request) -> Response:
    request = _find(emu, req)
    now = time.monotonic()
    if request is None:
        return fw.detail(404, NOT_FOUND)
    if request.status(now) != q.COMPLETED:
        return fw.detail(400, "Request is still in progress")
    if request.outcome in (q.FLAGGED_INPUT, q.FLAGGED_OUTPUT):
        stage = "input" if request.outcome == q.FLAGGED_INPUT else "output"
        return fw.unprocessable([fw.content_flag(stage, request.prompt)])
    if request.outcome == q.INVALID and request.problem is not None:
        return fw.unprocessable([request.problem])
    if request.outcome == q.ERROR:
        return fw.detail(500, "Internal Server Error")
    if request.outcome == q.CANCELLED:
        return fw.detail(400, "Request was cancelled")
    body = _output(emu, request)
    if emu.state.fal.result_gone(request, len(json.dumps(body)), now):
        return fw.detail(404, NOT_FOUND)
    return Response.json(200, body, [fw.request_id_header()])


def _output(emu: Emulator, request: q.FalRequest) -> dict[str, Any]:
    if request.outcome == q.NO_IMAGE:
        return {"images": [], "description": "I can't draw that."}
    data = render(request.width, request.height, request.output_format, PROVIDER_COLOURS["fal"])
    image = {
        "url": f"{emu.url('fal-delivery')}/files/{request.id[:2]}/{request.file_name}",
        "content_type": MIME_TYPES[request.output_format],
        "file_name": request.file_name,
        "file_size": len(data),
    }
    if fw.FAL_ENDPOINTS[request.endpoint].output == "nano":
        return {"images": [image], "description": ""}
    return {"images": [image], "seed": request.seed}


def _cancel(emu: Emulator, req: Request) -> Response:
    request = _find(emu, req)
    if request is None:
        return Response.json(404, {"status": "NOT_FOUND"}, [fw.request_id_header()])
    if not emu.state.fal.cancel(request, time.monotonic()):
        return Response.json(400, {"status": "ALREADY_COMPLETED"}, [fw.request_id_header()])
    return Response.json(202, {"status": "CANCELLATION_REQUESTED"}, [fw.request_id_header()])


def _platform_error(status: int, message: str) -> Response:
    error = {"type": "authorization_error", "message": message, "docs_url": None}
    return Response.json(status, {"error": {**error, "request_id": fw.request_id_header()[1]}})


def _pricing(emu: Emulator, req: Request) -> Response:
    wanted = [e for e in (req.query_param("endpoint_id") or "").split(",") if e]
    prices = [
        {"endpoint_id": e, "unit_price": float(fw.FAL_ENDPOINTS[e].unit_price), "unit": "image"}
        for e in wanted
        if e in fw.FAL_ENDPOINTS
    ]
    body = {"prices": [{**p, "currency": "USD"} for p in prices], "next_cursor": None}
    return Response.json(200, {**body, "has_more": False})


def _delivery(emu: Emulator, req: Request) -> Response:
    """The CDN: public files, no key; gone after the lifetime the submit asked for."""
    parts = req.path.strip("/").split("/")
    request_id = parts[-1].rsplit(".", 1)[0] if len(parts) == 3 and parts[0] == "files" else ""
    request = emu.state.fal.get(request_id)
    if request is None or emu.state.fal.file_gone(request, time.monotonic()):
        return Response(404, b"Not Found", [("Content-Type", "text/plain")])
    data = render(request.width, request.height, request.output_format, PROVIDER_COLOURS["fal"])
    return Response(200, data, [("Content-Type", MIME_TYPES[request.output_format])])
