"""OpenAI wire details: error bodies, headers, token accounting (PROVIDERS.md, PRICING.md)."""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Iterable
from typing import Any

from tests.emulator.catalog import GPT1_OUTPUT_TOKENS, GPT2_QUALITY_FACTOR, MINI_OUTPUT_TOKENS
from tests.emulator.schemas import Issue
from tests.emulator.wire import Response

INVALID_REQUEST = "invalid_request_error"
_TYPE_WORDS = {
    "integer": "an integer",
    "string": "a string",
    "boolean": "a boolean",
    "number": "a decimal",
    "array": "an array",
    "object": "an object",
    "null": "null",
}


def new_request_id() -> str:
    return f"req_{secrets.token_hex(16)}"


def headers(
    request_id: str, started: float, rate: tuple[int, int, float] | None = None
) -> list[tuple[str, str]]:
    elapsed_ms = int((time.monotonic() - started) * 1000)
    out = [
        ("x-request-id", request_id),
        ("openai-processing-ms", str(elapsed_ms)),
        ("openai-version", "2020-10-01"),
    ]
    if rate is not None:
        limit, remaining, reset = rate
        out += [
            ("x-ratelimit-limit-requests", str(limit)),
            ("x-ratelimit-remaining-requests", str(remaining)),
            ("x-ratelimit-reset-requests", f"{max(reset, 0.001):.3f}s"),
            ("x-ratelimit-limit-tokens", "4000000"),
            ("x-ratelimit-remaining-tokens", "3999000"),
            ("x-ratelimit-reset-tokens", "15ms"),
        ]
    return out


def error(
    status: int,
    message: str,
    type_: str = INVALID_REQUEST,
    code: str | None = None,
    param: str | None = None,
    extra_headers: Iterable[tuple[str, str]] = (),
    **extra: Any,
) -> Response:
    body = {"error": {"message": message, "type": type_, "param": param, "code": code, **extra}}
    return Response.json(status, body, extra_headers)


def _quote_list(values: list[Any]) -> str:
    quoted = [f"'{v}'" for v in values if v is not None]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + f", and {quoted[-1]}"


def _type_word(expected: Any) -> str:
    names = [expected] if isinstance(expected, str) else list(expected or [])
    names = [n for n in names if n != "null"] or names
    return _TYPE_WORDS.get(names[0], names[0]) if names else "another type"


def _got_word(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a decimal"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return "null"


def issue_error(issue: Issue) -> Response:
    """The 400 OpenAI answers for a validation problem (message formats of the real API)."""
    name = issue.field
    got, expected = issue.got, issue.expected
    code = "invalid_value"
    if issue.kind == "unknown_field":
        message, code = f"Unknown parameter: '{name}'.", "unknown_parameter"
    elif issue.kind == "missing":
        message, code = f"Missing required parameter: '{name}'.", "missing_required_parameter"
    elif issue.kind == "type":
        message = (
            f"Invalid type for '{name}': expected {_type_word(expected)}, "
            f"but got {_got_word(got)} instead."
        )
        code = "invalid_type"
    elif issue.kind == "enum":
        message = f"Invalid value: '{got}'. Supported values are: {_quote_list(expected)}."
    elif issue.kind in ("maximum", "minimum"):
        above = issue.kind == "maximum"
        word, op = ("above maximum", "<=") if above else ("below minimum", ">=")
        message = (
            f"Invalid '{name}': integer {word} value. Expected a value {op} {expected}, "
            f"but got {got} instead."
        )
        code = f"integer_{'above_max' if above else 'below_min'}_value"
    elif issue.kind in ("max_length", "min_length", "max_items", "min_items"):
        what = "string" if issue.kind.endswith("length") else "array"
        above = issue.kind.startswith("max")
        size = len(got) if isinstance(got, str | list) else got
        message = (
            f"Invalid '{name}': {what} too {'long' if above else 'short'}. Expected {what} with "
            f"{'maximum' if above else 'minimum'} length {expected}, but got {what} with "
            f"length {size} instead."
        )
        code = f"{what}_{'above_max' if above else 'below_min'}_length"
    elif issue.kind == "value_error":
        message = issue.message
    else:
        message = f"Invalid '{name}': {issue.message}."
    return error(400, message, INVALID_REQUEST, code, name or None)


# --- tokens -------------------------------------------------------------------------------------


def gpt2_output_tokens(quality: str, width: int, height: int) -> int:
    """PRICING.md's formula; it reproduces every official gpt-image-2 example."""
    qf = GPT2_QUALITY_FACTOR[quality]
    long_side, short_side = max(width, height), min(width, height)
    saf = (2 * qf * short_side + long_side) // (2 * long_side)
    return -(-qf * saf * (2_000_000 + width * height) // 4_000_000)


def output_tokens(family: str, quality: str, width: int, height: int) -> int:
    if family == "gpt2":
        return gpt2_output_tokens(quality, width, height)
    table = MINI_OUTPUT_TOKENS if family == "mini" else GPT1_OUTPUT_TOKENS
    # xhigh/max do not exist for these models (rules.py rejects them); be safe anyway.
    return table.get(quality, table["high"])[f"{width}x{height}"]


def text_tokens(prompt: str) -> int:
    """About four characters per token (no tokenizer offline; a stand-in, not OpenAI's count)."""
    return max(1, math.ceil(len(prompt) / 4))


def image_input_tokens(width: int, height: int) -> int:
    """Vision-style tile count (fit in 2048, short side 768, 512-pixel tiles): a stand-in."""
    fit = min(1.0, 2048 / max(width, height))
    shrink = min(1.0, 768 / (min(width, height) * fit))
    tiles = math.ceil(width * fit * shrink / 512) * math.ceil(height * fit * shrink / 512)
    return 65 + 129 * tiles


def usage(text: int, image: int, output: int) -> dict[str, Any]:
    return {
        "input_tokens": text + image,
        "input_tokens_details": {"text_tokens": text, "image_tokens": image},
        "output_tokens": output,
        "output_tokens_details": {"image_tokens": output, "text_tokens": 0},
        "total_tokens": text + image + output,
    }
