"""Reference images through the page: cleaned on the way in, all or nothing, at most eight."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable
from html import unescape
from typing import Any
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from PIL import Image

from personas import services
from personas.models import MAX_REFERENCES, Persona, ReferenceImage
from personas.reference_files import PreparedReference, prepare_reference
from tests.conftest import World
from tests.personas import images
from tests.personas.conftest import TeamClient, stored_files

HTMX = {"HX-Request": "true", "HX-Target": "references"}
SERVER_NAME = re.compile(r"^[0-9a-f]{32}(-thumb)?\.(png|jpg|webp)$")


def upload(client, persona: Persona, *files: tuple[str, bytes], htmx: bool = True):
    data = {"images": [SimpleUploadedFile(name, body, "image/png") for name, body in files]}
    url = reverse("personas:upload_references", args=[persona.pk])
    return client.post(url, data, headers=HTMX if htmx else {})


def test_upload_stores_clean_copies_under_server_made_names(
    persona: Persona, team_client: TeamClient
) -> None:
    response = upload(
        team_client("editor"),
        persona,
        ("../../etc/passwd.png", images.png(50, 40)),
        ("holiday.jpg", images.jpeg_with_gps(80, 40)),
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "references-changed"  # the prompt preview refreshes
    html = response.content.decode()
    assert 'id="references"' in html
    assert "2 of 8" in html
    assert "<html" not in html
    files = stored_files(persona)
    assert len(files) == 4
    assert all(SERVER_NAME.match(name) for name in files)
    photo = ReferenceImage.objects.get(persona=persona, content_type="image/jpeg")
    with default_storage.open(photo.storage_name) as handle:
        stored = handle.read()
    assert images.metadata_free(stored)
    assert not Image.open(io.BytesIO(stored)).getexif()
    assert (photo.width, photo.height) == (40, 80)  # EXIF orientation applied, then dropped


HOSTILE: dict[str, tuple[Callable[[], bytes], str]] = {
    "bomb.png": (images.png_bomb, "too many pixels"),
    "scan.png": (images.tiff, "looks like a TIFF image"),
    "layers.jpg": (images.psd, "looks like a Photoshop (PSD) file"),
    "galaxy.png": (images.fits, "looks like a FITS astronomy image"),
    "cut.jpg": (images.truncated_jpeg, "truncated"),
    "huge.png": (lambda: b"\x89PNG\r\n\x1a\n" + bytes(11 * 1024 * 1024), "larger than 10 MB"),
    "empty.png": (lambda: b"", "empty"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_files_are_refused_and_leave_nothing_behind(
    name: str, persona: Persona, team_client: TeamClient
) -> None:
    make, message = HOSTILE[name]
    # A good file in the same submission is not kept either: all or nothing.
    response = upload(team_client("editor"), persona, ("good.png", images.png()), (name, make()))
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert message in html
    if name != "empty.png":  # Django's own "The submitted file is empty." names none
        assert name in html  # the refusal names the file
    assert not ReferenceImage.objects.exists()
    assert stored_files(persona) == []


def test_without_js_a_refusal_renders_the_whole_page(
    persona: Persona, team_client: TeamClient
) -> None:
    response = upload(team_client("editor"), persona, ("scan.png", images.tiff()), htmx=False)
    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert "looks like a TIFF" in response.content.decode()


def _fill(persona: Persona, world: World, count: int) -> None:
    prepared = [prepare_reference(images.png(seed=100 + i)) for i in range(count)]
    services.reference_add(persona=persona, user=world.owner, prepared=prepared)


def test_the_ninth_image_is_refused(
    world: World, persona: Persona, team_client: TeamClient
) -> None:
    _fill(persona, world, MAX_REFERENCES)
    before = stored_files(persona)
    response = upload(team_client("editor"), persona, ("ninth.png", images.png(seed=1)))
    assert "holds up to 8 reference images" in response.content.decode()
    assert "Delete one to add another" in response.content.decode()
    assert persona.references.count() == MAX_REFERENCES
    assert stored_files(persona) == before


def test_a_batch_that_would_overflow_is_refused_whole(
    world: World, persona: Persona, team_client: TeamClient
) -> None:
    _fill(persona, world, MAX_REFERENCES - 1)
    response = upload(
        team_client("editor"), persona, ("a.png", images.png(seed=1)), ("b.png", images.png(seed=2))
    )
    assert "room for 1 more" in response.content.decode()
    assert persona.references.count() == MAX_REFERENCES - 1


def test_the_same_image_twice_is_refused(
    world: World, persona: Persona, team_client: TeamClient
) -> None:
    _fill(persona, world, 1)
    same = images.png(seed=100)
    response = upload(team_client("editor"), persona, ("again.png", same))
    assert "already one of this persona's references" in unescape(response.content.decode())


def test_a_storage_failure_midway_removes_what_was_written(world: World, persona: Persona) -> None:
    real_save = default_storage.save
    calls = []

    def flaky_save(name: str, content: Any) -> str:
        calls.append(name)
        if len(calls) == 3:
            raise OSError("disk full")
        return real_save(name, content)

    prepared = [prepare_reference(images.png(seed=s)) for s in (1, 2)]
    with (
        mock.patch.object(default_storage, "save", side_effect=flaky_save),
        pytest.raises(OSError, match="disk full"),
    ):
        services.reference_add(persona=persona, user=world.owner, prepared=prepared)
    assert not ReferenceImage.objects.exists()
    assert stored_files(persona) == []


def test_delete_removes_row_and_both_files(
    world: World, persona: Persona, team_client: TeamClient, django_capture_on_commit_callbacks
) -> None:
    _fill(persona, world, 2)
    reference = persona.references.first()
    assert reference is not None
    url = reverse("personas:delete_reference", args=[persona.pk, reference.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = team_client("editor").post(url, headers=HTMX)
    assert "1 of 8" in response.content.decode()
    assert len(stored_files(persona)) == 2
    assert not default_storage.exists(reference.storage_name)


def test_files_are_served_with_their_fixed_type(
    world: World, persona: Persona, team_client: TeamClient
) -> None:
    _fill(persona, world, 1)
    reference = persona.references.get()
    client = team_client("viewer")
    for variant, content_type in (("image", "image/png"), ("thumb", "image/webp")):
        url = reverse("personas:reference_file", args=[persona.pk, reference.pk, variant])
        response = client.get(url)
        if response.status_code == 302:  # S3: a presigned URL, never a public one
            assert "X-Amz-Signature" in response["Location"]
            name = reference.storage_name if variant == "image" else reference.thumbnail_name
            client_s3 = default_storage.connection.meta.client  # type: ignore[attr-defined]
            stored = client_s3.head_object(Bucket=default_storage.bucket_name, Key=name)  # type: ignore[attr-defined]
            assert stored["ContentType"] == content_type
            continue
        assert response["Content-Type"] == content_type
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(  # type: ignore[attr-defined]
            b"\x89PNG" if variant == "image" else b"RIFF"
        )
    bad = reverse("personas:reference_file", args=[persona.pk, reference.pk, "original"])
    assert client.get(bad).status_code == 404


def test_a_reference_of_another_persona_is_not_found(
    world: World, persona: Persona, team_client: TeamClient
) -> None:
    from tests.personas.conftest import make_persona

    other = make_persona(world.team, name="Other")
    _fill(other, world, 1)
    reference = other.references.get()
    url = reverse("personas:reference_file", args=[persona.pk, reference.pk, "image"])
    assert team_client("owner").get(url).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_four_uploads_racing_for_the_last_slots_never_pass_eight() -> None:
    """On PostgreSQL the persona row lock serialises uploads: 6 held + 4 racing -> exactly 8."""
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL; make test runs this on PostgreSQL.")
    from avatarapp.workspaces.services import workspace_create_team
    from tests.conftest import make_user
    from tests.personas.conftest import make_persona

    owner = make_user("racer@example.com")
    persona = make_persona(workspace_create_team(user=owner, name="Race"))
    services.reference_add(
        persona=persona,
        user=owner,
        prepared=[prepare_reference(images.png(seed=s)) for s in range(6)],
    )
    racers = [[prepare_reference(images.png(seed=50 + i))] for i in range(4)]
    barrier = threading.Barrier(len(racers))
    outcomes: list[str] = []

    def upload_one(prepared: list[PreparedReference]) -> None:
        barrier.wait()
        try:
            services.reference_add(persona=persona, user=owner, prepared=prepared)
            outcomes.append("added")
        except services.PersonaError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=upload_one, args=(r,)) for r in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["added", "added", "refused", "refused"]
    assert persona.references.count() == MAX_REFERENCES
    assert len(stored_files(persona)) == 2 * MAX_REFERENCES
