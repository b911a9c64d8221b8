"""OpenRouter: POST /api/v1/chat/completions with image output, GET /api/v1/key (the free key
check) and GET /api/v1/models (the free model list), on their own host alias, as PROVIDERS-2.md
section 4 describes them.

Images come back as base64 data URLs in `choices[0].message.images`; every answer carries `usage`
with `cost` in credits (one credit is one dollar). Errors are `{"error": {"code": <http status>,
"message", "metadata"}}`; one that happens after the model started arrives as HTTP 200 with the
error in the body (the `task_error` fault plays it).
"""

from __future__ import annotations

import base64
import secrets
import time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tests.emulator.catalog import (
    GEMINI_1K_SIZES,
    GEMINI_SIZE_SCALE,
    OPENROUTER_MODELS,
    OpenRouterModel,
)
from tests.emulator.faults import Fault
from tests.emulator.images import PROVIDER_COLOURS, decode_reference, render_b64
from tests.emulator.recorder import prompt_text
from tests.emulator.schemas import validate_request
from tests.emulator.wire import Request, Response, dropped

if TYPE_CHECKING:
    from tests.emulator.state import EmulatorState

PROVIDER = "openrouter"
COLOUR = PROVIDER_COLOURS[PROVIDER]


# What input costs on top of the image (a stand-in for the labs' input token prices): the
# reported cost is never the table price alone, so a test can tell which one was used.
INPUT_USD_PER_TOKEN = Decimal("0.0000003")
REFERENCE_TOKENS = 258
OVERSIZE_BYTES = 11 * 1024 * 1024  # past the app's 10 MB image cap


