"""Style reference images: up to four, added on the style form like persona photos, shown on the
form and in the style library, removed with the style."""

from __future__ import annotations

import uuid
from html import unescape
from typing import Any

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from personas.models import PendingUpload, Style, StyleReference
from tests.conftest import World
from tests.personas.conftest import TeamClient
from tests.personas.test_held_uploads import _photos, hold

STYLE = {"name": "Mood board", "default_aspect": "4:5", "default_quality": "medium"}


def _style_with(world: World, team_client: TeamClient, count: int) -> Style:
    draft = uuid.uuid4()
    client = team_client("editor")
    if count:
        assert hold(client, draft, *_photos(count), purpose="style").status_code == 200
    response = client.post(reverse("personas:style_create"), {**STYLE, "draft": str(draft)})
    assert response.status_code == 302
    return Style.objects.get()


def test_held_images_become_the_styles_references(world: World, team_client: TeamClient) -> None:
    style = _style_with(world, team_client, 2)
    references = list(style.references.all())
    assert len(references) == 2
    assert all(r.storage_name.startswith(f"styles/{world.team.pk}/{style.pk}/") for r in references)
    assert not PendingUpload.objects.exists()
    # Shown in the library and on the edit form, to any member.
    library = team_client("viewer").get(reverse("personas:styles")).content.decode()
    assert 'alt="Reference 2 of Mood board"' in library
    edit = team_client("editor").get(reverse("personas:style_edit", args=[style.pk]))
    assert 'alt="Style reference 1"' in edit.content.decode()
    image = reverse("personas:style_reference_file", args=[style.pk, references[0].pk])
    assert team_client("viewer").get(image).status_code in (200, 302)


def test_a_fifth_image_is_refused_and_nothing_changes(
    world: World, team_client: TeamClient
) -> None:
    style = _style_with(world, team_client, 3)
    client, draft = team_client("editor"), uuid.uuid4()
    hold(client, draft, *_photos(2, start=50), purpose="style")
    url = reverse("personas:style_edit", args=[style.pk])
    response = client.post(url, {**STYLE, "name": "Renamed", "draft": str(draft)})
    html = unescape(response.content.decode())
    assert "A style holds up to 4 reference images; this one would have 5. Remove 1" in html
    style.refresh_from_db()
    assert (style.name, style.references.count()) == ("Mood board", 3)
    assert PendingUpload.objects.count() == 2

    # Removing one of the saved ones makes room: 3 - 1 + 2 = 4.
    first = style.references.first()
    assert first is not None
    data = {**STYLE, "draft": str(draft), "remove_references": [str(first.pk)]}
    assert client.post(url, data).status_code == 302
    assert style.references.count() == 4
    assert not style.references.filter(pk=first.pk).exists()


def test_removing_a_reference_of_another_style_is_refused(
    world: World, team_client: TeamClient
) -> None:
    style = _style_with(world, team_client, 1)
    other = Style.objects.create(workspace=world.team, name="Other")
    url = reverse("personas:style_edit", args=[other.pk])
    data = {**STYLE, "name": "Other", "remove_references": [str(style.references.get().pk)]}
    response = team_client("editor").post(url, data)
    assert "That image is no longer one of this style's." in unescape(response.content.decode())
    assert style.references.count() == 1


def test_deleting_a_style_deletes_its_images(
    world: World, team_client: TeamClient, django_capture_on_commit_callbacks: Any
) -> None:
    style = _style_with(world, team_client, 1)
    reference = style.references.get()
    with django_capture_on_commit_callbacks(execute=True):
        team_client("editor").post(reverse("personas:style_delete", args=[style.pk]))
    assert not StyleReference.objects.exists()
    assert not default_storage.exists(reference.storage_name)
    assert not default_storage.exists(reference.thumbnail_name)


def test_a_non_image_posted_with_the_style_form_is_refused(team_client: TeamClient) -> None:
    data: dict[str, Any] = {**STYLE, "draft": str(uuid.uuid4())}
    data["images"] = SimpleUploadedFile("notes.png", b"%PDF-1.7 not a picture", "image/png")
    response = team_client("editor").post(reverse("personas:style_create"), data)
    assert "notes.png: " in unescape(response.content.decode())
    assert not Style.objects.exists()
    assert not PendingUpload.objects.exists()


def test_style_images_of_another_workspace_are_not_found(
    world: World, team_client: TeamClient
) -> None:
    style = _style_with(world, team_client, 1)
    url = reverse("personas:style_reference_file", args=[style.pk, style.references.get().pk])
    assert team_client("outsider").get(url).status_code == 404
    elsewhere = Style.objects.create(workspace=world.team, name="Elsewhere")
    wrong = reverse("personas:style_reference_file", args=[elsewhere.pk, style.references.get().pk])
    assert team_client("owner").get(wrong).status_code == 404
