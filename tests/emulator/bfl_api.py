"""Black Forest Labs: submit POST /v1/<model>, poll GET <polling_url>, GET /v1/credits, and the
signed-URL delivery host.

Host aliases: "bfl" (global), "bfl-eu", "bfl-us" take submits; each region's tasks are polled
only on its own poll alias ("bfl-poll-global", "bfl-poll-eu", "bfl-poll-us"); results are
downloaded from "bfl-delivery". Any other host answers "Task not found" for a task id.
"""

from __future__ import annotations

import random
import secrets
import time
from typing import TYPE_CHECKING, Any

from tests.emulator import bfl_tasks as t
from tests.emulator import bfl_wire as bw
from tests.emulator.catalog import BFL_MODELS
from tests.emulator.faults import Fault
from tests.emulator.images import MIME_TYPES, PROVIDER_COLOURS, render
from tests.emulator.schemas import Issue, validate_request
from tests.emulator.wire import Request, Response, dropped

if TYPE_CHECKING:
    from tests.emulator.server import Emulator

REGION_OF_ALIAS = {"bfl": "global", "bfl-eu": "eu", "bfl-us": "us"}
POLL_ALIAS = {"global": "bfl-poll-global", "eu": "bfl-poll-eu", "us": "bfl-poll-us"}
COLOUR = PROVIDER_COLOURS["bfl"]
TERMINAL_FAULTS = {
    "moderation_input": t.REQUEST_MODERATED,
    "moderation_output": t.CONTENT_MODERATED,
    "task_error": t.ERROR,
}


def handle(emu: Emulator, req: Request) -> Response:
    assert req.record is not None
    operation = req.record.operation
    if operation == "delivery":
        return _delivery(emu, req)
    if operation == "unknown":
        return bw.detail(404, "Not Found")
    key = req.header("x-key")
    if not key:
        return bw.detail(403, "Not authenticated")
    if operation == "submit":
        return _submit(emu, req, key)
    faults = emu.state.faults.take("bfl", operation, key)
    early = _early_fault(emu, faults)
    if early is not None:
        return early
    emu.state.sleep(_slow(emu, faults))
    if "drop" in faults:
        return dropped()
    if operation == "credits":
        return Response.json(200, {"credits": float(emu.state.bfl.credits(key))})
    return _poll(emu, req)


def _slow(emu: Emulator, faults: dict[str, Fault]) -> float:
    return (faults["slow"].value or emu.state.config.slow_seconds) if "slow" in faults else 0.0


def _early_fault(emu: Emulator, faults: dict[str, Fault]) -> Response | None:
    if "auth" in faults:
        return bw.detail(403, "Not authenticated - Invalid Authentication")
    if "forbidden" in faults:
        return bw.detail(403, "Forbidden: this key may not use this endpoint")
    if "rate_limit" in faults:
        seconds = faults["rate_limit"].value or emu.state.config.default_retry_after
        retry = [("Retry-After", str(max(1, round(seconds))))]
        return bw.detail(429, "Rate limit exceeded. Please retry later.", retry)
    if "insufficient_quota" in faults:
        return bw.detail(402, "Insufficient credits")
    if "server_error" in faults:
        return bw.detail(int(faults["server_error"].value or 500), "Internal Server Error")
    if "unavailable" in faults:
        retry = [("Retry-After", str(max(1, round(emu.state.config.default_retry_after))))]
        return bw.detail(503, "Service Unavailable", retry)
    return None


def _submit(emu: Emulator, req: Request, key: str) -> Response:
    assert req.record is not None
    model = req.path.rstrip("/").rsplit("/", 1)[-1]
    req.record.model = model
    info = BFL_MODELS.get(model)
    if info is None or req.method != "POST":
        return bw.detail(
            404 if info is None else 405, "Not Found" if info is None else "Method Not Allowed"
        )
    try:
        payload = req.json()
    except ValueError:
        return Response.json(
            422,
            {"detail": [{"loc": ["body", 0], "msg": "JSON decode error", "type": "json_invalid"}]},
        )
    prompt = payload.get("prompt") if isinstance(payload, dict) else None
    faults = emu.state.faults.take(
        "bfl", "submit", key, model, prompt if isinstance(prompt, str) else None
    )
    early = _early_fault(emu, faults)
    if early is not None:
        return early
    if not isinstance(payload, dict):
        msg = "Input should be a valid dictionary or object to extract fields from"
        return Response.json(
            422, {"detail": [{"loc": ["body"], "msg": msg, "type": "model_attributes_type"}]}
        )
    issues = validate_request("bfl", model, payload)
    if issues:
        return bw.validation_error(issues)
    refs = bw.references(info, payload)
    message = "Value error, input image could not be decoded as an image"
    issues = [Issue((name,), "value_error", message) for name, size in refs if size is None]
    if issues:
        return bw.validation_error(issues)
    sizes = [size for _, size in refs if size is not None]
    width, height = bw.output_size(info, payload, sizes)
    output_mp = bw.megapixels(width, height)
    input_mp = sum((bw.megapixels(*size) for size in sizes), start=bw.Decimal(0))
    cost = bw.cost(info, output_mp, input_mp)
    emu.state.sleep(_slow(emu, faults))

    outcome = next((status for name, status in TERMINAL_FAULTS.items() if name in faults), t.READY)
    region = REGION_OF_ALIAS[req.alias]
    seed = payload.get("seed")
    task = t.Task(
        id=t.new_task_id(),
        key=key,
        model=model,
        region=region,
        poll_alias=POLL_ALIAS[region],
        prompt=prompt if isinstance(prompt, str) else "",
        seed=seed if isinstance(seed, int) else random.randrange(2**31),
        width=width,
        height=height,
        output_format=payload.get("output_format")
        or ("png" if info.size_mode == "kontext" else "jpeg"),
        cost=cost,
        outcome=outcome,
        not_found="task_not_found" in faults,
        url_expired="expired_url" in faults,
        unavailable_polls=int(faults["poll_unavailable"].value or 1)
        if "poll_unavailable" in faults
        else 0,
    )
    refused = emu.state.bfl.admit(task, emu.state.latency("bfl", model))
    if refused == "active":
        message = "You have reached the maximum number of active tasks. Wait for some to finish."
        return bw.detail(429, message)
    if refused == "credits":
        return bw.detail(402, "Insufficient credits")
    if "drop" in faults:
        return dropped()  # accepted and charged, but the client never hears of it
    polling_url = f"{emu.url(task.poll_alias)}/v1/get_result?id={task.id}"
    reports_cost = info.family == "flux2" or emu.state.config.bfl_flux1_cost_on_submit
    body: dict[str, Any] = {
        "id": task.id,
        "polling_url": polling_url,
        "cost": float(cost) if reports_cost else None,
        "input_mp": float(input_mp) if reports_cost else None,
        "output_mp": float(output_mp) if reports_cost else None,
    }
    return Response.json(200, body)


