"""The OpenRouter adapter against the emulator: the chat request body for every catalog model, the
image from the answer's data URL, the cost from `usage.cost`, and every documented error."""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

import httpx
import pytest

from avatarapp.keys.secret import Secret
from catalog import CATALOG, RESOLUTIONS, Provider, UnsupportedParamsError, resolve_params
from generation.provider_keys.checks import check_secret
from generation.providers.base import (
    AmbiguousError,
    ErrorKind,
    ImageRequest,
    KeyStatus,
    PermanentError,
    ReferenceImage,
    RetryableError,
)
from generation.providers.openrouter import (
    OpenRouterImages,
    image_from_data_url,
    reported_cost,
)
from tests.emulator import Emulator, validate_recorded
from tests.emulator.catalog import OPENROUTER_MODELS
from tests.emulator.images import render
from tests.emulator.openrouter_api import INPUT_USD_PER_TOKEN, REFERENCE_TOKENS
from tests.providers.conftest import OPENROUTER_KEY

OPENROUTER_MODEL_IDS = [m.id for m in CATALOG.values() if m.provider == Provider.OPENROUTER]


def flash(prompt: str = "a calm studio portrait", **fields: object) -> ImageRequest:
    base: dict[str, object] = {"model": "google/gemini-2.5-flash-image", "aspect_ratio": "1:1"}
    base.update(fields)
    return ImageRequest(prompt=prompt, **base)  # type: ignore[arg-type]


@pytest.mark.parametrize("model_id", OPENROUTER_MODEL_IDS)
def test_every_catalog_model_and_size_makes_a_request_the_contract_allows(
    model_id: str, openrouter: OpenRouterImages, emulator: Emulator
) -> None:
    for resolution in RESOLUTIONS:
        try:
            params = resolve_params(model_id, "3:4", resolution, "medium")
        except UnsupportedParamsError:
            continue
        result = openrouter.generate(ImageRequest(prompt="a portrait", **params.request_fields()))
        record = emulator.requests[-1]
        assert record.status == 200
        assert validate_recorded(record) == []
        image = result.images[0]
        assert image.mime_type == "image/png"
        assert image.width < image.height  # 3:4 portrait
        assert record.payload["image_config"]["aspect_ratio"] == "3:4"
        assert record.payload.get("image_config", {}).get("image_size") == params.image_size


def test_a_gemini_model_asks_for_image_and_text_and_sends_references_as_data_urls(
    openrouter: OpenRouterImages, emulator: Emulator
) -> None:
    png = openrouter.generate(flash()).images[0].data
    prompt = "a calm studio portrait of the same person"
    result = openrouter.generate(flash(prompt, references=(ReferenceImage(png, "image/png"),)))
    body = emulator.requests[-1].payload
    assert body["modalities"] == ["image", "text"]
    text, reference = body["messages"][0]["content"]
    assert text == {"type": "text", "text": prompt}
    assert (
        reference["image_url"]["url"] == "data:image/png;base64," + base64.b64encode(png).decode()
    )
    assert emulator.requests[-1].headers["authorization"] == "[REDACTED]"
    assert emulator.requests[-1].api_key == OPENROUTER_KEY
    # The cost is what the answer's usage.cost says: the image plus the input it read.
    tokens = len(prompt) // 4 + REFERENCE_TOKENS
    table = OPENROUTER_MODELS["google/gemini-2.5-flash-image"].prices["1K"]
    assert result.usage.cost_usd == table + tokens * INPUT_USD_PER_TOKEN
    assert (result.request_id or "").startswith("gen-")


def test_an_image_only_model_asks_for_the_image_alone(
    openrouter: OpenRouterImages, emulator: Emulator
) -> None:
    result = openrouter.generate(
        flash(model="bytedance-seed/seedream-4.5", aspect_ratio="1:1", image_size="2K")
    )
    assert emulator.requests[-1].payload["modalities"] == ["image"]
    assert (result.images[0].width, result.images[0].height) == (2048, 2048)


