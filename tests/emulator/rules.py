"""Model-specific request rules a JSON schema cannot express (run after the schema passes).

Sources: PROVIDERS.md (sizes, ratios, per-model parameters) and the OpenAPI descriptions.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from tests.emulator.catalog import (
    BFL_MODELS,
    GEMINI_MODELS,
    GPT1_SIZES,
    OPENAI_MODELS,
)
from tests.emulator.schemas import Issue

FOUR_MP = 4 * 2**20  # FLUX.2: width * height <= 4 MP (MP = 2^20 pixels as in PRICING.md)
GPT2_MIN_PIXELS, GPT2_MAX_PIXELS, GPT2_MAX_SIDE = 655_360, 8_294_400, 3840
GEMINI_MIME_TYPES = {"image/png", "image/jpeg", "image/webp", "image/heic", "image/heif"}
_SIZE_RE = re.compile(r"^(\d+)x(\d+)$")
_RATIO_RE = re.compile(r"^(\d+):(\d+)$")


def parse_size(size: str) -> tuple[int, int] | None:
    match = _SIZE_RE.match(size)
    return (int(match.group(1)), int(match.group(2))) if match else None


def default_openai_model(operation: str) -> str:
    # The documents' defaults: generations fall back to dall-e-2, edits to gpt-image-1.5.
    return "dall-e-2" if operation == "images.generate" else "gpt-image-1.5"


def check(provider: str, operation: str, payload: Any, model: str | None) -> list[Issue]:
    if not isinstance(payload, dict):
        return []
    if provider == "openai":
        return openai_rules(operation, payload)
    if provider == "bfl":
        return bfl_rules(operation, payload)
    if provider == "gemini":
        return gemini_rules(model, payload)
    return []


# --- OpenAI -----------------------------------------------------------------------------------


def gpt2_size_issue(size: str) -> str | None:
    """PROVIDERS.md: multiples of 16, ratio 1:3..3:1, 655,360..8,294,400 pixels, side <= 3840."""
    parsed = parse_size(size)
    if parsed is None:
        return f"Invalid size '{size}'. Size must be 'auto' or WIDTHxHEIGHT, e.g. '1536x864'."
    width, height = parsed
    if width % 16 or height % 16:
        return f"Invalid size '{size}'. Width and height must both be divisible by 16."
    if width == 0 or height == 0 or max(width, height) > 3 * min(width, height):
        return f"Invalid size '{size}'. The aspect ratio must be between 1:3 and 3:1."
    if not GPT2_MIN_PIXELS <= width * height <= GPT2_MAX_PIXELS:
        return (
            f"Invalid size '{size}'. The total number of pixels must be between "
            f"{GPT2_MIN_PIXELS} and {GPT2_MAX_PIXELS}."
        )
    if max(width, height) > GPT2_MAX_SIDE:
        return f"Invalid size '{size}'. The longest side must be at most {GPT2_MAX_SIDE} pixels."
    return None


def openai_rules(operation: str, payload: dict[str, Any]) -> list[Issue]:
    model = payload.get("model") or default_openai_model(operation)
    info = OPENAI_MODELS.get(model)
    if info is None or info.family == "dalle":
        return []  # unknown or retired models are answered with 404 before these rules
    issues = [
        Issue((name,), "unknown_field", f"Unknown parameter: '{name}'.")
        for name in ("response_format", "style")  # DALL-E only: GPT image models reject them
        if name in payload
    ]
    quality = payload.get("quality")
    allowed = ["low", "medium", "high", "auto"] + (
        ["xhigh", "max"] if info.extended_quality else []
    )
    if quality is not None and quality not in allowed:
        issues.append(Issue(("quality",), "enum", "unsupported quality", allowed, quality))
    size = payload.get("size")
    if size not in (None, "auto"):
        if info.family == "gpt2":
            problem = gpt2_size_issue(str(size))
            if problem:
                issues.append(Issue(("size",), "value_error", problem, None, size))
        elif size not in GPT1_SIZES:
            expected = [*GPT1_SIZES, "auto"]
            issues.append(Issue(("size",), "enum", "unsupported size", expected, size))
    output_format = payload.get("output_format") or "png"
    if payload.get("background") == "transparent" and output_format == "jpeg":
        message = "Transparent background is not supported for output format 'jpeg'."
        issues.append(Issue(("background",), "value_error", message, None, "transparent"))
    compression = payload.get("output_compression")
    if output_format == "png" and compression is not None and compression != 100:
        message = "Compression less than 100 is not supported for PNG output format."
        issues.append(Issue(("output_compression",), "value_error", message, None, compression))
    if info.family == "mini" and payload.get("input_fidelity") is not None:
        message = f"input_fidelity is not supported for {model}."
        issues.append(Issue(("input_fidelity",), "value_error", message))
    return issues


# --- Black Forest Labs -------------------------------------------------------------------------


def parse_ratio(text: str) -> tuple[int, int] | None:
    match = _RATIO_RE.match(text.strip())
    if not match or int(match.group(1)) == 0 or int(match.group(2)) == 0:
        return None
    return int(match.group(1)), int(match.group(2))


def bfl_rules(model: str, payload: dict[str, Any]) -> list[Issue]:
    info = BFL_MODELS.get(model)
    if info is None:
        return []
    issues: list[Issue] = []
    width, height = payload.get("width"), payload.get("height")
    if info.family == "flux2" and width and height and width * height > FOUR_MP:
        message = f"Value error, width * height must be at most 4 megapixels ({FOUR_MP} pixels)"
        issues.append(Issue(("width",), "value_error", message, None, width))
    if info.size_mode in ("ultra", "kontext") and payload.get("aspect_ratio") is not None:
        ratio = parse_ratio(str(payload["aspect_ratio"]))
        if ratio is None or not 9 / 21 <= ratio[0] / ratio[1] <= 21 / 9:
            message = "Value error, aspect ratio must be between 21:9 and 9:21"
            issues.append(Issue(("aspect_ratio",), "value_error", message))
    return issues


# --- Google Gemini -----------------------------------------------------------------------------


def camel(value: Any) -> Any:
    """Proto-JSON accepts snake_case and camelCase: normalise to camelCase."""
    if isinstance(value, dict):
        return {
            re.sub(r"_([a-z])", lambda m: m.group(1).upper(), k): camel(v) for k, v in value.items()
        }
    if isinstance(value, list):
        return [camel(item) for item in value]
    return value


def gemini_rules(model: str | None, payload: dict[str, Any]) -> list[Issue]:
    body = camel(payload)
    issues: list[Issue] = []
    config = body.get("generationConfig") or {}
    info = GEMINI_MODELS.get(model or "")
    image_size = (config.get("imageConfig") or {}).get("imageSize")
    if info is not None and image_size is not None and image_size not in info.image_sizes:
        where = ("generationConfig", "imageConfig", "imageSize")
        issues.append(
            Issue(where, "enum", "unsupported image size", list(info.image_sizes), image_size)
        )
    if (config.get("candidateCount") or 1) > 1:
        message = f"Multiple candidates is not enabled for models/{model}"
        issues.append(Issue(("generationConfig", "candidateCount"), "value_error", message))
    for c, content in enumerate(body.get("contents") or []):
        for p, part in enumerate(content.get("parts") or []):
            blob = part.get("inlineData")
            if not blob:
                continue
            loc: tuple[str | int, ...] = ("contents", c, "parts", p, "inlineData")
            if blob.get("mimeType") not in GEMINI_MIME_TYPES:
                message = f"Unsupported MIME type: {blob.get('mimeType')}"
                issues.append(Issue((*loc, "mimeType"), "value_error", message))
            try:
                base64.b64decode(blob.get("data", ""), validate=True)
            except (binascii.Error, ValueError):
                message = "Base64 decoding failed"
                issues.append(Issue((*loc, "data"), "value_error", message))
    return issues
