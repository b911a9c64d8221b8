"""The OpenAI Images emulation follows OpenAI's documentation, its prices and the official OpenAPI
schema (tests/emulator/contracts/)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import openai
import pytest

from tests.emulator import Emulator
from tests.emulator_tests.helpers import (
    OPENAI_KEY,
    b64_info,
    generate,
    openai_post,
    png_bytes,
)

TODAY = dt.date(2026, 11, 24)  # the contracts' date: gpt-image-1.5 and -mini still live


@pytest.fixture
def client(emulator: Emulator) -> openai.OpenAI:
    emulator.configure(today=TODAY)
    return openai.OpenAI(api_key=OPENAI_KEY, base_url=emulator.openai_base_url, max_retries=0)


def test_generation_with_the_official_sdk(client: openai.OpenAI) -> None:
    result = client.images.generate(
        model="gpt-image-2", prompt="a portrait", size="1536x864", output_format="webp"
    )
    assert (result.size, result.output_format) == ("1536x864", "webp")
    assert result.quality in ("low", "medium", "high")  # resolved, never "auto"
    assert result.background == "opaque"
    assert result.data
    assert b64_info(result.data[0].b64_json or "") == (1536, 864, "webp")
    assert result.usage is not None
    assert result.usage.total_tokens == result.usage.input_tokens + result.usage.output_tokens


def test_response_shape_and_headers(emulator: Emulator) -> None:
    response = generate(emulator, quality="high", size="1024x1024", background="transparent")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "created",
        "data",
        "background",
        "output_format",
        "quality",
        "size",
        "usage",
    }
    assert body["background"] == "transparent"
    assert set(body["usage"]["input_tokens_details"]) == {"text_tokens", "image_tokens"}
    assert b64_info(body["data"][0]["b64_json"])[:2] == (1024, 1024)
    assert response.headers["x-request-id"].startswith("req_")
    assert int(response.headers["openai-processing-ms"]) >= 0
    for name in ("limit", "remaining", "reset"):
        assert f"x-ratelimit-{name}-requests" in response.headers
        assert f"x-ratelimit-{name}-tokens" in response.headers


@pytest.mark.parametrize(
    ("size", "quality", "tokens"),
    [  # the formula reproduces every official example of OpenAI's
        ("1024x1024", "low", 196),
        ("1024x1024", "medium", 1756),
        ("1024x1024", "high", 7024),
        ("1536x1024", "low", 158),
        ("1536x1024", "medium", 1372),
        ("1536x1024", "high", 5488),
    ],
)
def test_gpt_image_2_output_tokens(
    emulator: Emulator, size: str, quality: str, tokens: int
) -> None:
    usage = generate(emulator, size=size, quality=quality).json()["usage"]
    assert usage["output_tokens"] == tokens


@pytest.mark.parametrize(
    ("model", "size", "quality", "tokens"),
    [
        ("gpt-image-1.5", "1024x1536", "medium", 1584),
        ("gpt-image-1.5", "1536x1024", "high", 6208),
        ("gpt-image-1.5", "1024x1024", "low", 272),
        ("gpt-image-1-mini", "1024x1024", "high", 4500),  # $0.036 at $8 / 1M
    ],
)
def test_gpt_image_1x_output_tokens(
    emulator: Emulator, model: str, size: str, quality: str, tokens: int
) -> None:
    emulator.configure(today=TODAY)
    body = generate(emulator, model=model, size=size, quality=quality, n=2).json()
    assert body["usage"]["output_tokens"] == 2 * tokens
    assert len(body["data"]) == 2


def test_edit_multipart_with_several_images_and_mask(
    client: openai.OpenAI, emulator: Emulator
) -> None:
    image = png_bytes(64, 48)
    result = client.images.edit(
        model="gpt-image-1.5",
        image=[("a.png", image, "image/png"), ("b.png", png_bytes(32, 32), "image/png")],
        mask=("mask.png", png_bytes(64, 48), "image/png"),
        prompt="make it watercolour",
        input_fidelity="high",
    )
    assert result.usage is not None
    assert result.usage.input_tokens_details.image_tokens > 0
    record = emulator.requests[-1]
    assert record.operation == "images.edit"
    assert record.form is not None
    assert len(record.form["image"]) == 2
    assert record.form["mask"].startswith("<file mask.png")


def test_edit_rejects_a_mask_of_another_size(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.images.edit(
            model="gpt-image-2",
            image=("a.png", png_bytes(64, 48), "image/png"),
            mask=("m.png", png_bytes(10, 10), "image/png"),
            prompt="x",
        )
    assert caught.value.body["param"] == "mask"  # type: ignore[index]


def test_edit_json_body_with_data_url(emulator: Emulator) -> None:
    import base64

    data_url = "data:image/png;base64," + base64.b64encode(png_bytes()).decode()
    body = {"model": "gpt-image-2", "prompt": "x", "images": [{"image_url": data_url}]}
    response = openai_post(emulator, "/images/edits", body)
    assert response.status_code == 200, response.text
    bad = {**body, "images": [{"image_url": data_url, "file_id": "file-1"}]}
    assert openai_post(emulator, "/images/edits", bad).status_code == 400


@pytest.mark.parametrize(
    ("fields", "param", "code"),
    [
        ({"response_format": "b64_json"}, "response_format", "unknown_parameter"),
        ({"style": "vivid"}, "style", "unknown_parameter"),
        ({"colour": "red"}, "colour", "unknown_parameter"),
        ({"quality": "ultra"}, "quality", "invalid_value"),
        ({"quality": "hd"}, "quality", "invalid_value"),
        ({"quality": "xhigh"}, "quality", "invalid_value"),  # only 2.5/2.6 have it
        ({"n": 11}, "n", "integer_above_max_value"),
        ({"n": "2"}, "n", "invalid_type"),
        ({"output_format": "gif"}, "output_format", "invalid_value"),
        ({"output_compression": 101}, "output_compression", "integer_above_max_value"),
        ({"output_compression": 50}, "output_compression", "invalid_value"),  # png
        ({"background": "transparent", "output_format": "jpeg"}, "background", "invalid_value"),
        ({"prompt": "x" * 32001}, "prompt", "string_above_max_length"),
        ({"size": "1792x936"}, "size", "invalid_value"),
    ],
)
def test_generation_validation(
    emulator: Emulator, fields: dict[str, Any], param: str, code: str
) -> None:
    response = generate(emulator, **fields)
    assert response.status_code == 400
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert (error["type"], error["param"], error["code"]) == ("invalid_request_error", param, code)


def test_missing_prompt(emulator: Emulator) -> None:
    response = openai_post(emulator, "/images/generations", {"model": "gpt-image-2"})
    assert response.json()["error"]["code"] == "missing_required_parameter"


@pytest.mark.parametrize(
    ("size", "fragment"),
    [
        ("1792x936", "divisible by 16"),
        ("3840x1024", "between 1:3 and 3:1"),
        ("640x640", "655360"),  # 409,600 pixels: too few
        ("3840x2400", "8294400"),  # 9.2 M pixels: too many
        ("3856x1296", "at most 3840"),
        ("big", "WIDTHxHEIGHT"),
    ],
)
def test_gpt_image_2_size_rules(emulator: Emulator, size: str, fragment: str) -> None:
    response = generate(emulator, size=size)
    assert response.status_code == 400
    assert fragment in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "size", ["auto", "1024x1024", "3840x2160", "2160x3840", "1024x3072", "816x816"]
)
def test_gpt_image_2_accepted_sizes(emulator: Emulator, size: str) -> None:
    assert generate(emulator, size=size, quality="low").status_code == 200


def test_gpt_image_1x_only_takes_three_sizes(emulator: Emulator) -> None:
    emulator.configure(today=TODAY)
    response = generate(emulator, model="gpt-image-1.5", size="1536x864")
    assert response.status_code == 400
    assert (
        "'1024x1024', '1024x1536', '1536x1024', and 'auto'" in response.json()["error"]["message"]
    )


def test_extended_quality_on_2_6(emulator: Emulator) -> None:
    body = generate(emulator, model="gpt-image-2.6-flare", quality="xhigh").json()
    assert body["quality"] == "xhigh"
    assert body["usage"]["output_tokens"] > 7024  # estimated above high


@pytest.mark.parametrize(
    ("model", "today", "status"),
    [
        ("dall-e-3", "2026-05-12", 404),
        ("dall-e-2", "2026-11-24", 404),
        ("gpt-image-1", "2026-10-22", 200),
        ("gpt-image-1", "2026-10-23", 404),
        ("gpt-image-1.5", "2026-11-30", 200),
        ("gpt-image-1.5", "2026-12-01", 404),
        ("gpt-image-1-mini", "2026-12-01", 404),
        ("gpt-image-2.6-sunburst", "2026-11-03", 404),  # not released yet
        ("gpt-image-9", "2026-11-24", 404),
    ],
)
def test_model_lifecycle(emulator: Emulator, model: str, today: str, status: int) -> None:
    emulator.configure(today=today)
    response = generate(emulator, model=model, size="1024x1024")
    assert response.status_code == status
    if status == 404:
        assert response.json()["error"]["code"] == "model_not_found"


def test_dall_e_before_its_shutdown(emulator: Emulator) -> None:
    emulator.configure(today="2026-05-11")
    body = generate(emulator, model="dall-e-3", size="1792x1024").json()
    assert b64_info(body["data"][0]["b64_json"])[:2] == (1792, 1024)


def test_model_defaults_to_retired_dall_e_2(emulator: Emulator) -> None:
    response = openai_post(emulator, "/images/generations", {"prompt": "x"})
    assert response.status_code == 404


def test_models_list_is_the_free_key_check(client: openai.OpenAI, emulator: Emulator) -> None:
    ids = {model.id for model in client.models.list()}
    assert "gpt-image-2" in ids
    assert "gpt-image-1" not in ids  # shut down 2026-10-23
    assert client.models.retrieve("gpt-image-2").id == "gpt-image-2"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("dall-e-3")
    assert emulator.submit_count(OPENAI_KEY) == 0  # a key check is no image request


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, None),
        ({"Authorization": "Bearer nope"}, "invalid_api_key"),
        ({"Authorization": "Bearer sk-test-invalid-0000"}, "invalid_api_key"),
    ],
)
def test_authentication(emulator: Emulator, headers: dict[str, str], code: str | None) -> None:
    url = f"{emulator.openai_base_url}/images/generations"
    response = httpx.post(url, json={"model": "gpt-image-2", "prompt": "x"}, headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == code
    assert "sk-test-invalid-0000" not in response.text  # keys are never echoed in full


def test_unknown_path(emulator: Emulator) -> None:
    response = openai_post(emulator, "/images/variations", {})
    assert response.status_code == 404
    assert "Invalid URL" in response.json()["error"]["message"]


def test_streaming_events(client: openai.OpenAI) -> None:
    events = list(
        client.images.generate(model="gpt-image-2", prompt="x", stream=True, partial_images=2)
    )
    assert [event.type for event in events] == [
        "image_generation.partial_image",
        "image_generation.partial_image",
        "image_generation.completed",
    ]
    assert events[-1].usage.output_tokens > 0  # type: ignore[union-attr]
