"""Every request an adapter sends validates against the project's request schemas, which carry the
field names, types, enums and ranges of the official documents in tests/emulator/contracts/."""

from __future__ import annotations

import time

from catalog import resolve_params
from generation.providers.base import ImageRequest, ReferenceImage
from generation.providers.bfl import BflClient
from generation.providers.google import GeminiImages
from generation.providers.openai_images import OpenAIImages
from tests.emulator import Emulator, validate_recorded

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS"
    b"\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
REF = (ReferenceImage(PNG, "image/png"),)


def _request(
    model: str, aspect: str, resolution: str, quality: str, **extra: object
) -> ImageRequest:
    params = resolve_params(model, aspect, resolution, quality)
    return ImageRequest(prompt="portrait of Mia", **params.request_fields(), **extra)  # type: ignore[arg-type]


def test_every_adapter_request_matches_the_schemas(
    openai_images: OpenAIImages, bfl: BflClient, gemini: GeminiImages, emulator: Emulator
) -> None:
    for model, aspect, resolution in [
        ("gpt-image-2", "4:5", "2K"),
        ("gpt-image-2.6-flare", "16:9", "4K"),
    ]:
        openai_images.generate(_request(model, aspect, resolution, "medium"))
        openai_images.generate(_request(model, aspect, "1K", "high", references=REF))
    for model, aspect, resolution in [
        ("flux-2-pro", "3:4", "1K"),
        ("flux-2-max", "1:1", "2K"),
        ("flux-2-klein-4b", "9:16", "1K"),
        ("flux-pro-1.1", "2:3", "1K"),
        ("flux-pro-1.1-ultra", "16:9", "2K"),
        ("flux-kontext-pro", "1:1", "1K"),
        ("flux-dev", "4:3", "1K"),
    ]:
        task = bfl.submit(_request(model, aspect, resolution, "high", seed=7, references=REF))
        while bfl.poll(task).result is None:
            time.sleep(0.05)
    for model, aspect, resolution in [
        ("gemini-2.5-flash-image", "1:1", "1K"),
        ("gemini-3-pro-image-preview", "3:2", "4K"),
    ]:
        gemini.generate(_request(model, aspect, resolution, "high", references=REF))

    image_requests = [
        r
        for r in emulator.requests
        if r.operation in {"images.generate", "images.edit", "submit", "generateContent"}
    ]
    assert len(image_requests) == 4 + 7 + 2
    # Every request on its own: several share a provider and path (both OpenAI models generate
    # and edit on the same two), and keyed by those only the last of each would be looked at.
    issues = [(r.seq, r.provider, r.path, r.model, validate_recorded(r)) for r in image_requests]
    assert [issue for issue in issues if issue[-1]] == []
    # And nothing was refused: each reached the emulator as a valid request.
    assert all(r.status == 200 for r in image_requests)
