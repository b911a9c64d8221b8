"""fal.ai's wire shapes for the emulator: the endpoints it serves, their prices, error bodies and
output sizes (PROVIDERS-2.md sections 1 and 2)."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from decimal import Decimal

from tests.emulator.wire import Response


@dataclass(frozen=True)
class FalEndpoint:
    app: str  # owner/app: the status, result and cancel URLs name only this, never the sub-path
    schema: str  # tests/emulator/schemas/<schema>.json
    output: str  # "qwen" {images, seed}, "seedream" {images, seed}, "nano" {images, description}
    unit_price: Decimal  # USD per image at 1K (pricing lookup)


def _pair(app: str, t2i: str, edit: str, schemas: tuple[str, str], output: str, price: str) -> dict:
    return {
        t2i: FalEndpoint(app, schemas[0], output, Decimal(price)),
        edit: FalEndpoint(app, schemas[1], output, Decimal(price)),
    }


_QWEN = ("fal.QwenImage2TextToImageInput", "fal.QwenImage2EditInput")
FAL_ENDPOINTS: dict[str, FalEndpoint] = {
    **_pair(
        "fal-ai/qwen-image-2",
        "fal-ai/qwen-image-2/text-to-image",
        "fal-ai/qwen-image-2/edit",
        _QWEN,
        "qwen",
        "0.035",
    ),
    **_pair(
        "fal-ai/qwen-image-2",
        "fal-ai/qwen-image-2/pro/text-to-image",
        "fal-ai/qwen-image-2/pro/edit",
        _QWEN,
        "qwen",
        "0.075",
    ),
    **_pair(
        "fal-ai/bytedance",
        "fal-ai/bytedance/seedream/v4.5/text-to-image",
        "fal-ai/bytedance/seedream/v4.5/edit",
        ("fal.SeedDream45T2IInput", "fal.SeedDream45EditInput"),
        "seedream",
        "0.04",
    ),
    **_pair(
        "fal-ai/nano-banana-2",
        "fal-ai/nano-banana-2",
        "fal-ai/nano-banana-2/edit",
        ("fal.NanoBanana2Input", "fal.NanoBanana2EditInput"),
        "nano",
        "0.08",
    ),
}

PRESETS = {
    "square_hd": (1024, 1024),
    "square": (512, 512),
    "portrait_4_3": (768, 1024),
    "portrait_16_9": (576, 1024),
    "landscape_4_3": (1024, 768),
    "landscape_16_9": (1024, 576),
}
RESOLUTION_PIXELS = {"0.5K": 1 << 18, "1K": 1 << 20, "2K": 4 << 20, "4K": 16 << 20}
# Qwen Image 2.0: 512x512 to 2048x2048 pixels in all; Seedream 4.5: 2560x1440 to 4096x4096.
PIXEL_BOUNDS = {"qwen": (512 * 512, 2048 * 2048), "seedream": (2560 * 1440, 4096 * 4096)}


def request_id_header() -> tuple[str, str]:
    return ("x-fal-request-id", secrets.token_hex(16))


def detail(status: int, message: str, headers: list[tuple[str, str]] | None = None) -> Response:
    """fal's `{"detail": "<string>"}` answer, with the request id header fal's own answers carry."""
    return Response.json(status, {"detail": message}, [request_id_header(), *(headers or [])])


def request_error(status: int, error_type: str, message: str, retry: str | None) -> Response:
    """An infrastructure error: `{"detail", "error_type"}` plus `X-Fal-Error-Type`."""
    headers = [request_id_header(), ("X-Fal-Error-Type", error_type)]
    if retry is not None:
        headers.append(("Retry-After", retry))
    return Response.json(status, {"detail": message, "error_type": error_type}, headers)


def ingress_error(status: int) -> Response:
    """An nginx 502-504 from fal's ingress: HTML, and no x-fal-request-id."""
    title = {502: "502 Bad Gateway", 503: "503 Service Unavailable"}.get(status, f"{status} Error")
    html = f"<html><head><title>{title}</title></head><body><center><h1>{title}</h1></center>"
    html += "<hr><center>nginx</center></body></html>"
    return Response(status, html.encode(), [("Content-Type", "text/html")])


def unprocessable(items: list[dict[str, object]]) -> Response:
    """A model error: 422 `{"detail": [{loc, msg, type, ...}]}` (validation or content check)."""
    return Response.json(
        422, {"detail": items}, [request_id_header(), ("X-Fal-Retryable", "false")]
    )


def content_flag(stage: str, prompt: str) -> dict[str, object]:
    if stage == "input":
        loc, msg = ["body", "prompt"], "The content was flagged by a content checker."
    else:
        loc, msg = ["body"], "The generated image was flagged by a content checker."
    return {
        "loc": loc,
        "msg": msg,
        "type": "content_policy_violation",
        "url": "https://docs.fal.ai/errors#content_policy_violation",
        "input": prompt,
        "ctx": {},
    }


def output_size(endpoint: FalEndpoint, payload: dict) -> tuple[int, int]:
    """What the model draws: `image_size` (a preset or {width, height}), or for Nano Banana an
    aspect ratio at its resolution class."""
    if endpoint.output == "nano":
        ratio = str(payload.get("aspect_ratio") or "1:1")
        a, b = (1, 1) if ratio == "auto" else (int(x) for x in ratio.split(":"))
        pixels = RESOLUTION_PIXELS[str(payload.get("resolution") or "1K")]
        height = math.sqrt(pixels * b / a)
        return max(16, round(height * a / b / 16) * 16), max(16, round(height / 16) * 16)
    size = payload.get("image_size") or "square_hd"
    if isinstance(size, dict):
        return int(size["width"]), int(size["height"])
    if size in PRESETS:
        return PRESETS[size]
    return (2048, 2048) if size == "auto_2K" else (4096, 4096)


def size_issue(endpoint: FalEndpoint, width: int, height: int) -> dict[str, object] | None:
    """The model's own pixel-count rule, checked on the runner (so it fails at the result)."""
    bounds = PIXEL_BOUNDS.get(endpoint.output)
    if bounds is None or bounds[0] <= width * height <= bounds[1]:
        return None
    return {
        "loc": ["body", "image_size"],
        "msg": f"The total number of pixels must be between {bounds[0]} and {bounds[1]}.",
        "type": "value_error",
    }
