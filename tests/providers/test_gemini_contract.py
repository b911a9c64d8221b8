"""The Gemini adapter against the emulator: inline images, usage, safety blocks and errors."""

from __future__ import annotations

import pytest

from avatarapp.keys.secret import Secret
from generation.providers.base import (
    ErrorKind,
    ImageRequest,
    KeyStatus,
    PermanentError,
    ReferenceImage,
    RetryableError,
)
from generation.providers.google import GeminiImages
from tests.emulator import Emulator
from tests.providers.conftest import gemini_root


def nano(prompt: str = "a calm studio portrait", **fields: object) -> ImageRequest:
    base: dict[str, object] = {"model": "gemini-2.5-flash-image", "aspect_ratio": "1:1"}
    base.update(fields)
    return ImageRequest(prompt=prompt, **base)  # type: ignore[arg-type]


def test_generation_returns_inline_image_and_usage(
    gemini: GeminiImages, emulator: Emulator
) -> None:
    result = gemini.generate(
        nano(model="gemini-3-pro-image-preview", aspect_ratio="4:5", image_size="2K")
    )
    image = result.images[0]
    assert image.data
    assert image.width < image.height  # 4:5 portrait
    assert result.usage.output_tokens > 0
    body = emulator.requests[-1].payload
    assert body["generationConfig"]["imageConfig"] == {"aspectRatio": "4:5", "imageSize": "2K"}


def test_references_travel_inline(gemini: GeminiImages, emulator: Emulator) -> None:
    png = gemini.generate(nano()).images[0].data
    gemini.generate(nano(references=(ReferenceImage(png, "image/png"),)))
    parts = emulator.requests[-1].payload["contents"][0]["parts"]
    assert parts[1]["inline_data"]["mime_type"] == "image/png"


def test_key_check(emulator: Emulator) -> None:
    root = gemini_root(emulator)
    assert GeminiImages(Secret("AIza-test-ok"), base_url=root).check_key().status == KeyStatus.VALID
    assert (
        GeminiImages(Secret("AIza-test-invalid"), base_url=root).check_key().status
        == KeyStatus.INVALID
    )


PERMANENT_ROWS = [
    ("bad key", "[fault:auth]", ErrorKind.AUTH, "refused the key"),
    ("prompt blocked", "[fault:moderation_input]", ErrorKind.MODERATION, "refused the prompt"),
    ("image safety", "[fault:moderation_output]", ErrorKind.MODERATION, "withheld the image"),
    ("prohibited", "[fault:prohibited_content]", ErrorKind.MODERATION, "PROHIBITED_CONTENT"),
    ("no image", "[fault:no_image]", ErrorKind.FAILED, "without an image"),
    ("quota spent", "[fault:insufficient_quota]", ErrorKind.QUOTA, "quota for this key is used up"),
    ("forbidden", "[fault:forbidden]", ErrorKind.FORBIDDEN, "will not let this key"),
]


@pytest.mark.parametrize(
    ("prompt", "kind", "message"),
    [r[1:] for r in PERMANENT_ROWS],
    ids=[r[0] for r in PERMANENT_ROWS],
)
def test_permanent_errors(prompt: str, kind: ErrorKind, message: str, gemini: GeminiImages) -> None:
    with pytest.raises(PermanentError) as caught:
        gemini.generate(nano(prompt))
    assert caught.value.kind == kind
    assert message in caught.value.user_message


def test_unknown_model_is_permanent(gemini: GeminiImages) -> None:
    with pytest.raises(PermanentError) as caught:
        gemini.generate(nano(model="gemini-0-imaginary"))
    assert caught.value.kind == ErrorKind.RETIRED_MODEL


def test_rate_limit_is_retryable_with_the_retry_delay(gemini: GeminiImages) -> None:
    with pytest.raises(RetryableError) as caught:
        gemini.generate(nano("[fault:rate_limit=9]"))
    assert caught.value.retry_after == pytest.approx(9, abs=0.01)


def test_server_error_is_retryable(gemini: GeminiImages) -> None:
    with pytest.raises(RetryableError):
        gemini.generate(nano("[fault:server_error=503]"))
