"""What an exported image carries (gallery.credentials), read back with c2pa-python and Pillow:
our manifest naming the model, an edit's parent as ingredient, and in production without a
signing certificate the XMP marking alone, which the workspace page then says."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image as PILImage

from avatarapp.content_credentials import MARKING_ONLY_NOTE
from avatarapp.workspaces.models import Membership
from gallery.credentials import Crop, exported
from generation.models import Image, Origin
from generation.overlay import overlay_add
from painter.overlay import TextOverlay
from provenance.devchain import new_chain
from tests.conftest import World
from tests.gallery.factories import make_image
from tests.gallery.lightbox_support import action_url, finished_image
from tests.generation.conftest import make_persona
from tests.provenance.support import (
    TRAINED,
    has_manifest,
    manifest_store,
    pixels,
    signing_with_dev_chain,
    xmp_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(world: World) -> Membership:
    return world.membership("editor")


@pytest.fixture
def dev_signing(settings: Any, tmp_path: Path) -> None:
    signing_with_dev_chain(settings, tmp_path)


def downloaded(client_as: Any, image: Image) -> bytes:
    response = client_as("viewer").get(action_url("image_download", image))
    assert response.status_code == 200
    return bytes(response.content)


def stored_bytes(image: Image) -> bytes:
    with default_storage.open(image.original.name) as handle:
        return bytes(handle.read())


def test_a_download_names_the_model_and_leaves_the_stored_file_alone(
    dev_signing: None, editor: Membership, client_as: Any
) -> None:
    image = finished_image(editor)
    before = stored_bytes(image)
    data = downloaded(client_as, image)
    store = manifest_store(data)
    assert store.problems == []
    assert [(a["action"], a["softwareAgent"]["name"]) for a in store.actions()] == [
        ("c2pa.created", "Built-in renderer")
    ]
    assert store.actions()[0]["digitalSourceType"] == TRAINED
    assert store.ingredient_manifests() == []  # the file carried no manifest of its own
    assert TRAINED in xmp_of(data)
    assert pixels(data) == pixels(before)
    assert stored_bytes(image) == before  # exporting changes nothing in storage


def test_added_text_is_an_edit_with_the_original_as_ingredient(
    dev_signing: None, editor: Membership, client_as: Any
) -> None:
    parent = finished_image(editor)
    child = overlay_add(membership=editor, image=parent, overlay=TextOverlay("Meet Maya"))
    store = manifest_store(downloaded(client_as, child))
    assert store.problems == []
    created, edited = store.actions()
    assert (created["action"], created["softwareAgent"]["name"]) == (
        "c2pa.created",
        "Built-in renderer",
    )
    assert (edited["action"], edited["description"]) == ("c2pa.edited", "Text added")
    [ingredient] = store.active["ingredients"]
    assert ingredient["title"] == "The image it was made from"
    # The image page says nothing of a provider's file: no provider made this one.
    page = client_as("viewer").get(reverse("gallery:image", args=[child.pk]))
    assert "Content Credentials" not in page.content.decode()


def test_in_production_without_a_certificate_exports_carry_the_marking_only(
    settings: Any, editor: Membership, client_as: Any, world: World
) -> None:
    settings.C2PA_SIGNING_CERT = settings.C2PA_SIGNING_KEY = ""
    settings.C2PA_DEV_CHAIN_FILE = None  # what DEBUG=False sets
    image = finished_image(editor)
    data = downloaded(client_as, image)
    assert not has_manifest(data)
    assert TRAINED in xmp_of(data)
    members = client_as("viewer").get(reverse("workspaces:members", args=[world.team.pk]))
    assert MARKING_ONLY_NOTE in members.content.decode()


def test_with_the_installations_certificate_it_is_the_issuer(
    settings: Any, editor: Membership, client_as: Any, world: World
) -> None:
    chain = new_chain("Example Studio")
    settings.C2PA_SIGNING_CERT, settings.C2PA_SIGNING_KEY = chain.certificate, chain.key
    settings.C2PA_DEV_CHAIN_FILE = None
    store = manifest_store(downloaded(client_as, finished_image(editor)))
    assert store.problems == []
    assert store.active["signature_info"]["issuer"] == "Example Studio"
    members = client_as("viewer").get(reverse("workspaces:members", args=[world.team.pk]))
    assert MARKING_ONLY_NOTE not in members.content.decode()


def test_a_download_whose_file_is_gone_is_not_found(
    dev_signing: None, editor: Membership, client_as: Any
) -> None:
    image = finished_image(editor)
    default_storage.delete(image.original.name)
    response = client_as("viewer").get(action_url("image_download", image))
    assert response.status_code == 404


def test_a_crop_for_a_kit_says_so_with_the_full_portrait_as_ingredient(
    dev_signing: None, editor: Membership
) -> None:
    image = finished_image(editor)
    original = stored_bytes(image)
    with PILImage.open(io.BytesIO(original)) as picture:
        out = io.BytesIO()
        picture.crop((0, 0, 64, 64)).save(out, "PNG")
    data = exported(image, original, crop=Crop(out.getvalue(), "PNG", "1:1"))
    store = manifest_store(data)
    assert store.problems == []
    assert [(a["action"], a.get("description")) for a in store.actions()] == [
        ("c2pa.created", None),
        ("c2pa.cropped", "Cropped to 1:1"),
    ]
    assert [i["title"] for i in store.active["ingredients"]] == ["The full portrait"]
    assert TRAINED in xmp_of(data)


def test_an_edit_names_the_model_for_both_steps_with_the_parent_as_ingredient(
    dev_signing: None, editor: Membership, client_as: Any
) -> None:
    persona = make_persona(editor)
    parent = finished_image(editor, persona)
    edit = make_image(
        parent.job,
        persona,
        origin=Origin.EDIT,
        parent=parent,
        original=parent.original.name,  # any stored picture will do for the export
        format="png",
        credentials={"has_manifest": False},
    )
    store = manifest_store(downloaded(client_as, edit))
    assert store.problems == []
    assert [(a["action"], a["softwareAgent"]["name"]) for a in store.actions()] == [
        ("c2pa.created", "GPT Image 2"),
        ("c2pa.edited", "GPT Image 2"),
    ]
    assert [i["title"] for i in store.active["ingredients"]] == ["The image it was made from"]
