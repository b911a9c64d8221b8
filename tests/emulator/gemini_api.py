"""Google Gemini image models: POST /v1beta/models/{model}:generateContent, GET /v1beta/models
(paginated), and Imagen's POST /v1beta/models/{model}:predict, which answers 404 since Imagen's
shutdown on 2026-08-17 (PROVIDERS-2.md section 5.2)."""

from __future__ import annotations

import base64
import re
import secrets
from typing import TYPE_CHECKING, Any

from tests.emulator.catalog import GEMINI_1K_SIZES, GEMINI_MODELS, GEMINI_SIZE_SCALE
from tests.emulator.faults import Fault
from tests.emulator.images import PROVIDER_COLOURS, probe, render_b64
from tests.emulator.recorder import prompt_text
from tests.emulator.rules import camel
from tests.emulator.schemas import Issue, validate_request
from tests.emulator.wire import Request, Response, dropped

if TYPE_CHECKING:
    from tests.emulator.state import EmulatorState

COLOUR = PROVIDER_COLOURS["gemini"]
_TYPE = "type.googleapis.com/google.rpc."
STATUS_CODES = {
    "INVALID_ARGUMENT": 400,
    "PERMISSION_DENIED": 403,
    "NOT_FOUND": 404,
    "RESOURCE_EXHAUSTED": 429,
    "INTERNAL": 500,
    "UNAVAILABLE": 503,
}


def error(status: str, message: str, details: list[dict[str, Any]] | None = None) -> Response:
    code = STATUS_CODES[status]
    body = {"error": {"code": code, "message": message, "status": status, "details": details or []}}
    return Response.json(code, body)


