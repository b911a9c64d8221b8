"""A provider's answer is untrusted: one that is not an image, or is a decompression bomb, fails
the image with a clear message, stores nothing, and is still charged (the provider billed it).
One that passes is stored byte for byte, so its Content Credentials (C2PA) survive."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.storage import default_storage

from generation import pipeline
from generation.models import Image, LedgerEntry
from generation.provider_call import ProviderCall
from generation.providers.base import GeneratedImage, GenerationResult, Usage
from tests.conftest import World
from tests.emulator import Emulator
from tests.generation.conftest import provider_called
from tests.personas import images


@pytest.fixture
def running_image(world: World, providers: Emulator) -> Image:
    return provider_called(world)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"<html>an error page, not an image</html>", "PNG, JPEG or WEBP"),
        (images.png_bomb(), "too many pixels"),
        (images.tiff(), "Only PNG, JPEG or WEBP"),
    ],
    ids=["not an image", "decompression bomb", "tiff"],
)
def test_an_untrusted_answer_fails_clearly_and_stores_nothing(
    running_image: Image, payload: bytes, message: str
) -> None:
    answer = GenerationResult(
        images=(GeneratedImage(payload, "image/png", 1024, 1024),), usage=Usage(output_tokens=196)
    )
    pipeline._finish(running_image, Image.Status.RUNNING, answer, ProviderCall(asynchronous=False))
    running_image.refresh_from_db()
    assert running_image.status == "failed"
    assert message in running_image.error_message
    assert "not an image we can keep" in running_image.error_message
    assert not running_image.original
    folder = f"images/{running_image.workspace_id}/{running_image.pk}"
    assert default_storage.listdir(folder) == ([], []) or not default_storage.exists(folder)
    settlement = LedgerEntry.objects.get(image=running_image, kind="settlement")
    assert settlement.amount_usd == running_image.actual_usd > 0


def with_content_credentials(png: bytes) -> bytes:
    """`png` with a C2PA manifest chunk (caBX, a JUMBF box) before IEND, as providers sign them."""
    manifest = b"\x00\x00\x00\x20jumb\x00\x00\x00\x18jumdc2pa" + b"\x00" * 8
    return png[:-12] + images._png_chunk(b"caBX", manifest) + png[-12:]


def test_a_good_answer_is_kept_byte_for_byte_with_its_content_credentials(
    running_image: Image,
) -> None:
    signed = with_content_credentials(images.png(96, 64))
    answer = GenerationResult(
        images=(GeneratedImage(signed, "image/png", 96, 64),), usage=Usage(output_tokens=196)
    )
    pipeline._finish(running_image, Image.Status.RUNNING, answer, ProviderCall(asynchronous=False))
    running_image.refresh_from_db()
    assert running_image.status == "succeeded"
    with default_storage.open(running_image.original.name) as handle:
        assert handle.read() == signed
    assert running_image.sha256 == hashlib.sha256(signed).hexdigest()
    assert (running_image.width, running_image.height, running_image.format) == (96, 64, "png")
