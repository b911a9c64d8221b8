"""The free model lists (OpenAI GET /v1/models, Gemini models.list with pages), changed by a test
while the emulator runs, and Imagen's :predict answering 404 since its shutdown."""

from __future__ import annotations

import httpx
import pytest

from tests.emulator import Emulator
from tests.emulator_tests.helpers import (
    CLIENT,
    GOOGLE_KEY,
    OPENAI_KEY,
    gemini_body,
    gemini_post,
    generate,
)


def openai_ids(emu: Emulator) -> list[str]:
    response = CLIENT.get(
        f"{emu.openai_base_url}/models", headers={"Authorization": f"Bearer {OPENAI_KEY}"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "list"
    assert all(entry["object"] == "model" for entry in body["data"])
    return [entry["id"] for entry in body["data"]]


def gemini_page(emu: Emulator, **params: str | int) -> httpx.Response:
    return CLIENT.get(
        f"{emu.gemini_base_url}/models", params=params, headers={"x-goog-api-key": GOOGLE_KEY}
    )


def gemini_ids(emu: Emulator, page_size: int) -> tuple[list[str], int]:
    """Every name models.list gives, page by page, and how many pages it took."""
    names: list[str] = []
    token, pages = "", 0
    while True:
        response = gemini_page(emu, pageSize=page_size, pageToken=token)
        assert response.status_code == 200
        body = response.json()
        pages += 1
        assert len(body["models"]) <= page_size
        names += [model["name"].removeprefix("models/") for model in body["models"]]
        token = body.get("nextPageToken")
        if not token:
            return names, pages


def test_the_default_lists_name_what_is_available_today(emulator: Emulator) -> None:
    emulator.configure(today="2026-12-06")
    openai = openai_ids(emulator)
    assert "gpt-image-2" in openai
    assert "gpt-image-1" not in openai  # shut down 2026-10-23
    gemini, _pages = gemini_ids(emulator, 50)
    assert {"gemini-2.5-flash-image", "gemini-3-pro-image", "gemini-nano-banana-2.1"} <= set(gemini)
    assert "gemini-3.1-flash-image" not in gemini  # shut down 2026-10-29 (PROVIDERS-2.md 5.4)
    assert emulator.model_list("gemini") == gemini
    # The same lists over the admin API, for an emulator in another process.
    admin = httpx.get(f"{emulator.admin_url}/models", params={"provider": "gemini"}).json()
    assert admin == {"models": gemini}


def test_gemini_pages_until_the_token_is_left_out(emulator: Emulator) -> None:
    everything, one_page = gemini_ids(emulator, 1000)
    assert one_page == 1
    paged, pages = gemini_ids(emulator, 2)
    assert paged == everything
    assert pages == (len(everything) + 1) // 2
    assert "nextPageToken" not in gemini_page(emulator).json()  # 50 a page by default
    assert gemini_page(emulator, pageToken="not-a-token").status_code == 400
    assert gemini_page(emulator, pageSize="many").status_code == 400


def test_a_test_changes_the_lists_while_the_emulator_runs(emulator: Emulator) -> None:
    assert gemini_post(emulator, gemini_body()).status_code == 200
    withdrawn = [m for m in emulator.model_list("gemini") if m != "gemini-2.5-flash-image"]
    reply = httpx.post(
        f"{emulator.admin_url}/config", json={"gemini_models": [*withdrawn, "gemini-9-image"]}
    )
    assert reply.status_code == 200
    names, _pages = gemini_ids(emulator, 50)
    assert "gemini-2.5-flash-image" not in names
    assert names[-1] == "gemini-9-image"  # listed, though the emulator cannot draw it
    # A withdrawn model is gone for image requests too, as a retired one is.
    gone = gemini_post(emulator, gemini_body())
    assert (gone.status_code, gone.json()["error"]["status"]) == (404, "NOT_FOUND")

    emulator.configure(openai_models=["gpt-image-2.5-flare"])
    assert openai_ids(emulator) == ["gpt-image-2.5-flare"]
    refused = generate(emulator, model="gpt-image-2")
    assert (refused.status_code, refused.json()["error"]["code"]) == (404, "model_not_found")

    bad = httpx.post(f"{emulator.admin_url}/config", json={"openai_models": "all"})
    assert bad.status_code == 400
    assert emulator.state.config.openai_models == ["gpt-image-2.5-flare"]  # refused, unchanged
    emulator.reset()
    assert "gpt-image-2" in openai_ids(emulator)
    assert gemini_post(emulator, gemini_body()).status_code == 200


@pytest.mark.parametrize(
    "model", ["imagen-4.0-generate-001", "imagen-4.0-fast-generate-001", "imagen-3.0-generate-002"]
)
def test_imagen_predict_answers_the_documented_404(emulator: Emulator, model: str) -> None:
    body = {"instances": [{"prompt": "a portrait"}], "parameters": {"sampleCount": 1}}
    response = CLIENT.post(
        f"{emulator.gemini_base_url}/models/{model}:predict",
        json=body,
        headers={"x-goog-api-key": GOOGLE_KEY},
    )
    assert response.status_code == 404
    error = response.json()["error"]
    assert (error["code"], error["status"]) == (404, "NOT_FOUND")
    assert error["message"].startswith(f"models/{model} is no longer available")
    assert emulator.count(provider="gemini", operation="predict", model=model, status=404) == 1