def _key_invalid() -> Response:
    info = {
        "@type": f"{_TYPE}ErrorInfo",
        "reason": "API_KEY_INVALID",
        "domain": "googleapis.com",
        "metadata": {"service": "generativelanguage.googleapis.com"},
    }
    return error("INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [info])


def _lower(match: re.Match[str]) -> str:
    return "_" + match.group(0).lower()


def _snake_path(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + re.sub(r"[A-Z]", _lower, part)
    return out


def issue_error(issue: Issue) -> Response:
    path = _snake_path(issue.loc)
    if issue.kind == "unknown_field":
        parent, name = _snake_path(issue.loc[:-1]), issue.loc[-1]
        where = f" at '{parent}'" if parent else ""
        message = f'Invalid JSON payload received. Unknown name "{name}"{where}: Cannot find field.'
        violation = {"field": parent, "description": message}
        return error(
            "INVALID_ARGUMENT",
            message,
            [{"@type": f"{_TYPE}BadRequest", "fieldViolations": [violation]}],
        )
    if issue.kind == "missing":
        message = f"* GenerateContentRequest.{path}: {issue.loc[-1]} is not specified"
    elif issue.kind in ("enum", "type"):
        message = f"Invalid value at '{path}', \"{issue.got}\""
    else:
        message = f"* GenerateContentRequest.{path}: {issue.message}"
    return error("INVALID_ARGUMENT", message)


def _rate_limited(seconds: float) -> Response:
    retry = {"@type": f"{_TYPE}RetryInfo", "retryDelay": f"{seconds:g}s"}
    return error("RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).", [retry])


def _early_fault(state: EmulatorState, faults: dict[str, Fault], model: str) -> Response | None:
    if "auth" in faults:
        return _key_invalid()
    if "forbidden" in faults:
        return error(
            "PERMISSION_DENIED", f"Your API key does not have permission to use models/{model}."
        )
    if "rate_limit" in faults:
        return _rate_limited(faults["rate_limit"].value or state.config.default_retry_after)
    if "insufficient_quota" in faults:
        quota = {
            "@type": f"{_TYPE}QuotaFailure",
            "violations": [
                {
                    "quotaMetric": "generativelanguage.googleapis.com/generate_content_requests",
                    "quotaId": "GenerateContentPaidTierInputTokensPerModelPerDay",
                }
            ],
        }
        message = "You exceeded your current quota, please check your plan and billing details."
        return error("RESOURCE_EXHAUSTED", message, [quota])
    if "server_error" in faults:
        return error(
            "INTERNAL",
            "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
        )
    if "unavailable" in faults:
        return error("UNAVAILABLE", "The model is overloaded. Please try again later.")
    return None


def handle(state: EmulatorState, req: Request) -> Response:
    assert req.record is not None
    operation = req.record.operation
    if operation == "unknown":
        return error("NOT_FOUND", f"The requested URL {req.path} was not found on this server.")
    key = req.header("x-goog-api-key") or req.query_param("key")
    if not key:
        message = (
            "Method doesn't allow unregistered callers (callers without established identity). "
            "Please use API Key or other form of API consumer identity to call this API."
        )
        return error("PERMISSION_DENIED", message)
    if not key.startswith("AIza") or "invalid" in key:
        return _key_invalid()
    if operation == "models.list":
        faults = state.faults.take("gemini", operation, key)
        return _early_fault(state, faults, "") or _models(state, req)
    model = req.path.split("/models/", 1)[1].split(":", 1)[0]
    req.record.model = model
    if operation == "predict":
        return _predict(model)
    try:
        payload = req.json()
    except ValueError:
        return error("INVALID_ARGUMENT", "Invalid JSON payload received. Unexpected token.")
    body = camel(payload) if isinstance(payload, dict) else {}
    prompt = prompt_text("gemini", body)
    faults = state.faults.take("gemini", operation, key, model, prompt)
    early = _early_fault(state, faults, model)
    if early is not None:
        return early
    allowed, _limit, _remaining, reset = state.rates.hit("gemini", key, state.config.gemini_rpm)
    if not allowed:
        return _rate_limited(round(reset, 3))
    if not state.model_available("gemini", model):
        message = (
            f"models/{model} is not found for API version v1beta, or is not supported for "
            "generateContent. Call ListModels to see the list of available models and their "
            "supported methods."
        )
        return error("NOT_FOUND", message)
    issues = validate_request("gemini", "generateContent", payload, model=model)
    if issues:
        return issue_error(issues[0])
    if "moderation_input" in faults:
        return Response.json(
            200,
            {
                "promptFeedback": {"blockReason": "PROHIBITED_CONTENT"},
                "usageMetadata": _usage(prompt, body, 0, 0),
                "modelVersion": model,
            },
        )
    slow = (faults["slow"].value or state.config.slow_seconds) if "slow" in faults else 0.0
    state.sleep(state.latency("gemini", model) + slow)
    if "drop" in faults:
        return dropped()
    return _answer(model, body, prompt, faults)


def _inline_images(body: dict[str, Any]) -> list[tuple[int, int]]:
    sizes = []
    for content in body.get("contents") or []:
        for part in content.get("parts") or []:
            blob = part.get("inlineData")
            found = probe(base64.b64decode(blob["data"])) if blob else None
            if found:
                sizes.append((found[0], found[1]))
    return sizes


def _usage(prompt: str, body: dict[str, Any], image_out: int, text_out: int) -> dict[str, Any]:
    text_in = max(1, len(prompt) // 4)
    image_in = 258 * len(_inline_images(body))  # stand-in: 258 tokens per input image
    prompt_details = [{"modality": "TEXT", "tokenCount": text_in}]
    if image_in:
        prompt_details.append({"modality": "IMAGE", "tokenCount": image_in})
    out_details = [{"modality": "IMAGE", "tokenCount": image_out}] if image_out else []
    if text_out:
        out_details.append({"modality": "TEXT", "tokenCount": text_out})
    return {
        "promptTokenCount": text_in + image_in,
        "candidatesTokenCount": image_out + text_out,
        "totalTokenCount": text_in + image_in + image_out + text_out,
        "promptTokensDetails": prompt_details,
        "candidatesTokensDetails": out_details,
    }


def _answer(model: str, body: dict[str, Any], prompt: str, faults: dict[str, Fault]) -> Response:
    info = GEMINI_MODELS[model]
    config = body.get("generationConfig") or {}
    image_config = config.get("imageConfig") or {}
    modalities = config.get("responseModalities") or ["TEXT", "IMAGE"]
    inputs = _inline_images(body)
    ratio = image_config.get("aspectRatio")
    if ratio is None and inputs:  # no ratio asked: follow the first input image
        w0, h0 = inputs[0]
        ratio = min(
            GEMINI_1K_SIZES,
            key=lambda r: abs(GEMINI_1K_SIZES[r][0] / GEMINI_1K_SIZES[r][1] - w0 / h0),
        )
    image_size = image_config.get("imageSize") or "1K"
    base_w, base_h = GEMINI_1K_SIZES[ratio or "1:1"]
    scale = GEMINI_SIZE_SCALE[image_size]
    width, height = int(base_w * scale), int(base_h * scale)
    meta = {"modelVersion": model, "responseId": secrets.token_urlsafe(12)}
    for fault, reason in (
        ("moderation_output", "IMAGE_SAFETY"),
        ("prohibited_content", "PROHIBITED_CONTENT"),
    ):
        if fault in faults:
            candidate = {"finishReason": reason, "index": 0}
            return Response.json(
                200,
                {"candidates": [candidate], "usageMetadata": _usage(prompt, body, 0, 0), **meta},
            )
    parts: list[dict[str, Any]] = []
    text_out = 0
    if "TEXT" in modalities or "no_image" in faults:
        parts.append({"text": "Here is the portrait you asked for."})
        text_out = 9
    image_out = 0
    if "IMAGE" in modalities and "no_image" not in faults:
        data = render_b64(width, height, "png", COLOUR)
        parts.append({"inlineData": {"mimeType": "image/png", "data": data}})
        image_out = info.output_tokens[image_size]
    candidate = {"content": {"parts": parts, "role": "model"}, "finishReason": "STOP", "index": 0}
    usage = _usage(prompt, body, image_out, text_out)
    return Response.json(200, {"candidates": [candidate], "usageMetadata": usage, **meta})


# Google's ListModels: pageSize defaults to 50 and is capped at 1000; nextPageToken is left out on
# the last page (ai.google.dev, models.list). The token is opaque to clients.
PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX = 50, 1000


def _page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _page_offset(token: str) -> int | None:
    try:
        kind, _, number = base64.urlsafe_b64decode(token.encode()).decode().partition(":")
        offset = int(number)
    except (ValueError, UnicodeDecodeError):
        return None
    return offset if kind == "offset" and offset >= 0 else None


def _models(state: EmulatorState, req: Request) -> Response:
    size_text, token = req.query_param("pageSize"), req.query_param("pageToken")
    try:
        size = int(size_text) if size_text else PAGE_SIZE_DEFAULT
    except ValueError:
        return error(
            "INVALID_ARGUMENT", f"Invalid value at 'page_size' (TYPE_INT32), \"{size_text}\""
        )
    if size < 0:
        return error("INVALID_ARGUMENT", "page_size must not be negative.")
    size = min(size or PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX)
    offset = _page_offset(token) if token else 0
    if offset is None:
        return error("INVALID_ARGUMENT", "Invalid page token.")
    names = state.model_list("gemini")
    models = [_model_entry(name) for name in names[offset : offset + size]]
    body: dict[str, Any] = {"models": models}
    if offset + size < len(names):
        body["nextPageToken"] = _page_token(offset + size)
    return Response.json(200, body)


def _model_entry(name: str) -> dict[str, Any]:
    info = GEMINI_MODELS.get(name)
    display = info.display_name if info else name  # a name a test added to the list
    return {
        "name": f"models/{name}",
        "version": "2.0",
        "displayName": display,
        "description": f"{display} (emulated)",
        "inputTokenLimit": 32768,
        "outputTokenLimit": 32768,
        "supportedGenerationMethods": ["generateContent", "countTokens"],
    }


def _predict(model: str) -> Response:
    """Imagen on the Gemini API: shut down 2026-08-17; the ids answer 404 [T]. Only a message
    with "is no longer available" reliably means "shut down" (PROVIDERS-2.md 5.2; exact text U)."""
    if model.startswith("imagen-"):
        return error("NOT_FOUND", f"models/{model} is no longer available.")
    return error("NOT_FOUND", f"models/{model} is not found for API version v1beta.")