PERMANENT_ROWS = [
    ("bad key", "[fault:auth]", ErrorKind.AUTH, "refused the key"),
    ("no credits (402)", "[fault:insufficient_quota]", ErrorKind.QUOTA, "out of credits"),
    ("prompt flagged (403)", "[fault:moderation_input]", ErrorKind.MODERATION, "moderation"),
    ("guardrail (403)", "[fault:forbidden]", ErrorKind.FORBIDDEN, "will not let this key"),
    ("image withheld", "[fault:moderation_output]", ErrorKind.MODERATION, "IMAGE_SAFETY"),
    ("prohibited", "[fault:prohibited_content]", ErrorKind.MODERATION, "PROHIBITED_CONTENT"),
    ("no image", "[fault:no_image]", ErrorKind.FAILED, "answered without an image"),
    ("not an image", "[fault:bad_data_url]", ErrorKind.FAILED, "not a PNG, JPEG or WEBP image"),
    ("over the cap", "[fault:oversize_image]", ErrorKind.FAILED, "under the 10 MB limit"),
]


@pytest.mark.parametrize(
    ("prompt", "kind", "message"),
    [r[1:] for r in PERMANENT_ROWS],
    ids=[r[0] for r in PERMANENT_ROWS],
)
def test_permanent_errors(
    prompt: str, kind: ErrorKind, message: str, openrouter: OpenRouterImages
) -> None:
    with pytest.raises(PermanentError) as caught:
        openrouter.generate(flash(prompt))
    assert caught.value.kind == kind
    assert message in caught.value.user_message


def test_a_model_openrouter_does_not_know_is_retired(openrouter: OpenRouterImages) -> None:
    with pytest.raises(PermanentError) as caught:
        openrouter.generate(flash(model="google/gemini-0-imaginary"))
    assert caught.value.kind == ErrorKind.RETIRED_MODEL


def test_a_request_the_contract_does_not_allow_is_refused_with_its_reason(
    openrouter: OpenRouterImages,
) -> None:
    with pytest.raises(PermanentError) as caught:
        openrouter.generate(flash(aspect_ratio="7:3"))
    assert caught.value.kind == ErrorKind.INVALID
    assert "aspect_ratio" in caught.value.user_message


def test_rate_limit_is_retryable_after_the_time_it_asks(openrouter: OpenRouterImages) -> None:
    with pytest.raises(RetryableError) as caught:
        openrouter.generate(flash("[fault:rate_limit=9]"))
    assert caught.value.retry_after == pytest.approx(9, abs=0.01)
    assert caught.value.rate_limited


@pytest.mark.parametrize(
    "prompt",
    ["[fault:server_error=502]", "[fault:unavailable]", "[fault:task_error]"],
    ids=["model down (502)", "no provider (503)", "error in a 200 answer"],
)
def test_outages_are_retryable(prompt: str, openrouter: OpenRouterImages) -> None:
    with pytest.raises(RetryableError) as caught:
        openrouter.generate(flash(prompt))
    assert not caught.value.rate_limited


@pytest.mark.parametrize(
    "prompt", ["[fault:server_error=408]", "[fault:drop]"], ids=["timed out (408)", "dropped"]
)
def test_a_request_that_may_have_been_drawn_is_never_resent(
    prompt: str, openrouter: OpenRouterImages
) -> None:
    with pytest.raises(AmbiguousError):
        openrouter.generate(flash(prompt))


def test_key_check_uses_the_free_key_endpoint_and_reads_the_image_model_list(
    emulator: Emulator,
) -> None:
    base = emulator.openrouter_base_url
    check = OpenRouterImages(Secret(OPENROUTER_KEY), base_url=base).check_key()
    assert check.status == KeyStatus.VALID
    assert check.model_ids == {
        name for name, model in OPENROUTER_MODELS.items() if "image" in model.output_modalities
    }
    assert [r.operation for r in emulator.requests] == ["key", "models.list"]
    assert "output_modalities=image" in emulator.requests[-1].query
    refused = OpenRouterImages(Secret("sk-or-v1-test-invalid"), base_url=base).check_key()
    assert refused.status == KeyStatus.INVALID
    assert emulator.count(operation="chat.completions") == 0  # a check never draws (or bills)


