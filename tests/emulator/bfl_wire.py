"""BFL wire details: error bodies, output sizes, megapixels and cost (PROVIDERS.md, PRICING.md)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tests.emulator.catalog import FLUX2_REFERENCE_FIELDS, BflModel
from tests.emulator.images import decode_reference, probe
from tests.emulator.rules import FOUR_MP, parse_ratio
from tests.emulator.schemas import Issue
from tests.emulator.wire import Response

MP = 2**20
ASSUMED_URL_IMAGE = (1024, 1024)  # the emulator cannot fetch http(s) references offline


def detail(status: int, message: str, headers: Iterable[tuple[str, str]] = ()) -> Response:
    return Response.json(status, {"detail": message}, headers)


_TYPE_ERRORS = {
    "integer": ("int_type", "Input should be a valid integer"),
    "string": ("string_type", "Input should be a valid string"),
    "boolean": ("bool_type", "Input should be a valid boolean"),
    "number": ("float_type", "Input should be a valid number"),
}


def _pydantic(issue: Issue) -> tuple[str, str]:
    """(type, msg) in pydantic v2 / FastAPI words."""
    expected = issue.expected
    if issue.kind == "missing":
        return "missing", "Field required"
    if issue.kind == "unknown_field":
        return "extra_forbidden", "Extra inputs are not permitted"
    if issue.kind == "type":
        names = [expected] if isinstance(expected, str) else [t for t in expected if t != "null"]
        return _TYPE_ERRORS.get(names[0], ("value_error", issue.message))
    if issue.kind == "enum":
        options = [f"'{v}'" for v in expected if v is not None]
        return "enum", f"Input should be {', '.join(options[:-1])} or {options[-1]}"
    simple = {
        "minimum": ("greater_than_equal", f"Input should be greater than or equal to {expected}"),
        "maximum": ("less_than_equal", f"Input should be less than or equal to {expected}"),
        "multiple_of": ("multiple_of", f"Input should be a multiple of {expected}"),
        "max_length": ("string_too_long", f"String should have at most {expected} characters"),
        "min_length": ("string_too_short", f"String should have at least {expected} character"),
    }
    if issue.kind in simple:
        return simple[issue.kind]
    return "value_error", issue.message


def validation_error(issues: list[Issue]) -> Response:
    """422 {"detail": [{"loc", "msg", "type"}]} with every problem, as FastAPI reports them."""
    items = []
    for issue in issues:
        type_, msg = _pydantic(issue)
        items.append({"loc": ["body", *issue.loc], "msg": msg, "type": type_})
    return Response.json(422, {"detail": items})


def references(info: BflModel, payload: dict[str, Any]) -> list[tuple[str, tuple[int, int] | None]]:
    """(field, decoded size) of each reference image; size None when it is not an image."""
    fields = FLUX2_REFERENCE_FIELDS if info.family == "flux2" else ()
    if info.size_mode == "kontext":
        fields = FLUX2_REFERENCE_FIELDS[:4]
    out: list[tuple[str, tuple[int, int] | None]] = []
    for name in fields:
        value = payload.get(name)
        if not value:
            continue
        if value.startswith(("http://", "https://")):
            out.append((name, ASSUMED_URL_IMAGE))
            continue
        data = decode_reference(value)
        found = probe(data) if data else None
        out.append((name, (found[0], found[1]) if found else None))
    return out


def _by_ratio(ratio: tuple[int, int], area: int, step: int) -> tuple[int, int]:
    width = math.sqrt(area * ratio[0] / ratio[1])
    height = width * ratio[1] / ratio[0]
    return max(step, round(width / step) * step), max(step, round(height / step) * step)


def output_size(
    info: BflModel, payload: dict[str, Any], refs: list[tuple[int, int]]
) -> tuple[int, int]:
    if info.family == "flux2":
        width, height = payload.get("width") or 0, payload.get("height") or 0
        if width and height:
            return width, height
        if refs:  # width/height default 0: follow the first reference, within 4 MP
            ref_w, ref_h = refs[0]
            scale = min(1.0, math.sqrt(FOUR_MP / (ref_w * ref_h)))
            return max(64, int(ref_w * scale) // 16 * 16), max(64, int(ref_h * scale) // 16 * 16)
        return 1024, 1024
    if info.size_mode == "ultra":  # about 4 MP at the requested ratio
        ratio = parse_ratio(payload.get("aspect_ratio") or "16:9") or (16, 9)
        return _by_ratio(ratio, FOUR_MP, 32)
    if info.size_mode == "kontext":  # about 1 MP, ratio given or taken from the input image
        ratio = parse_ratio(payload.get("aspect_ratio") or "") or (refs[0] if refs else (1, 1))
        return _by_ratio(ratio, MP, 32)
    return payload.get("width") or 1024, payload.get("height") or 768  # schema defaults


def megapixels(width: int, height: int) -> Decimal:
    return (Decimal(width * height) / MP).quantize(Decimal("0.01"), ROUND_HALF_UP)


def cost(info: BflModel, output_mp: Decimal, input_mp: Decimal) -> Decimal:
    """PRICING.md: FLUX.1 per image; FLUX.2 first MP + extra MPs + input MPs, to 0.1 credit.
    Outputs under 1 MP still pay the first MP (our reading of "first MP")."""
    if info.per_image is not None:
        return info.per_image
    assert info.first_mp is not None
    assert info.extra_mp is not None
    extra_out = max(output_mp - 1, Decimal(0))
    total = info.first_mp + extra_out * info.extra_mp + input_mp * info.extra_mp
    return total.quantize(Decimal("0.1"), ROUND_HALF_UP)
