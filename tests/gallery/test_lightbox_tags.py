"""Tags on the image page: added and removed in place by editors and above, suggested from the
workspace's own tags as you type; bad names get a sentence, HTML is always shown as text."""

from __future__ import annotations

from typing import Any

import pytest

from avatarapp.workspaces.models import Membership, Workspace
from gallery.models import ImageTag, Tag
from generation.models import Image
from tests.conftest import ROLES, World
from tests.gallery.factories import make_image, make_job
from tests.gallery.lightbox_support import action_url, image_url
from tests.generation.conftest import make_persona
from tests.markup import attribute, find, find_all, text

pytestmark = pytest.mark.django_db

EDITORS = {"owner", "admin", "editor"}
HTML_TAG = '<img src=x onerror="alert(1)">launch'


@pytest.fixture
def image(world: World) -> Image:
    editor = world.membership("editor")
    return make_image(make_job(editor), make_persona(editor))


@pytest.fixture
def editor(world: World) -> Membership:
    return world.membership("editor")


def tag_names(image: Image) -> list[str]:
    return sorted(ImageTag.objects.filter(image=image).values_list("tag__name", flat=True))


def _outcome(response: Any, role: str) -> str:
    """ "done", or how `role` was refused."""
    if role == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
        return "login"
    if role == "outsider":
        assert response.status_code == 404
        return "not found"
    if role not in EDITORS:
        assert response.status_code == 403
        return "forbidden"
    return "done"


# --- Who may tag ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_adding_a_tag(role: str, image: Image, client_as):
    query = "status=done"
    response = client_as(role).post(
        action_url("image_tag_add", image, query=query), {"name": " Q3  launch "}
    )
    if _outcome(response, role) != "done":
        assert tag_names(image) == []
        assert not Tag.objects.exists()
        return
    assert response.status_code == 302  # without JavaScript: back to the image, same selection
    assert response["Location"] == image_url(image, query)
    assert tag_names(image) == ["Q3 launch"]


@pytest.mark.parametrize("role", ROLES)
def test_removing_a_tag(role: str, world: World, image: Image, client_as):
    tag = Tag.objects.create(workspace=world.team, name="Campaign")
    ImageTag.objects.create(image=image, tag=tag)
    response = client_as(role).post(
        action_url("image_tag_remove", image, tag.pk), HTTP_HX_REQUEST="true"
    )
    if _outcome(response, role) != "done":
        assert tag_names(image) == ["Campaign"]
        return
    assert response.status_code == 200
    assert tag_names(image) == []
    assert Tag.objects.filter(pk=tag.pk).exists()  # the workspace keeps its vocabulary
    assert "No tags yet." in text(find(response.content.decode(), "section", id="image-tags"))


@pytest.mark.parametrize("role", ROLES)
def test_suggestions_are_for_those_who_may_tag(role: str, world: World, image: Image, client_as):
    Tag.objects.create(workspace=world.team, name="Campaign")
    response = client_as(role).get(action_url("image_tag_suggest", image), {"name": "camp"})
    if _outcome(response, role) == "done":
        assert response.status_code == 200
        assert find(response.content.decode(), "button", name="pick", value="Campaign")


# --- Adding in place, with suggestions ----------------------------------------------------------