def test_key_check_says_unreachable_on_an_outage_and_keeps_its_verdict_without_a_list(
    emulator: Emulator,
) -> None:
    adapter = OpenRouterImages(Secret(OPENROUTER_KEY), base_url=emulator.openrouter_base_url)
    emulator.add_fault("unavailable", provider="openrouter", operation="key", times=1)
    assert adapter.check_key().status == KeyStatus.UNREACHABLE
    emulator.add_fault("server_error", provider="openrouter", operation="models.list")
    check = adapter.check_key()
    assert check.status == KeyStatus.VALID
    assert check.model_ids is None


def test_the_model_list_keeps_image_models_when_the_filter_is_not_applied() -> None:
    """Unit test of the list reading alone: an answer that names a text model too."""

    def answer(request: httpx.Request) -> httpx.Response:
        models = [
            {
                "id": "google/gemini-2.5-flash-image",
                "architecture": {"output_modalities": ["image", "text"]},
            },
            {"id": "openai/gpt-4o-mini", "architecture": {"output_modalities": ["text"]}},
        ]
        return httpx.Response(200, json={"data": models})

    http = httpx.Client(transport=httpx.MockTransport(answer))
    adapter = OpenRouterImages(
        Secret(OPENROUTER_KEY), base_url="https://or.test/api/v1", http_client=http
    )
    assert adapter.image_model_ids() == {"google/gemini-2.5-flash-image"}


@pytest.mark.parametrize(
    ("usage", "expected"),
    [
        ({"cost": 0.0412}, Decimal("0.0412")),
        ({"cost": 0}, Decimal(0)),
        ({"cost": "0.05"}, Decimal("0.05")),
        ({}, None),
        (None, None),
        ({"cost": -1}, None),
        ({"cost": True}, None),
        ({"cost": "NaN"}, None),
        ({"cost": "a lot"}, None),
    ],
)
def test_only_a_sensible_reported_cost_is_taken(usage: object, expected: Decimal | None) -> None:
    assert reported_cost(usage) == expected


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://cdn.example.com/portrait.png", "not an image we can read"),
        (f"data:image/png,{_b64(b'raw')}", "not an image we can read"),
        (f"data:text/html;base64,{_b64(b'<html></html>')}", "(text/html)"),
        ("data:image/png;base64,%%%not base64%%%", "not a PNG, JPEG or WEBP image"),
        (f"data:image/png;base64,{_b64(GIF)}", "not a PNG, JPEG or WEBP image"),
        (None, "not an image we can read"),
    ],
    ids=["a web address", "not base64", "not an image type", "garbage", "a GIF", "no url"],
)
def test_a_data_url_that_is_not_a_png_jpeg_or_webp_image_is_refused(
    url: object, message: str
) -> None:
    """Unit test of the data URL reading alone; a web address is never fetched."""
    with pytest.raises(PermanentError) as caught:
        image_from_data_url(url)
    assert caught.value.kind == ErrorKind.FAILED
    assert message in caught.value.user_message


def test_a_data_url_image_is_read_as_it_came() -> None:
    jpeg = render(48, 64, "jpeg")
    image = image_from_data_url(f"data:image/jpeg;base64,{_b64(jpeg)}")
    assert (image.data, image.mime_type, image.width, image.height) == (jpeg, "image/jpeg", 48, 64)


def test_the_registry_checks_an_openrouter_key_where_the_settings_point(
    emulator: Emulator, settings: Any
) -> None:
    settings.OPENROUTER_BASE_URL = emulator.openrouter_base_url
    assert check_secret("openrouter", Secret(OPENROUTER_KEY)).status == KeyStatus.VALID
    refused = check_secret("openrouter", Secret("sk-or-v1-test-invalid-key"))
    assert refused.status == KeyStatus.INVALID
    assert "sk-or-v1" not in refused.message
    assert {r.alias for r in emulator.requests} == {"openrouter"}
