"""Reading OpenAI image requests: JSON bodies and multipart edits (files summarised)."""

from __future__ import annotations

import re
from typing import Any

from tests.emulator import openai_wire as w
from tests.emulator.images import decode_reference, probe
from tests.emulator.multipart import parse_multipart
from tests.emulator.wire import Request, Response


class Reject(Exception):
    """Raised to answer at once with `response` (an error)."""

    def __init__(self, response: Response) -> None:
        self.response = response


def read_payload(
    req: Request, operation: str
) -> tuple[dict[str, Any], list[tuple[int, int]], bytes | None]:
    """(fields, sizes of the input images, mask bytes). Multipart edits become a summary dict."""
    assert req.record is not None
    if operation == "images.edit" and req.content_type == "multipart/form-data":
        return _read_multipart(req)
    try:
        payload = req.json()
    except ValueError:
        message = (
            "We could not parse the JSON body of your request. (HINT: This likely means you "
            "aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but "
            "what was sent was not valid JSON."
        )
        raise Reject(w.error(400, message)) from None
    if not isinstance(payload, dict):
        raise Reject(w.error(400, "Invalid request body: expected a JSON object."))
    sizes = []
    for ref in payload.get("images") or []:
        url = ref.get("image_url") if isinstance(ref, dict) else None
        data = decode_reference(url) if isinstance(url, str) else None
        found = probe(data) if data else None
        sizes.append((found[0], found[1]) if found else (1024, 1024))  # URLs/file ids: assumed
    return payload, sizes, None


def _read_multipart(req: Request) -> tuple[dict[str, Any], list[tuple[int, int]], bytes | None]:
    try:
        parts = parse_multipart(req.header("content-type") or "", req.body)
    except ValueError:
        raise Reject(w.error(400, "Could not parse multipart form")) from None
    form: dict[str, Any] = {}
    image_parts, mask, sizes = [], None, []
    for part in parts:
        placeholder = f"<file {part.filename or 'blob'} {len(part.data)} bytes>"
        if part.name in ("image", "image[]"):
            image_parts.append((part.name, placeholder))
            found = probe(part.data)
            if found is None or found[2] not in ("png", "jpeg", "webp"):
                n = len(image_parts)
                raise Reject(
                    w.error(
                        400,
                        f"Invalid image file or mode for image {n}, please check your image file.",
                        code="invalid_image_format",
                        param="image",
                    )
                )
            sizes.append((found[0], found[1]))
        elif part.name == "mask":
            form["mask"], mask = placeholder, part.data
        elif part.filename is not None:
            form[part.name] = placeholder
        else:
            form[part.name] = _coerce(part.name, part.text)
    if image_parts:
        single = len(image_parts) == 1 and image_parts[0][0] == "image"
        form["image"] = image_parts[0][1] if single else [p for _, p in image_parts]
    assert req.record is not None
    req.record.form = form
    return form, sizes, mask


def _coerce(name: str, text: str) -> Any:
    """Form fields arrive as text; the API reads numbers and booleans out of them."""
    if name in ("n", "output_compression", "partial_images") and re.fullmatch(r"-?\d+", text):
        return int(text)
    if name == "stream" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text


def check_images(sizes: list[tuple[int, int]], mask: bytes | None) -> None:
    if mask is None:
        return
    found = probe(mask)
    if found is None or found[2] != "png":
        raise Reject(
            w.error(
                400,
                "Invalid mask image format - mask image must be a PNG file.",
                code="invalid_image_format",
                param="mask",
            )
        )
    if sizes and (found[0], found[1]) != sizes[0]:
        raise Reject(
            w.error(
                400,
                "Invalid mask image size - mask must have the same dimensions as the image.",
                code="invalid_value",
                param="mask",
            )
        )
