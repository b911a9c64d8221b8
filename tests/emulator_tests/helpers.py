"""Obviously fake keys (the examples in tests/emulator/README.md) and small request helpers shared
by the emulator's tests."""

from __future__ import annotations

import base64
import io
from typing import Any

import httpx
from PIL import Image

from tests.emulator import Emulator

OPENAI_KEY = "sk-test-emulator-key-0000"
BFL_KEY = "bfl-test-emulator-0000"
GOOGLE_KEY = "AIza-test-emulator-key-0000-0000-0000"

# One pooled client: building an httpx.Client per request costs more than the emulator's answer.
CLIENT = httpx.Client(timeout=30, limits=httpx.Limits(max_connections=200))


def png_bytes(width: int = 64, height: int = 48, fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


def image_info(data: bytes) -> tuple[int, int, str]:
    with Image.open(io.BytesIO(data)) as image:
        return image.width, image.height, (image.format or "").lower()


def b64_info(data: str) -> tuple[int, int, str]:
    return image_info(base64.b64decode(data))


def openai_post(
    emu: Emulator, path: str, body: dict[str, Any], key: str = OPENAI_KEY
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"}
    return CLIENT.post(f"{emu.openai_base_url}{path}", json=body, headers=headers)


def generate(emu: Emulator, key: str = OPENAI_KEY, **fields: Any) -> httpx.Response:
    body = {"model": "gpt-image-2", "prompt": "a portrait", **fields}
    return openai_post(emu, "/images/generations", body, key)


def bfl_submit(
    emu: Emulator,
    model: str = "flux-2-pro",
    key: str = BFL_KEY,
    base: str | None = None,
    **fields: Any,
) -> httpx.Response:
    body = {"prompt": "a portrait", **fields}
    url = f"{base or emu.bfl_base_url}/v1/{model}"
    return CLIENT.post(url, json=body, headers={"x-key": key})


def bfl_get(url: str, key: str | None = BFL_KEY, **params: Any) -> httpx.Response:
    headers = {"x-key": key} if key else {}
    return CLIENT.get(url, headers=headers, params=params or None)


def gemini_post(
    emu: Emulator,
    body: dict[str, Any],
    model: str = "gemini-2.5-flash-image",
    key: str | None = GOOGLE_KEY,
) -> httpx.Response:
    headers = {"x-goog-api-key": key} if key else {}
    url = f"{emu.gemini_base_url}/models/{model}:generateContent"
    return CLIENT.post(url, json=body, headers=headers)


def gemini_body(prompt: str = "a portrait", **generation_config: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"contents": [{"parts": [{"text": prompt}]}]}
    if generation_config:
        body["generationConfig"] = generation_config
    return body
