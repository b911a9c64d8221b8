"""The fault suite's billing checks ("the provider was called at most once per attempt") find
each image's requests by prompt, for every provider the emulator speaks: one list of billable
operations (recorder.SUBMIT_OPERATIONS) and one way to read a prompt (RecordedRequest.prompt),
checked here against the bodies the real adapters send."""

from __future__ import annotations

from generation.providers.base import ImageRequest
from generation.providers.bfl import BflClient
from generation.providers.google import GeminiImages
from generation.providers.openai_images import OpenAIImages
from tests.emulator import Emulator
from tests.emulator.recorder import SUBMIT_OPERATIONS


def test_every_providers_image_request_is_billable_and_carries_its_prompt(
    emulator: Emulator, openai_images: OpenAIImages, bfl: BflClient, gemini: GeminiImages
) -> None:
    openai_images.generate(
        ImageRequest(model="gpt-image-2", prompt="prompt for openai", width=1024, height=1024)
    )
    bfl.submit(ImageRequest(model="flux-2-pro", prompt="prompt for bfl", width=1024, height=1024))
    gemini.generate(ImageRequest(model="gemini-2.5-flash-image", prompt="prompt for gemini"))
    billable = {r.provider: r.prompt for r in emulator.requests if r.operation in SUBMIT_OPERATIONS}
    assert billable == {
        "openai": "prompt for openai",
        "bfl": "prompt for bfl",
        "gemini": "prompt for gemini",
    }
