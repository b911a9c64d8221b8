"""The adapters' model-list readers (issue 15) against the emulator: the image models a key's
list names, every Gemini page of it, and a key check that carries the list it read."""

from __future__ import annotations

import httpx
import pytest

from avatarapp.keys.secret import Secret
from catalog import CATALOG, Provider
from generation.providers import google, openai_images
from generation.providers.base import KeyStatus, PermanentError, RetryableError
from generation.providers.google import GeminiImages
from generation.providers.openai_images import OpenAIImages
from tests.emulator import Emulator
from tests.emulator.catalog import OPENROUTER_MODELS
from tests.providers.conftest import GOOGLE_KEY, OPENAI_KEY, gemini_root


def test_openai_lists_its_image_models_only(emulator: Emulator) -> None:
    emulator.configure(openai_models=["gpt-image-2", "gpt-4o", "whisper-1", "dall-e-3"])
    listed = openai_images.list_image_models(Secret(OPENAI_KEY), base_url=emulator.openai_base_url)
    assert listed == {"gpt-image-2", "dall-e-3"}
    assert emulator.count(provider="openai", operation="models.list") == 1


def test_gemini_reads_every_page(emulator: Emulator) -> None:
    emulator.configure(
        gemini_models=[
            "gemini-2.5-flash",
            "gemini-3-pro-image",
            "text-embedding-004",
            "gemini-nano-banana-2.1",
            "imagen-4.0-generate-001",
        ]
    )
    key = Secret(GOOGLE_KEY)
    listed = google.list_image_models(key, base_url=gemini_root(emulator), page_size=2)
    assert listed == {"gemini-3-pro-image", "gemini-nano-banana-2.1", "imagen-4.0-generate-001"}
    pages = [r for r in emulator.requests if r.operation == "models.list"]
    assert len(pages) == 3
    assert [r.query.count("pageToken") for r in pages] == [0, 1, 1]


def test_a_refused_key_raises_rather_than_giving_an_empty_list(emulator: Emulator) -> None:
    with pytest.raises(PermanentError):
        openai_images.list_image_models(
            Secret("sk-test-invalid"), base_url=emulator.openai_base_url
        )
    emulator.add_fault("server_error", provider="gemini", operation="models.list")
    with pytest.raises(RetryableError):
        google.list_image_models(Secret(GOOGLE_KEY), base_url=gemini_root(emulator))


def test_a_missing_later_page_fails_the_whole_gemini_read() -> None:
    """Unit test of the paging alone: page one answers, page two does not."""

    def answer(request: httpx.Request) -> httpx.Response:
        if "pageToken" not in request.url.params:
            models = [{"name": "models/gemini-3-pro-image"}]
            return httpx.Response(200, json={"models": models, "nextPageToken": "next"})
        return httpx.Response(503, json={"error": {"code": 503, "status": "UNAVAILABLE"}})

    http = httpx.Client(transport=httpx.MockTransport(answer))
    with pytest.raises(RetryableError):
        google.list_image_models(
            Secret(GOOGLE_KEY), base_url="https://google.test", http_client=http
        )
    # A key check on the same answers still accepts the key, and says it has no list.
    check = GeminiImages(Secret(GOOGLE_KEY), base_url="https://google.test", http_client=http)
    assert check.check_key().status == KeyStatus.VALID
    assert check.check_key().model_ids is None


def test_key_checks_carry_the_list_they_read(emulator: Emulator) -> None:
    openai = OpenAIImages(Secret(OPENAI_KEY), base_url=emulator.openai_base_url).check_key()
    assert openai.status == KeyStatus.VALID
    assert openai.model_ids == set(emulator.model_list("openai"))
    gemini = GeminiImages(Secret(GOOGLE_KEY), base_url=gemini_root(emulator)).check_key()
    assert gemini.model_ids == set(emulator.model_list("gemini"))
    # Still one free request per check.
    assert emulator.count(operation="models.list") == 2


def test_every_catalog_model_passes_its_providers_image_filter() -> None:
    """The filters decide what a list names; one that left out a catalog model would grey it out."""
    for model in CATALOG.values():
        if model.provider == Provider.OPENAI:
            assert model.api_model.startswith(openai_images.IMAGE_MODEL_PREFIXES), model.id
        if model.provider == Provider.GOOGLE:
            assert google.is_image_model(model.api_model), model.id
        if model.provider == Provider.OPENROUTER:  # the emulator's list names it as an image model
            assert "image" in OPENROUTER_MODELS[model.api_model].output_modalities, model.id