def test_a_tag_is_added_in_place_and_its_suggestion_goes(world: World, image: Image, client_as):
    Tag.objects.create(workspace=world.team, name="Campaign")
    Tag.objects.create(workspace=world.team, name="Summer")
    client = client_as("editor")
    page = client.get(image_url(image)).content.decode()
    offered = [attribute(b, "value") for b in find_all(page, "button", name="pick")]
    assert offered == ["Campaign", "Summer"]

    # Picking a suggestion posts its name as "pick": the existing tag, not a new one.
    fragment = client.post(
        action_url("image_tag_add", image), {"name": "", "pick": "Campaign"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert Tag.objects.filter(name__iexact="campaign").count() == 1
    assert tag_names(image) == ["Campaign"]
    section = find(fragment, "section", id="image-tags")
    assert [text(link) for link in find_all(str(section), "a")] == ["Campaign"]
    assert [attribute(b, "value") for b in find_all(fragment, "button", name="pick")] == ["Summer"]


def test_suggestions_follow_what_is_typed_and_stay_in_the_workspace(
    world: World, image: Image, client_as
):
    for name in ("Campaign", "Camping trip", "Summer"):
        Tag.objects.create(workspace=world.team, name=name)
    ImageTag.objects.create(image=image, tag=Tag.objects.get(name="Camping trip"))
    other_team = Workspace.objects.get(name="Other agency")
    Tag.objects.create(workspace=other_team, name="Campfire")
    response = client_as("editor").get(action_url("image_tag_suggest", image), {"name": " CAMP "})
    offered = [attribute(b, "value") for b in find_all(response.content.decode(), "button")]
    assert offered == ["Campaign"]  # not one it has, not another workspace's


# --- Bad input --------------------------------------------------------------------------------


def test_a_500_character_tag_gets_a_sentence_in_place(image: Image, client_as):
    client = client_as("editor")
    long_name = "x" * 500
    sentence = "A tag can be at most 40 characters long."

    fragment = client.post(
        action_url("image_tag_add", image), {"name": long_name}, HTTP_HX_REQUEST="true"
    )
    assert fragment.status_code == 200  # htmx swaps it in, message and all
    html = fragment.content.decode()
    assert text(find(html, "p", id="tag-error")) == sentence
    assert find(html, "input", id="tag-name", aria_invalid="true", value=long_name)

    page = client.post(action_url("image_tag_add", image), {"name": long_name})  # no JavaScript
    assert page.status_code == 200
    assert text(find(page.content.decode(), "p", id="tag-error")) == sentence
    assert not Tag.objects.exists()

    blank = client.post(action_url("image_tag_add", image), {"name": "   "}, HTTP_HX_REQUEST="true")
    assert text(find(blank.content.decode(), "p", id="tag-error")) == "Type a tag name."


def test_html_in_a_tag_name_is_shown_as_text(world: World, image: Image, client_as):
    client = client_as("editor")
    client.post(action_url("image_tag_add", image), {"name": HTML_TAG})
    assert tag_names(image) == [HTML_TAG]
    assert image.persona is not None
    other = make_image(image.job, image.persona)
    answers = [
        client.get(image_url(image)),  # the tag list
        client.get(image_url(other)),  # the suggestions
        client.get(action_url("image_tag_suggest", other), {"name": "launch"}),
        client.post(action_url("image_tag_add", image), {"name": "ok"}, HTTP_HX_REQUEST="true"),
    ]
    for response in answers:
        html = response.content.decode()
        assert "<img src=x" not in html
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;launch" in html


def test_another_workspaces_tag_cannot_be_removed(world: World, image: Image, client_as):
    mine = Tag.objects.create(workspace=world.team, name="Campaign")
    ImageTag.objects.create(image=image, tag=mine)
    outsider = Membership.objects.get(user=world.outsider, workspace__name="Other agency")
    theirs = Tag.objects.create(workspace=outsider.workspace, name="Campaign")
    their_image = make_image(make_job(outsider), make_persona(outsider))
    ImageTag.objects.create(image=their_image, tag=theirs)

    response = client_as("editor").post(action_url("image_tag_remove", image, theirs.pk))
    assert response.status_code == 404
    assert tag_names(image) == ["Campaign"]
    assert tag_names(their_image) == ["Campaign"]
    # And their image's tags are out of reach by its own URL too.
    outside = client_as("editor").post(action_url("image_tag_remove", their_image, theirs.pk))
    assert outside.status_code == 404
    assert tag_names(their_image) == ["Campaign"]
