"""Setting a portrait's focal point on its image page: a click on the picture (no script: the
picker posts pixels; with the script: fractions), or two numbers. Editors and above; a point
outside the image, or one that cannot be read, changes nothing and says why; another
workspace's image is 404."""

from __future__ import annotations

from typing import Any

import pytest

from avatarapp.workspaces.models import Membership
from gallery.focal_points import NO_PICTURE, OUTSIDE, UNREADABLE
from gallery.models import FocalPoint
from generation.models import Image
from tests.conftest import ROLES
from tests.gallery.conftest import HTMX
from tests.gallery.factories import make_image, make_job
from tests.gallery.kit_support import stored_portrait
from tests.gallery.lightbox_support import action_url, image_url
from tests.generation.conftest import make_persona

pytestmark = pytest.mark.django_db

SAVED_TEXT = "Focal point set"


@pytest.fixture
def portrait(editor: Membership) -> Image:
    """400 x 500: the picker draws it 256 x 320."""
    return stored_portrait(editor, make_persona(editor, name="Maya Costa"), 400, 500)


def _point(image: Image) -> tuple[float, float] | None:
    return FocalPoint.objects.filter(image=image).values_list("x", "y").first()


def test_a_click_on_the_picker_without_script_sets_the_point(portrait: Image, client_as) -> None:
    # An <input type="image" name="focal"> posts focal.x / focal.y in pixels of the picker.
    client = client_as("editor")
    url = action_url("image_focal_point", portrait, query="persona=x")
    response = client.post(url, {"focal.x": "64", "focal.y": "240"})
    assert response.status_code == 302
    assert response["Location"] == image_url(portrait, "persona=x")  # the filter is kept
    assert _point(portrait) == (0.25, 0.75)
    page = client.get(response["Location"])
    assert SAVED_TEXT in page.content.decode()
    assert "Now 25% across, 75% down." in page.content.decode()


def test_the_script_posts_fractions_and_gets_the_picker_back(portrait: Image, client_as) -> None:
    url = action_url("image_focal_point", portrait)
    response = client_as("editor").post(url, {"x": "0.3", "y": "0.2", "focal.x": "1"}, headers=HTMX)
    assert response.status_code == 200
    text = response.content.decode()
    assert SAVED_TEXT in text
    assert 'cx="30.00%" cy="20.00%"' in text  # the marker moved to the new point
    assert _point(portrait) == (0.3, 0.2)


def test_two_numbers_set_it_from_the_keyboard(portrait: Image, client_as) -> None:
    response = client_as("editor").post(
        action_url("image_focal_point", portrait), {"across": "40", "down": "10"}
    )
    assert response.status_code == 302
    assert _point(portrait) == (0.4, 0.1)


OUTSIDE_POINTS = [
    {"x": "1.5", "y": "0.2"},
    {"x": "0.5", "y": "-0.01"},
    {"focal.x": "300", "focal.y": "10"},  # the picker is 256 wide
    {"focal.x": "10", "focal.y": "321"},  # and 320 high
    {"across": "101", "down": "5"},
]
UNREADABLE_POINTS = [
    {"x": "left", "y": "0.2"},
    {"x": "nan", "y": "0.5"},
    {"x": "inf", "y": "0.5"},
    {"x": "0.5"},
    {"across": "", "down": "5"},
    {},
]


@pytest.mark.parametrize(
    ("posted", "message"),
    [(p, OUTSIDE) for p in OUTSIDE_POINTS] + [(p, UNREADABLE) for p in UNREADABLE_POINTS],
)
def test_a_point_outside_or_unreadable_changes_nothing_and_says_why(
    portrait: Image, client_as, posted: dict[str, str], message: str
) -> None:
    client = client_as("editor")
    url = action_url("image_focal_point", portrait)
    client.post(url, {"x": "0.6", "y": "0.4"})
    response = client.post(url, posted, follow=True)
    assert message in response.content.decode()
    assert _point(portrait) == (0.6, 0.4)
    in_place = client.post(url, posted, headers=HTMX)  # the picker says it in place too
    assert in_place.status_code == 200
    assert f'role="alert">{message}' in in_place.content.decode()
    assert _point(portrait) == (0.6, 0.4)


@pytest.mark.parametrize("role", ROLES)
def test_editors_and_above_set_it_others_cannot(role: str, portrait: Image, client_as) -> None:
    response = client_as(role).post(
        action_url("image_focal_point", portrait), {"x": "0.1", "y": "0.9"}
    )
    expected: dict[str, Any] = {"viewer": 403, "outsider": 404}
    if role == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    elif role in expected:
        assert response.status_code == expected[role]
    else:
        assert response.status_code == 302
        assert _point(portrait) == (0.1, 0.9)
        return
    assert _point(portrait) is None


def test_an_image_without_a_picture_has_no_focal_point(editor: Membership, client_as) -> None:
    failed = make_image(make_job(editor), make_persona(editor), status=Image.Status.FAILED)
    response = client_as("editor").post(
        action_url("image_focal_point", failed), {"x": "0.1", "y": "0.9"}, follow=True
    )
    assert NO_PICTURE in response.content.decode()
    assert _point(failed) is None


def test_another_workspaces_image_is_404(their_image: Image, client_as) -> None:
    response = client_as("editor").post(
        action_url("image_focal_point", their_image), {"x": "0.1", "y": "0.9"}
    )
    assert response.status_code == 404
    assert _point(their_image) is None


def test_the_image_page_shows_the_picker_to_editors_only(portrait: Image, client_as) -> None:
    editor_page = client_as("editor").get(image_url(portrait)).content.decode()
    assert 'type="image" name="focal"' in editor_page
    assert 'width="256" height="320"' in editor_page
    assert "Not set yet: the crops centre on the upper third" in editor_page
    assert 'cx="50.00%" cy="33.33%"' in editor_page  # the default's marker
    assert "focal-point.js" in editor_page
    viewer_page = client_as("viewer").get(image_url(portrait)).content.decode()
    assert 'name="focal"' not in viewer_page
    assert "focal-point.js" not in viewer_page
