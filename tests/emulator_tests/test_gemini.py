"""The Gemini image-model emulation."""

from __future__ import annotations

import base64

import httpx
import pytest

from tests.emulator import Emulator
from tests.emulator_tests.helpers import (
    GOOGLE_KEY,
    b64_info,
    gemini_body,
    gemini_post,
    png_bytes,
)


def test_text_and_image_answer(emulator: Emulator) -> None:
    response = gemini_post(emulator, gemini_body())
    assert response.status_code == 200
    body = response.json()
    candidate = body["candidates"][0]
    assert candidate["finishReason"] == "STOP"
    parts = candidate["content"]["parts"]
    assert "text" in parts[0]
    image = parts[1]["inlineData"]
    assert image["mimeType"] == "image/png"
    assert b64_info(image["data"]) == (1024, 1024, "png")
    usage = body["usageMetadata"]
    assert usage["candidatesTokensDetails"][0] == {"modality": "IMAGE", "tokenCount": 1290}
    assert usage["totalTokenCount"] == usage["promptTokenCount"] + usage["candidatesTokenCount"]


@pytest.mark.parametrize(
    ("model", "ratio", "size", "pixels", "tokens"),
    [
        ("gemini-3-pro-image-preview", "16:9", "2K", (2688, 1536), 1120),
        ("gemini-3-pro-image-preview", "1:1", "4K", (4096, 4096), 2000),
        ("gemini-3.1-flash-image-preview", "9:16", "512", (384, 672), 750),
        ("gemini-2.5-flash-image", "21:9", None, (1536, 672), 1290),
    ],
)
def test_image_config(
    emulator: Emulator,
    model: str,
    ratio: str,
    size: str | None,
    pixels: tuple[int, int],
    tokens: int,
) -> None:
    image_config = {"aspectRatio": ratio, **({"imageSize": size} if size else {})}
    body = gemini_body(responseModalities=["IMAGE"], imageConfig=image_config)
    answer = gemini_post(emulator, body, model).json()
    parts = answer["candidates"][0]["content"]["parts"]
    assert len(parts) == 1  # IMAGE only: no text part
    assert b64_info(parts[0]["inlineData"]["data"])[:2] == pixels
    assert answer["usageMetadata"]["candidatesTokenCount"] == tokens


def test_snake_case_and_reference_image(emulator: Emulator) -> None:
    data = base64.b64encode(png_bytes(300, 400)).decode()
    body = {
        "contents": [{"role": "user", "parts": [
            {"text": "same person, studio light"},
            {"inline_data": {"mime_type": "image/png", "data": data}},
        ]}],
        "generation_config": {"response_modalities": ["TEXT", "IMAGE"]},
    }  # fmt: skip
    answer = gemini_post(emulator, body).json()
    image = answer["candidates"][0]["content"]["parts"][1]["inlineData"]
    assert b64_info(image["data"])[:2] == (864, 1184)  # 3:4, nearest to the 300x400 reference
    details = answer["usageMetadata"]["promptTokensDetails"]
    assert {"modality": "IMAGE", "tokenCount": 258} in details


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (gemini_body(colour="red"), "Unknown name \"colour\" at 'generation_config'"),
        ({"contents": [{"parts": [{"text": "x"}]}], "tools": []}, 'Unknown name "tools"'),
        (gemini_body(responseModalities=["PICTURE"]), "response_modalities[0]"),
        (gemini_body(imageConfig={"aspectRatio": "7:3"}), "aspect_ratio"),
        (gemini_body(imageConfig={"imageSize": "4K"}), "image_size"),  # 2.5 flash: 1K only
        (gemini_body(candidateCount=2), "Multiple candidates"),
        ({"contents": []}, "contents"),
    ],
)
def test_validation(emulator: Emulator, body: dict[str, object], fragment: str) -> None:
    response = gemini_post(emulator, body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert set(error) == {"code", "message", "status", "details"}
    assert (error["code"], error["status"]) == (400, "INVALID_ARGUMENT")
    assert fragment in error["message"]


def test_bad_inline_data(emulator: Emulator) -> None:
    part = {"inlineData": {"mimeType": "image/gif", "data": "@@@"}}
    body = {"contents": [{"parts": [{"text": "x"}, part]}]}
    assert gemini_post(emulator, body).status_code == 400


def test_keys(emulator: Emulator) -> None:
    missing = gemini_post(emulator, gemini_body(), key=None)
    assert (missing.status_code, missing.json()["error"]["status"]) == (403, "PERMISSION_DENIED")
    for bad in ("not-a-google-key", "AIza-test-invalid"):
        response = gemini_post(emulator, gemini_body(), key=bad)
        assert response.status_code == 400
        assert response.json()["error"]["details"][0]["reason"] == "API_KEY_INVALID"
    url = f"{emulator.gemini_base_url}/models/gemini-2.5-flash-image:generateContent"
    by_query = httpx.post(url, params={"key": GOOGLE_KEY}, json=gemini_body())
    assert by_query.status_code == 200
    assert GOOGLE_KEY not in emulator.requests[-1].query  # redacted in the log


def test_unknown_model_and_models_list(emulator: Emulator) -> None:
    unknown = gemini_post(emulator, gemini_body(), model="gemini-0-image")
    assert (unknown.status_code, unknown.json()["error"]["status"]) == (404, "NOT_FOUND")
    listing = httpx.get(
        f"{emulator.gemini_base_url}/models", headers={"x-goog-api-key": GOOGLE_KEY}
    )
    names = {model["name"] for model in listing.json()["models"]}
    assert "models/gemini-3-pro-image-preview" in names


@pytest.mark.parametrize(
    ("marker", "expected"),
    [
        ("moderation_input", "promptFeedback.blockReason=PROHIBITED_CONTENT"),
        ("moderation_output", "finishReason=IMAGE_SAFETY"),
        ("prohibited_content", "finishReason=PROHIBITED_CONTENT"),
        ("no_image", "finishReason=STOP"),
    ],
)
def test_safety_answers_are_200(emulator: Emulator, marker: str, expected: str) -> None:
    response = gemini_post(emulator, gemini_body(f"a portrait [fault:{marker}]"))
    assert response.status_code == 200
    body = response.json()
    if marker == "moderation_input":
        assert "candidates" not in body
        found = f"promptFeedback.blockReason={body['promptFeedback']['blockReason']}"
    else:
        found = f"finishReason={body['candidates'][0]['finishReason']}"
    assert found == expected
    parts = body.get("candidates", [{}])[0].get("content", {}).get("parts", [])
    assert all("inlineData" not in part for part in parts)
