"""The image page as a lightbox: previous/next within the gallery's filter,
everything about the image, favourites, and who sees what; a deleted image is gone for everyone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from avatarapp.workspaces.models import Membership, Workspace
from gallery.models import Favourite, ImageTag, Tag
from generation.models import Image
from tests.conftest import ROLES, World
from tests.gallery.factories import make_image, make_job
from tests.gallery.lightbox_support import action_url, finished_image, image_url
from tests.generation.conftest import make_persona
from tests.markup import attribute, find, find_all, text

pytestmark = pytest.mark.django_db

MEMBERS = {"owner", "admin", "editor", "viewer"}
EDITORS = {"owner", "admin", "editor"}
GALLERY = reverse("gallery:gallery")


def _refused(response: Any, role: str) -> bool:
    """True (and checked) when `role` may not reach the image at all."""
    if role == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
        return True
    if role == "outsider":  # another workspace's image: as if it did not exist
        assert response.status_code == 404
        return True
    return False


def _step(html: str, rel: str) -> str:
    links = find_all(html, "a", rel=rel)
    return attribute(links[0], "href") if links else ""


@pytest.fixture
def editor(world: World) -> Membership:
    return world.membership("editor")


# --- Previous / next within the filter ----------------------------------------------------------


def test_previous_and_next_walk_the_filtered_selection(world: World, editor: Membership, client_as):
    mia, leo = make_persona(editor, name="Mia Chen"), make_persona(editor, name="Leo Park")
    job, start = make_job(editor), timezone.now() - timedelta(days=1)
    mias = [make_image(job, mia, created_at=start + timedelta(minutes=m)) for m in (1, 3, 3, 5)]
    leos = [make_image(job, leo, created_at=start + timedelta(minutes=m)) for m in (2, 4)]
    walk = sorted(mias, key=lambda i: (i.created_at, i.pk), reverse=True)  # the gallery's order
    query = f"persona={mia.pk}"
    client = client_as("viewer")

    for index, image in enumerate(walk):
        html = client.get(image_url(image, query)).content.decode()
        newer = image_url(walk[index - 1], query) if index > 0 else ""
        older = image_url(walk[index + 1], query) if index + 1 < len(walk) else ""
        assert (_step(html, "prev"), _step(html, "next")) == (newer, older), index
        back = find_all(html, "a", href=f"{GALLERY}?{query}")
        assert "Back to gallery" in [text(link) for link in back]
    first = client.get(image_url(walk[0], query)).content.decode()
    assert "Newest in this selection" in first
    assert "Oldest in this selection" in client.get(image_url(walk[-1], query)).content.decode()

    # Without a filter every image is in the walk; an image outside the filter (a link opened
    # after the filter changed) still finds its place in the filtered order.
    assert _step(client.get(image_url(walk[-1])).content.decode(), "prev") == image_url(leos[0])
    outside = client.get(image_url(leos[1], query)).content.decode()
    assert _step(outside, "prev") == image_url(walk[0], query)
    assert _step(outside, "next") == image_url(walk[1], query)


def test_a_bad_or_foreign_filter_never_breaks_the_page(world: World, editor: Membership, client_as):
    persona = make_persona(editor)
    job = make_job(editor)
    older, image = make_image(job, persona), make_image(job, persona)
    other_team = Workspace.objects.get(name="Other agency")
    foreign_tag = Tag.objects.create(workspace=other_team, name="theirs")
    query = f"persona=not-a-uuid&from=2026-13-45&tag={foreign_tag.pk}&status=exploded"
    response = client_as("viewer").get(image_url(image, query))
    assert response.status_code == 200
    # Nothing of the bad filter travels on: the walk is the whole workspace.
    assert _step(response.content.decode(), "next") == image_url(older)


# --- What the page shows, to whom --------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_page_shows_everything_about_the_image(role: str, world: World, editor, client_as):
    image = finished_image(editor)
    response = client_as(role).get(image_url(image))
    if _refused(response, role):
        return
    assert response.status_code == 200
    html = response.content.decode()
    meta = text(find_all(html, "dl", **{"class": "meta"})[0])
    assert "Model Built-in renderer" in meta
    assert "Size 1024 \N{MULTIPLICATION SIGN} 1024 PNG" in meta
    assert "Quality Low" in meta
    assert "Cost free" in meta
    details = text(find(html, "details", **{"class": "details"}))
    for fact in [
        f"Seed {image.seed}",
        f"Latency {image.latency_ms} ms",
        "estimate $0, actual $0",
        image.price_rule,
        "mia-chen-corporate-builtin-",  # the download's file name
    ]:
        assert fact in details
    assert image.prompt[:60] in text(find(html, "pre", **{"class": "prompt"}))
    download = find(html, "a", href=reverse("gallery:image_download", args=[image.pk]))
    assert text(download) == "Download"
    assert find_all(html, "img", src=reverse("generation:image_file", args=[image.pk, "original"]))
    # Reuse and Delete are for those who may generate and delete.
    assert ("Reuse these settings" in html) is (role in EDITORS)
    assert ("Delete image" in html) is (role in EDITORS)
    assert ('id="tag-name"' in html) is (role in EDITORS)
    assert find(html, "button", aria_pressed="false")  # Favourite: every member


FAILED_SAYS = "The provider refused the prompt."
UNKNOWN_SAYS = "We could not tell whether the provider made it."


@pytest.mark.parametrize(
    ("status", "message", "alert", "sentence"),
    [
        ("failed", FAILED_SAYS, "alert alert-error", f"Failed: {FAILED_SAYS}"),
        (
            "needs_reconciliation",
            UNKNOWN_SAYS,
            "alert alert-error",
            f"Needs checking: {UNKNOWN_SAYS}",
        ),
        # Cancelled is neutral (not an error), said once ("Cancelled: Cancelled." before).
        ("cancelled", "Cancelled.", "alert", "Cancelled before it was made."),
    ],
)
def test_unfinished_images_say_why_and_offer_no_download(
    status: str, message: str, alert: str, sentence: str, editor: Membership, client_as
):
    image = make_image(make_job(editor), make_persona(editor), status=status, error_message=message)
    client = client_as("editor")
    html = client.get(image_url(image)).content.decode()
    assert text(find(html, "p", **{"class": alert})) == sentence
    assert "Download" not in html
    assert client.get(reverse("gallery:image_download", args=[image.pk])).status_code == 404


def test_a_deleted_image_is_gone_for_everyone(world: World, editor: Membership, client_as):
    image = finished_image(editor)
    Image.objects.filter(pk=image.pk).update(deleted_at=timezone.now(), deleted_by=world.editor)
    for role in ("owner", "admin", "editor", "viewer"):
        client = client_as(role)
        assert client.get(image_url(image)).status_code == 404, role
        assert client.get(action_url("image_download", image)).status_code == 404, role
        assert client.post(action_url("image_favourite", image), {"on": "1"}).status_code == 404
        assert client.post(action_url("image_tag_add", image), {"name": "x"}).status_code == 404
    assert not Favourite.objects.exists()
    assert not Tag.objects.exists()


# --- Favourites ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_member_may_favourite(role: str, world: World, editor: Membership, client_as):
    image = make_image(make_job(editor), make_persona(editor))
    query = "status=done"
    response = client_as(role).post(action_url("image_favourite", image, query=query), {"on": "1"})
    if _refused(response, role):
        assert not Favourite.objects.exists()
        return
    # Without JavaScript the form posts and comes back to the image, in the same selection.
    assert response.status_code == 302
    assert response["Location"] == image_url(image, query)
    assert list(Favourite.objects.values_list("user", "image")) == [(world.user(role).pk, image.pk)]


def test_favourites_are_each_persons_own_and_toggle_in_place(
    world: World, editor: Membership, client_as
):
    image = make_image(make_job(editor), make_persona(editor))
    mine, theirs = client_as("editor"), client_as("viewer")
    url = action_url("image_favourite", image)

    fragment = mine.post(url, {"on": "1"}, HTTP_HX_REQUEST="true").content.decode()
    assert find(fragment, "button", aria_pressed="true")
    assert find(fragment, "input", name="on", value="0")  # the next press takes it back
    assert find(mine.get(image_url(image)).content.decode(), "button", aria_pressed="true")
    assert find(theirs.get(image_url(image)).content.decode(), "button", aria_pressed="false")

    fragment = mine.post(url, {"on": "0"}, HTTP_HX_REQUEST="true").content.decode()
    assert find(fragment, "button", aria_pressed="false")
    assert not Favourite.objects.exists()


# --- Delete (gallery.deletion does the work; here only who is offered the button) ---------------


@pytest.mark.parametrize("role", ["viewer", "outsider", "anonymous"])
def test_delete_is_refused_below_editor(role: str, editor: Membership, client_as):
    image = make_image(make_job(editor), make_persona(editor))
    response = client_as(role).post(action_url("image_delete", image))
    if not _refused(response, role):
        assert response.status_code == 403
    image.refresh_from_db()
    assert image.deleted_at is None


# --- Queries ------------------------------------------------------------------------------------


def _grow(editor: Membership, image: Image, total: int) -> None:
    """`total` images of the persona in the workspace, and `total` tags, all on `image`."""
    job = make_job(editor)
    persona = image.persona
    assert persona is not None
    for i in range(Image.objects.count(), total):
        make_image(job, persona, created_at=timezone.now() - timedelta(minutes=5 * i))
    for i in range(Tag.objects.count(), total):
        tag = Tag.objects.create(workspace_id=editor.workspace_id, name=f"tag {i:02}")
        ImageTag.objects.create(image=image, tag=tag)


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_the_page_costs_the_same_queries_at_1_and_25(role: str, editor: Membership, client_as):
    persona = make_persona(editor)
    image = make_image(make_job(editor), persona, created_at=timezone.now() - timedelta(hours=1))
    client = client_as(role)
    _grow(editor, image, 1)
    tag = Tag.objects.get()
    urls = [
        image_url(image),
        image_url(image, f"persona={persona.pk}&status=done&q=portrait"),  # image in the middle
        image_url(image, f"tag={tag.pk}&fav=1&by={editor.user_id}"),
    ]
    client.get(urls[0])  # the first request of a session writes it
    with_one = [_queries(client, url) for url in urls]
    _grow(editor, image, 25)
    assert [_queries(client, url) for url in urls] == with_one
    html = client.get(urls[1]).content.decode()
    assert _step(html, "prev")
    assert _step(html, "next")
    assert len(find_all(html, "a", href=f"{GALLERY}?tag={tag.pk}")) == 1
    assert html.count(f"{GALLERY}?tag=") == 25
