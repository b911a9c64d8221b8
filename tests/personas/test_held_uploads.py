"""Reference photos added while a persona or style is being made (personas.uploads): checked and
held at once for their uploader and the form's draft, attached when the form is saved, removable
before that, swept when abandoned."""

from __future__ import annotations

import uuid
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from personas import tasks
from personas.models import PendingUpload, Persona
from tests.conftest import World
from tests.personas import images
from tests.personas.conftest import TeamClient, stored_files

CREATE = reverse("personas:create")


def _files(*files: tuple[str, bytes]) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(name, body, "image/png") for name, body in files]


def hold(
    client: Client, draft: uuid.UUID, *files: tuple[str, bytes], purpose: str = "persona"
) -> Any:
    data = {"draft": str(draft), "purpose": purpose, "images": _files(*files)}
    return client.post(reverse("personas:pending_upload"), data)


def _photos(count: int, start: int = 0) -> list[tuple[str, bytes]]:
    return [(f"photo{i}.png", images.png(32, 32, seed=start + i)) for i in range(count)]


def _held_files(world: World, role: str) -> list[str]:
    try:
        _, names = default_storage.listdir(f"pending/{world.team.pk}/{world.user(role).pk}")
    except FileNotFoundError:
        return []
    return names


def test_photos_dropped_while_creating_are_attached_when_the_persona_is_saved(
    world: World, team_client: TeamClient, django_capture_on_commit_callbacks: Any
) -> None:
    client, draft = team_client("editor"), uuid.uuid4()
    response = hold(client, draft, ("front.jpg", images.jpeg(90, 90)), ("side.png", images.png()))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="pending-item"') == 2
    assert 'alt="Reference photo front.jpg"' in html
    held = list(PendingUpload.objects.order_by("original_name"))
    assert [(h.original_name, h.draft, h.created_by) for h in held] == [
        ("front.jpg", draft, world.editor),
        ("side.png", draft, world.editor),
    ]
    assert len(_held_files(world, "editor")) == 4
    thumb = client.get(reverse("personas:pending_thumb", args=[held[0].pk]))
    assert thumb.status_code in (200, 302)  # S3: a presigned URL

    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(CREATE, {"name": "Maya", "draft": str(draft)})
    assert saved.status_code == 302
    persona = Persona.objects.get()
    # The persona took the draft's id, so its portrait is the one the preview drew.
    assert persona.pk == draft
    assert persona.references.count() == 2
    assert len(stored_files(persona)) == 4
    assert not PendingUpload.objects.exists()
    assert _held_files(world, "editor") == []