def error(code: int, message: str, metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if metadata:
        body["metadata"] = metadata
    return {"error": body}


def _error(code: int, message: str, **extra: Any) -> Response:
    headers = [("Retry-After", f"{extra.pop('retry_after'):g}")] if "retry_after" in extra else []
    return Response.json(code, error(code, message, extra or None), headers)


def _early_fault(state: EmulatorState, faults: dict[str, Fault], prompt: str) -> Response | None:
    if "auth" in faults:
        return _error(401, "User not found.")
    if "forbidden" in faults:
        return _error(403, "This model is not available under your key's guardrail policy.")
    if "rate_limit" in faults:
        seconds = faults["rate_limit"].value or state.config.default_retry_after
        return _error(429, "Rate limit exceeded: free-models-per-min.", retry_after=seconds)
    if "insufficient_quota" in faults:
        message = "Insufficient credits. Add more using https://openrouter.ai/settings/credits"
        return _error(402, message)
    if "server_error" in faults:
        status = int(faults["server_error"].value or 502)
        return _error(status, "The model is down or returned an invalid response.")
    if "unavailable" in faults:
        return _error(503, "No available model provider that meets your routing requirements.")
    if "moderation_input" in faults:
        flags = {"reasons": ["violence"], "flagged_input": prompt[:100], "provider_name": "Google"}
        return _error(
            403, "Your chosen model requires moderation and your input was flagged.", **flags
        )
    return None


def handle(state: EmulatorState, req: Request) -> Response:
    assert req.record is not None
    operation = req.record.operation
    if operation == "unknown":
        return _error(404, f"Not Found: {req.method} {req.path}")
    auth = req.header("authorization") or ""
    key = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
    if operation == "models.list":  # public: no key needed
        return _early_fault(state, state.faults.take(PROVIDER, operation, key), "") or _models(req)
    if not key:
        return _error(401, "No auth credentials found")
    if not key.startswith("sk-or-") or "invalid" in key:
        return _error(401, "User not found.")
    if operation == "key":
        faults = state.faults.take(PROVIDER, operation, key)
        return _early_fault(state, faults, "") or _key_info(key)
    try:
        payload = req.json()
    except ValueError:
        return _error(400, "Invalid JSON in request body.")
    model = str(payload.get("model") or "") if isinstance(payload, dict) else ""
    req.record.model = model or None
    prompt = prompt_text(PROVIDER, payload)
    faults = state.faults.take(PROVIDER, operation, key, model, prompt)
    early = _early_fault(state, faults, prompt)
    if early is not None:
        return early
    issues = validate_request(PROVIDER, "chat.completions", payload)
    if issues:
        return _error(400, f"Invalid request: {issues[0].field or 'body'}: {issues[0].message}")
    info = OPENROUTER_MODELS.get(model)
    if info is None:
        return _error(400, f"{model} is not a valid model ID")
    asked = tuple(sorted(payload["modalities"]))
    if "image" not in info.output_modalities or asked != tuple(sorted(info.output_modalities)):
        message = f"No endpoints found that support the requested output modalities: {asked}"
        return _error(404, message)
    slow = (faults["slow"].value or state.config.slow_seconds) if "slow" in faults else 0.0
    state.sleep(state.latency(PROVIDER, model) + slow)
    if "drop" in faults:
        return dropped()
    return Response.json(200, _answer(model, info, payload, prompt, faults))


def _references(payload: dict[str, Any]) -> list[bytes]:
    found = []
    for message in payload["messages"]:
        content = message["content"]
        for part in content if isinstance(content, list) else []:
            data = decode_reference(part["image_url"]["url"]) if "image_url" in part else None
            if data is not None:
                found.append(data)
    return found


def _answer(
    model: str,
    info: OpenRouterModel,
    payload: dict[str, Any],
    prompt: str,
    faults: dict[str, Fault],
) -> dict[str, Any]:
    config = payload.get("image_config") or {}
    references = _references(payload)
    asked = str(config.get("image_size") or "1K")
    size = asked if asked in info.prices else "1K"
    width, height = GEMINI_1K_SIZES[config.get("aspect_ratio") or "1:1"]
    scale = GEMINI_SIZE_SCALE[size]
    prompt_tokens = max(1, len(prompt) // 4) + REFERENCE_TOKENS * len(references)
    cost = info.prices[size] + prompt_tokens * INPUT_USD_PER_TOKEN
    message: dict[str, Any] = {"role": "assistant", "content": ""}
    finish, native = "stop", "STOP"
    for fault, reason in (
        ("moderation_output", "IMAGE_SAFETY"),
        ("prohibited_content", "PROHIBITED_CONTENT"),
    ):
        if fault in faults:
            finish, native = "content_filter", reason
    if "no_image" in faults:
        message["content"] = "I can describe the portrait, but I will not draw it."
    elif finish == "stop":
        data = render_b64(int(width * scale), int(height * scale), "png", COLOUR)
        url = f"data:image/png;base64,{_broken(data, faults)}"
        message["images"] = [{"type": "image_url", "image_url": {"url": url}, "index": 0}]
    else:
        cost = prompt_tokens * INPUT_USD_PER_TOKEN  # nothing drawn: the input only [U]
    body: dict[str, Any] = {
        "id": f"gen-{int(time.time())}-{secrets.token_urlsafe(12)}",
        "provider": "Google" if model.startswith("google/") else "ByteDance",
        "model": model,
        "object": "chat.completion",
        "created": int(time.time()),
        "choices": [
            {
                "index": 0,
                "finish_reason": finish,
                "native_finish_reason": native,
                "message": message,
            }
        ],
        "usage": _usage(prompt_tokens, 1290 if "images" in message else 0, cost),
    }
    if "task_error" in faults:  # failed after it started: HTTP 200, the error in the body
        body.update(error(502, "Upstream error from Google: the model stopped unexpectedly."))
        body["choices"][0].update(
            finish_reason="error", message={"role": "assistant", "content": ""}
        )
    return body


def _broken(data: str, faults: dict[str, Fault]) -> str:
    """The image's base64, or what the bad-image faults put in its place."""
    if "bad_data_url" in faults:
        return base64.b64encode(b"<html><body>502 Bad Gateway</body></html>").decode()
    if "oversize_image" in faults:  # a real PNG, padded past the cap with a trailing chunk
        return base64.b64encode(base64.b64decode(data) + bytes(OVERSIZE_BYTES)).decode()
    return data


def _usage(prompt_tokens: int, image_tokens: int, cost: Decimal) -> dict[str, Any]:
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": image_tokens,
        "total_tokens": prompt_tokens + image_tokens,
        "completion_tokens_details": {"reasoning_tokens": 0, "image_tokens": image_tokens},
        "cost": float(cost),
        "is_byok": False,
        "cost_details": {"upstream_inference_cost": None},
    }


def _key_info(key: str) -> Response:
    """`GET /key`: what OpenRouter says about the key [T]."""
    label = f"{key[:9]}...{key[-3:]}"
    data = {
        "label": label,
        "limit": None,
        "usage": 0.0,
        "limit_remaining": None,
        "is_free_tier": False,
    }
    return Response.json(200, {"data": data})


def _models(req: Request) -> Response:
    wanted = req.query_param("output_modalities")
    names = [
        name
        for name, info in OPENROUTER_MODELS.items()
        if not wanted or wanted in info.output_modalities
    ]
    return Response.json(200, {"data": [_model_entry(name) for name in names]})


def _model_entry(name: str) -> dict[str, Any]:
    info = OPENROUTER_MODELS[name]
    price = str(next(iter(info.prices.values()), Decimal(0)))
    return {
        "id": name,
        "canonical_slug": name,
        "name": f"{name} (emulated)",
        "architecture": {
            "input_modalities": ["text", "image"],
            "output_modalities": list(info.output_modalities),
        },
        "pricing": {"prompt": "0.0000003", "completion": "0.0000025", "image": price},
    }
