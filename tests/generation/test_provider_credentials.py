"""Issue 18's must-show: a provider's image with an embedded C2PA manifest (built here with
c2pa-python) keeps it through the real finalise path (image process, S3 storage), the image
records and shows what it says, and an exported copy (the download, a ZIP entry) carries our
manifest, signed and naming the model, with the provider's as its ingredient."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from gallery.download_names import download_name
from generation import pipeline
from generation.models import Image
from generation.provider_call import ProviderCall
from generation.providers.base import GeneratedImage, GenerationResult, Usage
from tests.conftest import World
from tests.emulator import Emulator
from tests.generation.conftest import provider_called
from tests.provenance.support import (
    PROVIDER,
    PROVIDER_MODEL,
    TRAINED,
    Store,
    manifest_store,
    provider_signed_png,
    signing_with_dev_chain,
    xmp_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(world: World, providers: Emulator, settings: Any, tmp_path: Path) -> Image:
    """The provider answered with a signed PNG; the image went through the real finalise."""
    assert settings.GENERATION_IMAGE_PROCESSES, "the read runs in the image processes"
    signing_with_dev_chain(settings, tmp_path)
    image = provider_called(world)
    answer = GenerationResult(
        images=(GeneratedImage(provider_signed_png(), "image/png", 96, 64),),
        usage=Usage(output_tokens=196),
    )
    pipeline._finish(image, Image.Status.RUNNING, answer, ProviderCall(asynchronous=False))
    image.refresh_from_db()
    assert image.status == "succeeded", image.error_message
    return image


def assert_ours_over_the_providers(store: Store) -> None:
    assert store.problems == []  # it validates; only the test certificate is not trusted
    assert store.raw["validation_state"] == "Valid"
    assert "DEVELOPMENT ONLY" in store.active["signature_info"]["issuer"]
    [created] = [action for action in store.actions() if action["action"] == "c2pa.created"]
    assert created["softwareAgent"]["name"] == "GPT Image 2"  # the model's display name
    assert created["digitalSourceType"] == TRAINED
    [theirs] = store.ingredient_manifests()
    assert theirs["signature_info"]["issuer"] == PROVIDER
    assert theirs["assertions"][0]["data"]["actions"][0]["softwareAgent"]["name"] == (
        PROVIDER_MODEL
    )


def test_the_providers_manifest_is_kept_recorded_and_shown(stored: Image, client_as: Any) -> None:
    with default_storage.open(stored.original.name) as handle:
        kept = handle.read()
    assert manifest_store(kept).active["signature_info"]["issuer"] == PROVIDER  # still there
    assert stored.credentials == {
        "has_manifest": True,
        "issuer": PROVIDER,
        "claim_generator": "Example Provider API 2.0",
        "software": [PROVIDER_MODEL],
        "actions": ["c2pa.created"],
        "validation_state": "Valid",
    }
    page = client_as("viewer").get(reverse("gallery:image", args=[stored.pk]))
    assert (
        f"Content Credentials from {PROVIDER}: created by {PROVIDER_MODEL}; "
        "steps recorded: created."
    ) in page.content.decode()


def test_the_download_carries_ours_with_the_providers_as_ingredient(
    stored: Image, client_as: Any
) -> None:
    response = client_as("viewer").get(reverse("gallery:image_download", args=[stored.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{download_name(stored)}"'
    assert response["Content-Type"] == "image/png"
    assert_ours_over_the_providers(manifest_store(response.content))
    assert TRAINED in xmp_of(response.content)


def test_a_zip_entry_carries_the_same(stored: Image, client_as: Any) -> None:
    editor: Client = client_as("editor")
    chosen = {"workspace": str(stored.workspace_id), "action": "zip", "image": [str(stored.pk)]}
    response = editor.post(reverse("gallery:bulk"), chosen)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.getvalue()))
    entry = archive.read(download_name(stored))
    assert_ours_over_the_providers(manifest_store(entry))
    assert TRAINED in xmp_of(entry)
