"""The OpenAI adapter against the emulator: success, and every error OpenAI documents mapped to
the right class and a message a person can act on."""

from __future__ import annotations

import pytest

from avatarapp.keys.secret import Secret
from generation.providers.base import (
    AmbiguousError,
    ErrorKind,
    ImageRequest,
    KeyStatus,
    PermanentError,
    ReferenceImage,
    RetryableError,
)
from generation.providers.http import SDK_TIMEOUT
from generation.providers.openai_images import OpenAIImages
from tests.emulator import Emulator
from tests.providers.conftest import OPENAI_KEY


def portrait(prompt: str = "a calm studio portrait", **fields: object) -> ImageRequest:
    base: dict[str, object] = {
        "model": "gpt-image-2",
        "width": 1024,
        "height": 1024,
        "quality": "low",
    }
    base.update(fields)
    return ImageRequest(prompt=prompt, **base)  # type: ignore[arg-type]


def test_generation_returns_the_image_and_usage(
    openai_images: OpenAIImages, emulator: Emulator
) -> None:
    result = openai_images.generate(portrait(quality="high", width=1536, height=1024))
    image = result.images[0]
    assert (image.width, image.height, image.mime_type) == (1536, 1024, "image/png")
    assert image.data.startswith(b"\x89PNG")
    assert result.usage.output_tokens == 5488  # OpenAI's formula: 1536x1024 high
    assert result.request_id
    sent = emulator.requests[-1]
    assert sent.operation == "images.generate"
    assert "response_format" not in sent.payload
    assert sent.payload["model"] == "gpt-image-2"


def test_references_go_to_the_edits_endpoint_as_image_array(
    openai_images: OpenAIImages, emulator: Emulator
) -> None:
    png = openai_images.generate(portrait()).images[0].data
    refs = (ReferenceImage(png, "image/png"), ReferenceImage(png, "image/png"))
    result = openai_images.generate(portrait(references=refs, output_format="webp"))
    assert result.images[0].mime_type == "image/webp"
    sent = emulator.requests[-1]
    assert sent.operation == "images.edit"
    assert result.usage.input_image_tokens > 0


def test_key_check(emulator: Emulator) -> None:
    good = OpenAIImages(Secret(OPENAI_KEY), base_url=emulator.openai_base_url)
    bad = OpenAIImages(Secret("sk-test-invalid"), base_url=emulator.openai_base_url)
    assert good.check_key().status == KeyStatus.VALID
    assert bad.check_key().status == KeyStatus.INVALID
    assert emulator.count(operation="models.list") == 2


PERMANENT_ROWS = [
    ("bad size", portrait(width=1792, height=936), ErrorKind.INVALID, "divisible by 16"),
    (
        "input moderation",
        portrait("[fault:moderation_input]"),
        ErrorKind.MODERATION,
        "refused the prompt",
    ),
    (
        "output moderation",
        portrait("[fault:moderation_output]"),
        ErrorKind.MODERATION,
        "generated image",
    ),
    (
        "org verification",
        portrait("[fault:forbidden]"),
        ErrorKind.FORBIDDEN,
        "verify your organisation",
    ),
    ("retired model", portrait(model="dall-e-3"), ErrorKind.RETIRED_MODEL, "Choose another model"),
    ("no credit", portrait("[fault:insufficient_quota]"), ErrorKind.QUOTA, "out of credit"),
]


@pytest.mark.parametrize(
    ("request_", "kind", "message"),
    [r[1:] for r in PERMANENT_ROWS],
    ids=[r[0] for r in PERMANENT_ROWS],
)
def test_permanent_errors(
    request_: ImageRequest, kind: ErrorKind, message: str, openai_images: OpenAIImages
) -> None:
    with pytest.raises(PermanentError) as caught:
        openai_images.generate(request_)
    assert caught.value.kind == kind
    assert message in caught.value.user_message


def test_bad_key_is_permanent_auth_and_the_key_never_shows(emulator: Emulator) -> None:
    key = "sk-test-invalid-canary"
    adapter = OpenAIImages(Secret(key), base_url=emulator.openai_base_url)
    with pytest.raises(PermanentError) as caught:
        adapter.generate(portrait())
    assert caught.value.kind == ErrorKind.AUTH
    assert "canary" not in caught.value.user_message
    assert "canary" not in repr(caught.value.args)


def test_rate_limit_is_retryable_with_the_providers_delay(openai_images: OpenAIImages) -> None:
    with pytest.raises(RetryableError) as caught:
        openai_images.generate(portrait("[fault:rate_limit=7]"))
    assert caught.value.retry_after == pytest.approx(7, abs=0.01)


def test_server_error_is_retryable(openai_images: OpenAIImages) -> None:
    with pytest.raises(RetryableError):
        openai_images.generate(portrait("[fault:server_error=502]"))


def test_dropped_connection_after_sending_is_ambiguous(openai_images: OpenAIImages) -> None:
    with pytest.raises(AmbiguousError, match="will not send it again"):
        openai_images.generate(portrait("[fault:drop]"))


def test_read_timeout_is_ambiguous(emulator: Emulator) -> None:
    impatient = OpenAIImages(
        Secret(OPENAI_KEY),
        base_url=emulator.openai_base_url,
        timeout=SDK_TIMEOUT.__class__(connect=2.0, read=0.3, write=2.0, pool=2.0),
    )
    with pytest.raises(AmbiguousError):
        impatient.generate(portrait("[fault:slow=2]"))


def test_connection_refused_is_retryable() -> None:
    nowhere = OpenAIImages(Secret(OPENAI_KEY), base_url="http://127.0.0.1:9/v1")
    with pytest.raises(RetryableError, match="Could not reach OpenAI"):
        nowhere.generate(portrait())
    assert nowhere.check_key().status == KeyStatus.UNREACHABLE
