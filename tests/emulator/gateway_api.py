"""HiAPI and APIMart: submit -> task id -> poll `GET /v1/tasks/{id}` -> a signed, expiring result
URL on the "gateway-cdn" alias; HiAPI's synchronous FLUX1.1 [pro] endpoint; the key checks
(HiAPI's task list, APIMart's model list). Wire shapes in gateway_wire.

Host aliases: "hiapi" and "apimart" take API calls (Bearer keys starting sk-); results are
downloaded, without a key, from "gateway-cdn" (or from `gateway_result_base` when a test sets it).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from tests.emulator import gateway_wire as gw
from tests.emulator.faults import Fault
from tests.emulator.gateway_tasks import FAILED, GatewayTask, new_task_id
from tests.emulator.images import PROVIDER_COLOURS, render
from tests.emulator.schemas import validate_request
from tests.emulator.wire import Request, Response, dropped

if TYPE_CHECKING:
    from tests.emulator.server import Emulator

# Faults that end the task rather than refuse the request: (error code, message).
TASK_FAILURES = {
    "moderation_output": ("content_policy_violation", "The output was blocked by moderation"),
    "task_error": ("generation_failed", "Emulated generation failure"),
}


def handle(emu: Emulator, req: Request) -> Response:
    assert req.record is not None
    provider, operation = req.record.provider, req.record.operation
    if operation == "delivery":
        return _delivery(emu, req, provider)
    if operation == "unknown":
        return gw.error(provider, "not_found", "no such endpoint")
    key = _bearer(req)
    if key is None or not key.startswith("sk-"):
        return gw.error(provider, "auth")
    if operation in ("submit", "images.generate"):
        return _submit(emu, req, provider, key)
    faulted = _faulted(emu, provider, operation, key)
    if faulted is not None:
        return faulted
    if operation == "poll":
        return _poll(emu, req, provider, key)
    return gw.task_list(provider)


def _bearer(req: Request) -> str | None:
    auth = req.header("authorization") or ""
    return auth[7:].strip() or None if auth.lower().startswith("bearer ") else None


def _slow(emu: Emulator, faults: dict[str, Fault]) -> float:
    return (faults["slow"].value or emu.state.config.slow_seconds) if "slow" in faults else 0.0


def _faulted(emu: Emulator, provider: str, operation: str, key: str | None) -> Response | None:
    """The answer a fault gives a request that asks for no image (a poll, a key check, a
    download), after any delay it asks for; None: answer normally."""
    faults = emu.state.faults.take(provider, operation, key)
    early = _early_fault(emu, provider, faults)
    if early is not None:
        return early
    emu.state.sleep(_slow(emu, faults))
    return dropped() if "drop" in faults else None


def _early_fault(emu: Emulator, provider: str, faults: dict[str, Fault]) -> Response | None:
    retry = [("Retry-After", str(max(1, round(emu.state.config.default_retry_after))))]
    for name in ("auth", "forbidden", "insufficient_quota", "moderation_input"):
        if name in faults:
            return gw.error(provider, name)
    if "rate_limit" in faults:
        seconds = faults["rate_limit"].value or emu.state.config.default_retry_after
        return gw.error(provider, "rate_limit", headers=[("Retry-After", str(round(seconds)))])
    if "server_error" in faults:
        return gw.error(provider, "server_error", status=int(faults["server_error"].value or 500))
    if "unavailable" in faults:
        return gw.error(provider, "unavailable", headers=retry)
    return None


def _submit(emu: Emulator, req: Request, provider: str, key: str) -> Response:
    assert req.record is not None
    try:
        payload = req.json()
    except ValueError:
        return gw.error(provider, "invalid", "the body is not JSON")
    if not isinstance(payload, dict):
        return gw.error(provider, "invalid", "the body must be a JSON object")
    req.record.model = str(payload.get("model") or "")
    prompt = req.record.prompt
    faults = emu.state.faults.take(provider, req.record.operation, key, req.record.model, prompt)
    early = _early_fault(emu, provider, faults)
    if early is not None:
        return early
    issues = validate_request(provider, req.record.operation, payload)
    if issues:
        detail = "; ".join(f"{i.field or 'body'}: {i.message}" for i in issues)
        return gw.error(provider, "invalid", detail)
    width, height = gw.output_size(provider, payload)
    failure = next((TASK_FAILURES[name] for name in TASK_FAILURES if name in faults), None)
    task = GatewayTask(
        id=new_task_id(provider),
        provider=provider,
        key=key,
        model=req.record.model,
        prompt=prompt,
        width=width,
        height=height,
        outcome=FAILED if failure else "success",
        error_code=failure[0] if failure else "",
        error_message=failure[1] if failure else "",
        no_image="no_image" in faults,
        not_found="task_not_found" in faults,
        url_expired="expired_url" in faults,
        unavailable_polls=int(faults["poll_unavailable"].value or 1)
        if "poll_unavailable" in faults
        else 0,
        url_as_string=gw.url_as_string(emu.state.config.apimart_url_as_string),
    )
    sync = req.record.operation == "images.generate"
    emu.state.gateways.admit(task, 0.0 if sync else emu.state.latency(provider, task.model))
    if sync:  # HiAPI's FLUX1.1 [pro]: the model's time, then the image at once
        emu.state.sleep(emu.state.latency(provider, task.model))
    emu.state.sleep(_slow(emu, faults))
    if "drop" in faults:
        return dropped()  # accepted (and billed), but the client never hears of it
    if sync:
        return gw.sync_images(_result_url(emu, task))
    return gw.submitted(task)


def _result_url(emu: Emulator, task: GatewayTask) -> str:
    base = emu.state.config.gateway_result_base or emu.url("gateway-cdn")
    expires = emu.state.gateways.expiry(task)
    signature = emu.state.gateways.signature(task.id, expires)
    return f"{base}/{task.provider}/{task.id}.png?expires={expires}&sig={signature}"


def _poll(emu: Emulator, req: Request, provider: str, key: str) -> Response:
    assert req.record is not None
    task_id = req.path.rstrip("/").rsplit("/", 1)[-1]
    task = emu.state.gateways.get(provider, key, task_id)
    if task is None:  # unknown, forgotten, or another account's task
        return gw.error(provider, "not_found")
    req.record.model = task.model
    if emu.state.gateways.take_unavailable_poll(task):
        retry = [("Retry-After", str(max(1, round(emu.state.config.default_retry_after))))]
        return gw.error(provider, "unavailable", headers=retry)
    expires = emu.state.gateways.expiry(task)
    body = gw.task_body(task, time.monotonic(), _result_url(emu, task), expires)
    return Response.json(200, body)


def _delivery(emu: Emulator, req: Request, provider: str) -> Response:
    """A CDN-like download: no key; the signature and its expiry are the only check."""
    faulted = _faulted(emu, provider, "delivery", None)
    if faulted is not None:
        return faulted
    name = req.path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".png")
    task = emu.state.gateways.find(name)
    if task is None or task.provider != provider:
        return _s3_error(404, "NoSuchKey", "The specified key does not exist.")
    verdict = emu.state.gateways.verify(
        task.id, req.query_param("expires") or "", req.query_param("sig") or ""
    )
    if verdict != "ok":
        return _s3_error(403, "AccessDenied", f"Request has {verdict}.")
    data = render(task.width, task.height, "png", PROVIDER_COLOURS[provider])
    return Response(200, data, [("Content-Type", "image/png")])


def _s3_error(status: int, code: str, message: str) -> Response:
    xml = f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code><Message>{message}'
    return Response(status, f"{xml}</Message></Error>".encode(), [("Content-Type", "text/xml")])
