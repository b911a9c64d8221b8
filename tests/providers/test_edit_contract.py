"""Every edit path against the emulator, which validates request bodies against the providers'
contracts: a request built as the pipeline builds an edit (the catalog's size and quality, input
fidelity where the catalog flags it, the portrait as the one input image) for every model that
can edit, through its adapter, accepted, with the portrait on the documented input field."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from avatarapp.keys.secret import Secret
from catalog import CatalogModel, Provider, available_models, resolve_params
from generation.edits import KEEP_THE_FACE, edit_fields, edit_models
from generation.provider_call import image_request
from generation.providers.base import ImageRequest, PendingTask, PollOutcome, ReferenceImage
from generation.providers.google import GeminiImages
from generation.providers.openai_images import OpenAIImages
from generation.providers.openrouter import OpenRouterImages
from generation.providers.registry import AsyncClient, SyncClient
from tests.emulator import Emulator, validate_recorded
from tests.emulator.images import render
from tests.providers.conftest import (
    GOOGLE_KEY,
    OPENAI_KEY,
    OPENROUTER_KEY,
    bfl_client,
    fal_client,
    gemini_root,
)

PORTRAIT = ReferenceImage(render(832, 1024, "png"), "image/png")
PROMPT = f"{KEEP_THE_FACE} New setting: in a coffee shop."
# Where each adapter puts the one input image, as its contract documents it.
EDIT_PATHS = (Provider.OPENAI, Provider.BFL, Provider.GOOGLE, Provider.FAL, Provider.OPENROUTER)
MODELS = [model for model in edit_models() if model.provider in EDIT_PATHS]


def _client(provider: Provider, emulator: Emulator) -> SyncClient | AsyncClient:
    if provider == Provider.OPENAI:
        return OpenAIImages(Secret(OPENAI_KEY), base_url=emulator.openai_base_url)
    if provider == Provider.BFL:
        return bfl_client(emulator)
    if provider == Provider.GOOGLE:
        return GeminiImages(Secret(GOOGLE_KEY), base_url=gemini_root(emulator))
    if provider == Provider.FAL:
        return fal_client(emulator)
    return OpenRouterImages(Secret(OPENROUTER_KEY), base_url=emulator.openrouter_base_url)


def _run(client: SyncClient | AsyncClient, request: ImageRequest, asynchronous: bool) -> bool:
    if not asynchronous:
        return bool(client.generate(request).images)  # type: ignore[union-attr]
    task: PendingTask = client.submit(request)  # type: ignore[union-attr]
    deadline = time.monotonic() + 10
    outcome: PollOutcome = client.poll(task)  # type: ignore[union-attr]
    while outcome.result is None and time.monotonic() < deadline:
        time.sleep(0.05)
        outcome = client.poll(task)  # type: ignore[union-attr]
    return outcome.result is not None and bool(outcome.result.images)


def test_every_documented_edit_path_has_models_that_can_edit() -> None:
    assert {model.provider for model in MODELS} == set(EDIT_PATHS)


@pytest.mark.parametrize("model", MODELS, ids=[model.id for model in MODELS])
def test_an_edit_request_is_accepted_and_carries_the_portrait(
    model: CatalogModel, emulator: Emulator
) -> None:
    smallest = model.capabilities.sizing.resolutions[0]  # Seedream 4.5 starts at 2K
    params = resolve_params(model.id, "4:5", smallest, "high")
    request = image_request(edit_fields(model, params), PROMPT, 7, (PORTRAIT,))

    assert _run(_client(model.provider, emulator), request, model.is_async)

    sent = emulator.requests[0]  # the submit (then polls and the download, for some)
    assert validate_recorded(sent) == []
    body = sent.payload if sent.payload is not None else {}
    if model.provider == Provider.OPENAI:
        assert sent.operation == "images.edit"
        assert sent.payload["image"] == [f"<file reference-1.png {len(PORTRAIT.data)} bytes>"]
        assert sent.payload.get("input_fidelity") == (
            "high" if model.capabilities.input_fidelity else None
        )
    elif model.provider == Provider.BFL:
        assert body["input_image"]
        assert "input_image_2" not in body
    elif model.provider == Provider.FAL:
        assert sent.path.endswith("/edit")
        assert len(sent.json()["image_urls"]) == 1
    else:
        assert "inline_data" in str(body) or "image_url" in str(body)


def test_input_fidelity_is_flagged_exactly_on_the_openai_models_the_spec_names() -> None:
    flagged = {
        m.id for m in available_models(timezone.now().date()) if m.capabilities.input_fidelity
    }
    openai = {m.id for m in MODELS if m.provider == Provider.OPENAI}
    assert flagged == openai
    assert "gpt-image-2" in flagged
