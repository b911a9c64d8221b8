"""Add text on the image page, the lineage it shows (parent and children), and the gallery's
"made from" filter: who may, bad input refused in words with nothing changed, no tenant leaks."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from avatarapp.workspaces.models import Membership
from generation.models import Image
from generation.overlay import overlay_add
from painter.overlay import TextOverlay
from tests.gallery.factories import make_image, make_job
from tests.gallery.lightbox_support import action_url, finished_image, image_url
from tests.generation.conftest import make_persona

pytestmark = pytest.mark.django_db

GALLERY = reverse("gallery:gallery")
GOOD = {"text": "Meet Maya", "position": "bottom", "size": "large", "colour": "white", "band": "1"}
TeamClient = Callable[[str], Client]


@pytest.fixture
def portrait(editor: Membership) -> Image:
    return finished_image(editor)


def test_an_editor_adds_text_and_lands_on_the_new_image_with_its_parent(
    team_client: TeamClient, portrait: Image
) -> None:
    client = team_client("editor")
    form = client.get(action_url("image_add_text", portrait))
    assert form.status_code == 200
    for label in ("Text", "Where", "Size", "Colour", "Contrast band", "Lower third", "Yellow"):
        assert label in form.content.decode()

    response = client.post(action_url("image_add_text", portrait), GOOD, follow=True)

    child = Image.objects.get(parent=portrait)
    assert response.redirect_chain[-1][0] == image_url(child)
    page = response.content.decode()
    assert "Text added. This is a new image; the original is unchanged." in page
    assert "Text added from this portrait:" in page
    assert image_url(portrait) in page


def test_the_parent_page_lists_its_children_and_links_the_gallery_filter(
    team_client: TeamClient, editor: Membership, portrait: Image
) -> None:
    child = overlay_add(membership=editor, image=portrait, overlay=TextOverlay("Hi"))

    page = team_client("viewer").get(image_url(portrait)).content.decode()

    assert "One image was made from this one:" in page
    assert image_url(child) in page
    assert f"{GALLERY}?parent={portrait.pk}" in page
    assert "Add text" not in page  # a viewer reads, does not add


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"text": "x" * 2000}, "Keep the text to 120 characters (this has 2,000)"),
        ({"text": ""}, "Type the words to put on the portrait."),
        ({"position": "middle"}, "Choose top, lower third or bottom."),
        ({"size": "huge"}, "Choose small, medium or large."),
        ({"colour": "magenta"}, "Choose one of the colours offered: white, black, yellow"),
    ],
)
def test_bad_input_is_refused_in_words_and_makes_nothing(
    team_client: TeamClient, portrait: Image, change: dict[str, str], words: str
) -> None:
    images = Image.objects.count()

    response = team_client("editor").post(action_url("image_add_text", portrait), GOOD | change)

    assert response.status_code == 400
    assert words in response.content.decode()
    assert Image.objects.count() == images


def test_an_unfinished_image_gets_no_form_and_no_text(
    team_client: TeamClient, editor: Membership
) -> None:
    failed = make_image(make_job(editor), make_persona(editor), status=Image.Status.FAILED)
    client = team_client("editor")

    form = client.get(action_url("image_add_text", failed)).content.decode()
    refused = client.post(action_url("image_add_text", failed), GOOD)

    assert "Text can be added only to a finished portrait." in form
    assert 'name="text"' not in form
    assert refused.status_code == 400
    assert not Image.objects.filter(parent=failed).exists()


@pytest.mark.parametrize(("role", "status"), [("viewer", 403), ("outsider", 404)])
def test_a_viewer_or_another_workspace_cannot_add_text(
    team_client: TeamClient, portrait: Image, role: str, status: int
) -> None:
    client = team_client(role)
    assert client.get(action_url("image_add_text", portrait)).status_code == status
    assert client.post(action_url("image_add_text", portrait), GOOD).status_code == status
    assert not Image.objects.filter(parent=portrait).exists()


def test_the_gallery_shows_only_images_made_from_the_chosen_one(
    team_client: TeamClient, editor: Membership, portrait: Image
) -> None:
    child = overlay_add(membership=editor, image=portrait, overlay=TextOverlay("Hi"))
    other = finished_image(editor)

    page = team_client("editor").get(f"{GALLERY}?parent={portrait.pk}").content.decode()

    assert image_url(child, f"parent={portrait.pk}") in page
    assert image_url(other, f"parent={portrait.pk}") not in page
    assert "Only images made from" in page
    assert f"{portrait.persona_name} · {portrait.style_name}" in page
    assert f'href="{GALLERY}">Remove this filter</a>' in page  # the whole gallery again


def test_another_workspaces_image_as_parent_selects_nothing_and_names_nothing(
    team_client: TeamClient, editor: Membership, their_image: Image, portrait: Image
) -> None:
    overlay_add(membership=editor, image=portrait, overlay=TextOverlay("Hi"))

    page = team_client("editor").get(f"{GALLERY}?parent={their_image.pk}").content.decode()

    assert "Only images made from an image that is not in this workspace" in page
    assert "Their persona" not in page
    assert "No portraits match these filters." in page


def test_a_parent_filter_that_cannot_be_read_is_left_out_with_a_sentence(
    team_client: TeamClient, portrait: Image
) -> None:
    page = team_client("editor").get(f"{GALLERY}?parent=not-an-id").content.decode()

    assert "That “made from” filter could not be read, so it was left out." in page
    assert image_url(portrait) in page
