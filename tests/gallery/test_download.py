"""Downloading the original under its readable name, as an attachment the app sends itself: the
exported copy (the stored pixels, marked and signed: gallery.credentials), from S3 (the suite
runs against an S3 server) or a local folder alike. Viewers download too; another workspace's
image is 404."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from avatarapp.workspaces.models import Membership
from gallery.download_names import download_name
from generation.models import Image
from tests.conftest import ROLES, World
from tests.gallery.lightbox_support import action_url, finished_image
from tests.provenance.support import TRAINED, has_manifest, pixels, xmp_of

pytestmark = pytest.mark.django_db

MEMBERS = {"owner", "admin", "editor", "viewer"}


@pytest.fixture
def editor(world: World) -> Membership:
    return world.membership("editor")


def _stored_bytes(image: Image) -> bytes:
    with default_storage.open(image.original.name) as handle:
        return bytes(handle.read())


@pytest.mark.parametrize("role", ROLES)
def test_every_member_downloads_the_original_under_its_name(
    role: str, s3_bucket: str | None, editor: Membership, client_as
) -> None:
    assert s3_bucket, "the suite runs with the S3 server (scripts/services.sh)"
    image = finished_image(editor)
    name = download_name(image)
    response = client_as(role).get(action_url("image_download", image))
    if role == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
        return
    if role not in MEMBERS:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["Content-Type"] == "image/png"
    assert pixels(response.content) == pixels(_stored_bytes(image))
    assert has_manifest(response.content)


def test_on_a_local_folder_the_file_comes_as_an_attachment(
    settings: Any, tmp_path: Any, editor: Membership, client_as
) -> None:
    storages = copy.deepcopy(settings.STORAGES)
    storages["default"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)},
    }
    settings.STORAGES = storages  # Django's test signal makes default_storage anew
    image = finished_image(editor)
    assert (tmp_path / image.original.name).exists()
    response = client_as("viewer").get(action_url("image_download", image))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{download_name(image)}"'
    assert response["Content-Type"] == "image/png"
    assert pixels(response.content) == pixels(_stored_bytes(image))
    assert TRAINED in xmp_of(response.content)
    # The image itself is still shown in the page, not downloaded.
    shown = client_as("viewer").get(reverse("generation:image_file", args=[image.pk, "original"]))
    assert shown.status_code == 200
    assert not shown.get("Content-Disposition", "").startswith("attachment")