def _poll(emu: Emulator, req: Request) -> Response:
    assert req.record is not None
    task_id = req.query_param("id")
    if task_id is None:
        return Response.json(
            422, {"detail": [{"loc": ["query", "id"], "msg": "Field required", "type": "missing"}]}
        )
    store, config = emu.state.bfl, emu.state.config
    task = store.get(task_id)
    body: dict[str, Any] = {
        "id": task_id,
        "status": t.NOT_FOUND,
        "result": None,
        "progress": None,
        "details": None,
        "preview": None,
    }
    if task is None or task.poll_alias != req.alias:
        return Response.json(200, body)  # unknown id, or not the host the polling_url named
    req.record.model = task.model
    if store.take_unavailable_poll(task):
        retry = [("Retry-After", str(max(1, round(config.default_retry_after))))]
        return bw.detail(503, "Service Unavailable", retry)
    now = time.monotonic()
    status = task.status(now, config.bfl_task_ttl)
    body["status"] = status
    if status == t.PENDING:
        body["progress"] = task.progress(now)
        if config.bfl_extended_statuses:
            body["status"] = "Reasoning" if task.progress(now) < 0.3 else "Generating"
    elif status == t.READY:
        ready_wall = task.created_wall + (task.ready_at - task.created)
        ext = "jpg" if task.output_format == "jpeg" else task.output_format
        blob = f"/results/{task.id[:2]}/{task.id}/sample.{ext}"
        sample = f"{emu.url('bfl-delivery')}{blob}?{store.sign(task, ready_wall)}"
        result: dict[str, Any] = {
            "sample": sample,
            "prompt": task.prompt,
            "seed": task.seed,
            "start_time": task.created_wall,
            "end_time": ready_wall,
            "duration": round(ready_wall - task.created_wall, 3),
        }
        info = BFL_MODELS[task.model]
        if info.family == "flux1" and not config.bfl_flux1_cost_on_submit:
            result["cost"] = float(task.cost)  # FLUX.1-era: cost only in the Ready result [T]
        body["result"] = result
    elif status == t.ERROR:
        body["details"] = {"error": "Emulated generation failure"}
    elif status in (t.REQUEST_MODERATED, t.CONTENT_MODERATED):
        body["details"] = {"Moderation Reasons": ["Emulated moderation"]}
    return Response.json(200, body)


def _azure_error(status: int, code: str, message: str) -> Response:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    text = f"{message}\nRequestId:{secrets.token_hex(8)}\nTime:{stamp}"
    xml = f"<Error><Code>{code}</Code><Message>{text}</Message></Error>"
    xml = f'<?xml version="1.0" encoding="utf-8"?>{xml}'
    return Response(
        status, xml.encode(), [("Content-Type", "application/xml"), ("x-ms-error-code", code)]
    )


def _delivery(emu: Emulator, req: Request) -> Response:
    """Blob-storage-like download: no key; the signature and its expiry are the only check."""
    faults = emu.state.faults.take("bfl", "delivery", None)
    early = _early_fault(emu, faults)
    if early is not None:
        return early
    emu.state.sleep(_slow(emu, faults))
    if "drop" in faults:
        return dropped()
    parts = req.path.strip("/").split("/")
    task = emu.state.bfl.get(parts[2]) if len(parts) == 4 and parts[0] == "results" else None
    if task is None:
        return _azure_error(404, "BlobNotFound", "The specified blob does not exist.")
    expiry, signature = req.query_param("se") or "", req.query_param("sig") or ""
    verdict = emu.state.bfl.verify(task.id, expiry, signature)
    if verdict == "forged":
        message = "Server failed to authenticate the request. Make sure the signature is right."
        return _azure_error(403, "AuthenticationFailed", message)
    if verdict == "expired":
        now = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())
        message = (
            "Server failed to authenticate the request. Signature not valid in the specified "
            f"time frame: Expiry [{expiry}] - Current [{now}]"
        )
        return _azure_error(403, "AuthenticationFailed", message)
    data = render(task.width, task.height, task.output_format, COLOUR)
    return Response(
        200,
        data,
        [
            ("Content-Type", MIME_TYPES[task.output_format]),
            ("x-ms-request-id", secrets.token_hex(8)),
        ],
    )