def test_a_refused_photo_says_why_and_nothing_is_held(
    world: World, team_client: TeamClient
) -> None:
    response = hold(
        team_client("editor"), uuid.uuid4(), ("ok.png", images.png()), ("scan.png", images.tiff())
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "scan.png: " in response.content.decode()
    assert "TIFF image" in response.content.decode()
    assert not PendingUpload.objects.exists()
    assert _held_files(world, "editor") == []


@pytest.mark.parametrize(("purpose", "limit"), [("persona", 8), ("style", 4)])
def test_a_draft_holds_at_most_its_limit(
    purpose: str, limit: int, world: World, team_client: TeamClient
) -> None:
    client, draft = team_client("editor"), uuid.uuid4()
    too_many = hold(client, draft, *_photos(limit + 1), purpose=purpose)
    assert too_many.status_code == 400
    assert f"Choose at most {limit} images at a time." in too_many.content.decode()
    assert hold(client, draft, *_photos(limit), purpose=purpose).status_code == 200
    one_more = hold(client, draft, *_photos(1, start=100), purpose=purpose)
    assert one_more.status_code == 400
    message = f"Up to {limit} reference images can be added here, and {limit} already are"
    assert message in one_more.content.decode()
    assert PendingUpload.objects.count() == limit


def test_the_same_photo_twice_is_refused(team_client: TeamClient) -> None:
    client, draft = team_client("editor"), uuid.uuid4()
    hold(client, draft, ("a.png", images.png(seed=4)))
    again = hold(client, draft, ("b.png", images.png(seed=4)))
    assert again.status_code == 400
    assert "b.png: that photo is already added." in again.content.decode()
    assert PendingUpload.objects.count() == 1


def test_an_out_of_date_form_is_told_to_reload(team_client: TeamClient) -> None:
    client = team_client("editor")
    data = {"draft": "not-a-uuid", "purpose": "persona", "images": _files(*_photos(1))}
    response = client.post(reverse("personas:pending_upload"), data)
    assert (response.status_code, response.content) == (
        400,
        b"This form is out of date. Reload the page.",
    )
    data = {"draft": str(uuid.uuid4()), "purpose": "avatar", "images": _files(*_photos(1))}
    assert client.post(reverse("personas:pending_upload"), data).status_code == 400
    assert not PendingUpload.objects.exists()


def test_remove_takes_a_held_photo_back(
    world: World, team_client: TeamClient, django_capture_on_commit_callbacks: Any
) -> None:
    hold(team_client("editor"), uuid.uuid4(), *_photos(2))
    first, second = PendingUpload.objects.order_by("original_name")
    url = reverse("personas:pending_remove", args=[first.pk])
    # Anyone else's click finds nothing, the owner's included.
    assert team_client("owner").post(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert team_client("editor").post(url).status_code == 204
    assert list(PendingUpload.objects.all()) == [second]
    assert not default_storage.exists(first.storage_name)
    assert not default_storage.exists(first.thumbnail_name)
    assert default_storage.exists(second.storage_name)


def test_without_javascript_photos_travel_with_the_form(
    world: World, team_client: TeamClient
) -> None:
    client, draft = team_client("editor"), uuid.uuid4()
    # A refused photo: the persona is not made and nothing is held.
    bad = {"name": "Nora", "draft": str(draft), "images": _files(("x.png", images.psd()))}
    page = unescape(client.post(CREATE, bad).content.decode())
    assert "x.png: " in page
    assert "nothing was saved" in page
    assert not Persona.objects.exists()
    assert not PendingUpload.objects.exists()

    # A missing name: the photo is held, and shown on the form that comes back.
    unnamed = {"name": "", "draft": str(draft), "images": _files(("face.png", images.png()))}
    page = client.post(CREATE, unnamed).content.decode()
    assert "This field is required." in page
    assert 'alt="Reference photo face.png"' in page
    assert not Persona.objects.exists()

    # Its Remove button and "Update preview" post the form without saving it.
    extra = {"name": "Nora", "draft": str(draft), "images": _files(("two.png", images.png(seed=2)))}
    page = client.post(CREATE, {**extra, "preview": "1"}).content.decode()
    assert 'alt="Reference photo two.png"' in page
    assert not Persona.objects.exists()
    face = PendingUpload.objects.get(original_name="face.png")
    client.post(CREATE, {"name": "Nora", "draft": str(draft), "remove_pending": str(face.pk)})
    assert not Persona.objects.exists()
    assert list(PendingUpload.objects.values_list("original_name", flat=True)) == ["two.png"]

    assert client.post(CREATE, {"name": "Nora", "draft": str(draft)}).status_code == 302
    assert Persona.objects.get().references.count() == 1


def test_a_draft_is_its_uploaders_alone(world: World, team_client: TeamClient) -> None:
    draft = uuid.uuid4()
    hold(team_client("owner"), draft, *_photos(1))
    held = PendingUpload.objects.get()
    thumb = reverse("personas:pending_thumb", args=[held.pk])
    assert team_client("admin").get(thumb).status_code == 404
    # Another editor naming the owner's draft saves a persona without the owner's photo.
    team_client("editor").post(CREATE, {"name": "Borrowed", "draft": str(draft)})
    assert Persona.objects.get().references.count() == 0
    assert PendingUpload.objects.get() == held


def test_a_second_save_of_the_same_draft_is_a_new_persona(team_client: TeamClient) -> None:
    client, draft = team_client("editor"), uuid.uuid4()
    client.post(CREATE, {"name": "Twice", "draft": str(draft)})
    client.post(CREATE, {"name": "Twice", "draft": str(draft)})
    ids = set(Persona.objects.values_list("pk", flat=True))
    assert len(ids) == 2
    assert draft in ids


def test_the_sweeper_removes_abandoned_photos_and_keeps_fresh_ones(
    settings: Any, world: World, team_client: TeamClient, django_capture_on_commit_callbacks: Any
) -> None:
    settings.PENDING_UPLOAD_HOURS = 24
    hold(team_client("editor"), uuid.uuid4(), *_photos(2))
    old, fresh = PendingUpload.objects.order_by("original_name")
    PendingUpload.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.sweep_pending_uploads()
    assert list(PendingUpload.objects.all()) == [fresh]
    assert not default_storage.exists(old.storage_name)
    assert default_storage.exists(fresh.storage_name)
