"""Cheap real images: a two-axis gradient in the provider's colour, encoded once per
(size, format, colour) and cached, because the benchmark asks for hundreds of them."""

from __future__ import annotations

import base64
import binascii
import io
import threading
from collections import OrderedDict

from PIL import Image

MIME_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}
PROVIDER_COLOURS = {
    "openai": 90,
    "bfl": 160,
    "gemini": 220,
    "fal": 30,
    "openrouter": 40,
    "hiapi": 60,
    "apimart": 130,
}  # blue channel per provider

# A locked cache rather than functools.lru_cache: when hundreds of requests for one new size
# arrive together, one thread encodes it and the others wait, instead of all encoding it at once.
_CACHE: OrderedDict[tuple[int, int, str, int, bool], tuple[bytes, str]] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 128


def _cached(width: int, height: int, fmt: str, colour: int, transparent: bool) -> tuple[bytes, str]:
    key = (width, height, fmt, colour, transparent)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
        data = _encode(width, height, fmt, colour, transparent)
        _CACHE[key] = (data, base64.b64encode(data).decode())
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
        return _CACHE[key]


def render(
    width: int, height: int, fmt: str, colour: int = 128, transparent: bool = False
) -> bytes:
    """An image of exactly width x height in `fmt` ("png", "jpeg" or "webp")."""
    return _cached(width, height, fmt, colour, transparent)[0]


def render_b64(
    width: int, height: int, fmt: str, colour: int = 128, transparent: bool = False
) -> str:
    return _cached(width, height, fmt, colour, transparent)[1]


def _encode(width: int, height: int, fmt: str, colour: int, transparent: bool) -> bytes:
    ramp = Image.linear_gradient("L")  # 256x256, C-speed; resizing it is cheap at any size
    across = ramp.rotate(90).resize((width, height), Image.Resampling.NEAREST)
    down = ramp.resize((width, height), Image.Resampling.NEAREST)
    bands = [across, down, Image.new("L", (width, height), colour)]
    if transparent and fmt != "jpeg":
        image = Image.merge("RGBA", [*bands, Image.new("L", (width, height), 160)])
    else:
        image = Image.merge("RGB", bands)
    out = io.BytesIO()
    if fmt == "png":
        image.save(out, "PNG", compress_level=1)
    elif fmt == "jpeg":
        image.save(out, "JPEG", quality=80)
    elif fmt == "webp":
        image.save(out, "WEBP", quality=80, method=0)
    else:
        raise ValueError(f"unsupported format {fmt!r}")
    return out.getvalue()


def probe(data: bytes) -> tuple[int, int, str] | None:
    """(width, height, format) of an encoded image, reading only its header; None if not one."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.width, image.height, (image.format or "").lower()
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def decode_reference(value: str) -> bytes | None:
    """Bytes of a base64 (or data: URL) image reference; None for http(s) URLs or garbage."""
    if value.startswith("data:"):
        value = value.partition(",")[2]
    elif value.startswith(("http://", "https://")):
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
