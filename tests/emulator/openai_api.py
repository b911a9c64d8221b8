"""OpenAI Images: POST /v1/images/generations, POST /v1/images/edits, GET /v1/models[/{id}]."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from tests.emulator import openai_wire as w
from tests.emulator import rules
from tests.emulator.catalog import AUTO_QUALITY, OPENAI_MODELS
from tests.emulator.faults import Fault
from tests.emulator.images import PROVIDER_COLOURS, render_b64
from tests.emulator.openai_inputs import Reject, check_images, read_payload
from tests.emulator.schemas import SCHEMA_FOR_OPERATION, schema_issues
from tests.emulator.wire import Request, Response, dropped

if TYPE_CHECKING:
    from tests.emulator.state import EmulatorState

COLOUR = PROVIDER_COLOURS["openai"]


def handle(state: EmulatorState, req: Request) -> Response:
    started, rid = time.monotonic(), w.new_request_id()
    try:
        response = _handle(state, req, started, rid)
    except Reject as reject:
        response = reject.response
    if not response.drop:
        taken = {name.lower() for name, _ in response.headers}
        response.headers += [h for h in w.headers(rid, started) if h[0] not in taken]
    return response


def bearer(req: Request) -> str | None:
    auth = req.header("authorization") or ""
    return auth[7:].strip() or None if auth.lower().startswith("bearer ") else None


def _auth(key: str | None) -> None:
    if key is None:
        message = (
            "You didn't provide an API key. You need to provide your API key in an Authorization "
            "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
        )
        raise Reject(w.error(401, message))
    if not key.startswith("sk-") or "invalid" in key:
        hint = f"{key[:3]}****{key[-4:]}" if len(key) > 8 else "****"
        message = f"Incorrect API key provided: {hint}. You can find your API key at https://platform.openai.com/account/api-keys."
        raise Reject(w.error(401, message, code="invalid_api_key"))


def _early_fault(faults: dict[str, Fault], model: str, state: EmulatorState) -> None:
    """Faults the real API gives before looking at the request."""
    if "auth" in faults:
        _auth("invalid")
    if "forbidden" in faults:
        message = (
            f"Your organization must be verified to use the model `{model}`. Please go to: "
            "https://platform.openai.com/settings/organization/general and click on Verify "
            "Organization. If you just verified, it can take up to 15 minutes for access to "
            "propagate."
        )
        raise Reject(w.error(403, message))
    if "insufficient_quota" in faults:
        message = (
            "You exceeded your current quota, please check your plan and billing details. For more "
            "information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors."
        )
        raise Reject(w.error(429, message, "insufficient_quota", "insufficient_quota"))
    if "rate_limit" in faults:
        raise Reject(
            _rate_limited(model, faults["rate_limit"].value or state.config.default_retry_after)
        )
    if "server_error" in faults:
        status = int(faults["server_error"].value or 500)
        message = "The server had an error while processing your request. Sorry about that!"
        raise Reject(w.error(status, message, "server_error"))
    if "unavailable" in faults:
        message = "The engine is currently overloaded, please try again later."
        raise Reject(w.error(503, message, "server_error"))


def _rate_limited(model: str, seconds: float) -> Response:
    message = (
        f"Rate limit reached for {model} in organization org-emulator on requests per min (RPM): "
        f"Please try again in {seconds:g}s. Visit https://platform.openai.com/account/rate-limits "
        "to learn more."
    )
    retry = [
        ("retry-after", str(max(1, round(seconds)))),
        ("retry-after-ms", str(int(seconds * 1000))),
    ]
    return w.error(429, message, "requests", "rate_limit_exceeded", extra_headers=retry)


def _generic_delay(state: EmulatorState, faults: dict[str, Fault]) -> float:
    return (faults["slow"].value or state.config.slow_seconds) if "slow" in faults else 0.0


def _handle(state: EmulatorState, req: Request, started: float, rid: str) -> Response:
    assert req.record is not None
    operation = req.record.operation
    if operation == "unknown":
        return w.error(404, f"Invalid URL ({req.method} {req.path})")
    key = bearer(req)
    _auth(key)
    assert key is not None
    if operation.startswith("models."):
        faults = state.faults.take("openai", operation, key)
        _early_fault(faults, "", state)
        state.sleep(_generic_delay(state, faults))
        return dropped() if "drop" in faults else _models(state, req, operation)

    payload, images, mask = read_payload(req, operation)
    model = payload.get("model") or rules.default_openai_model(operation)
    req.record.model = str(model)
    prompt = payload["prompt"] if isinstance(payload.get("prompt"), str) else ""
    faults = state.faults.take("openai", operation, key, str(model), prompt)
    _early_fault(faults, str(model), state)
    allowed, limit, remaining, reset = state.rates.hit("openai", key, state.config.openai_rpm)
    if not allowed:
        return _rate_limited(str(model), reset)

    schema_op = (
        operation
        if req.record.form is not None or operation != "images.edit"
        else "images.edit.json"
    )
    issues = schema_issues(SCHEMA_FOR_OPERATION[("openai", schema_op)], payload)
    if issues:
        return w.issue_error(issues[0])
    if not state.model_available("openai", str(model)):
        message = f"The model `{model}` does not exist or you do not have access to it."
        return w.error(404, message, code="model_not_found")
    issues = rules.openai_rules(schema_op, payload)
    if issues:
        return w.issue_error(issues[0])
    check_images(images, mask)
    if "moderation_input" in faults:
        return _moderation("input")

    state.sleep(state.latency("openai", str(model)) + _generic_delay(state, faults))
    if "drop" in faults:
        return dropped()
    if "moderation_output" in faults:
        return _moderation("output")
    rate_headers = w.headers(rid, started, (limit, remaining, reset))
    return _success(payload, str(model), operation, prompt, images, rate_headers)


def _moderation(stage: str) -> Response:
    message = (
        "Your request was rejected by the safety system. If you believe this is an error, contact "
        "us at help.openai.com and include the request ID."
        if stage == "input"
        else "Generated image was filtered as a result of our safety system."
    )
    details = {"moderation_stage": stage}
    return w.error(
        400,
        message,
        "image_generation_user_error",
        "moderation_blocked",
        None,
        moderation_details=details,
    )


def _success(
    payload: dict[str, Any],
    model: str,
    operation: str,
    prompt: str,
    images: list[tuple[int, int]],
    headers: list[tuple[str, str]],
) -> Response:
    info = OPENAI_MODELS[model]
    if info.family == "dalle":
        return _dalle(payload, headers)
    size = payload.get("size") or "auto"
    width, height = rules.parse_size(size) or (1024, 1024)  # auto resolves to a square
    quality = payload.get("quality") or "auto"
    quality = AUTO_QUALITY if quality == "auto" else quality
    fmt = payload.get("output_format") or "png"
    background = "transparent" if payload.get("background") == "transparent" else "opaque"
    n = payload.get("n") or 1
    b64 = render_b64(width, height, fmt, COLOUR, background == "transparent")
    per_image = w.output_tokens(info.family, quality, width, height)
    image_tokens = sum(w.image_input_tokens(iw, ih) for iw, ih in images)
    usage = w.usage(w.text_tokens(prompt), image_tokens, per_image * n)
    shape = {
        "background": background,
        "output_format": fmt,
        "quality": quality,
        "size": f"{width}x{height}",
    }
    if payload.get("stream"):
        return _stream(operation, b64, shape, usage, payload.get("partial_images") or 0, headers)
    body = {
        "created": int(time.time()),
        "data": [{"b64_json": b64} for _ in range(n)],
        **shape,
        "usage": usage,
    }
    return Response.json(200, body, headers)


def _dalle(payload: dict[str, Any], headers: list[tuple[str, str]]) -> Response:
    """Only reachable with `today` before 2026-05-12: a bare DALL-E answer (no usage block),
    always base64 because the emulator hosts no image URLs."""
    width, height = rules.parse_size(payload.get("size") or "") or (1024, 1024)
    b64 = render_b64(width, height, "png", COLOUR)
    data = [{"b64_json": b64} for _ in range(payload.get("n") or 1)]
    return Response.json(200, {"created": int(time.time()), "data": data}, headers)


def _stream(
    operation: str,
    b64: str,
    shape: dict[str, Any],
    usage: dict[str, Any],
    partials: int,
    headers: list[tuple[str, str]],
) -> Response:
    prefix = "image_generation" if operation == "images.generate" else "image_edit"

    def events() -> Iterator[bytes]:
        created = int(time.time())
        for index in range(partials):
            event = {
                "type": f"{prefix}.partial_image",
                "b64_json": b64,
                "created_at": created,
                **shape,
                "partial_image_index": index,
            }
            yield f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode()
        event = {
            "type": f"{prefix}.completed",
            "b64_json": b64,
            "created_at": created,
            **shape,
            "usage": usage,
        }
        yield f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode()

    return Response(200, headers=[("Content-Type", "text/event-stream"), *headers], chunks=events())


def _models(state: EmulatorState, req: Request, operation: str) -> Response:
    def entry(model_id: str) -> dict[str, Any]:
        info = OPENAI_MODELS.get(model_id)  # None: a name a test added to the list
        created = int(time.mktime(info.released.timetuple())) if info else int(time.time())
        shutdown = info.shutdown.isoformat() if info and info.shutdown else None
        return {
            "id": model_id,
            "object": "model",
            "created": created,
            "owned_by": "system",
            "shutdown_date": shutdown,
        }

    if operation == "models.list":
        data = [entry(m) for m in state.model_list("openai")]
        return Response.json(200, {"object": "list", "data": data})
    model_id = req.path.rsplit("/", 1)[-1]
    if model_id not in state.model_list("openai"):
        message = f"The model '{model_id}' does not exist"
        return w.error(404, message, code="model_not_found", param="model")
    return Response.json(200, entry(model_id))
