"""Bulk actions from a gallery's bulk bar (gallery.views.bulk): the selection resolved on the
server inside the member's workspace, capped, and acted on by role."""

from __future__ import annotations

import csv
import html
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from avatarapp.workspaces.models import Membership
from gallery import selection
from gallery.download_names import download_name
from gallery.models import Favourite, ImageTag, Tag
from generation.models import Image
from tests.conftest import ROLES, World
from tests.gallery.conftest import Team
from tests.gallery.factories import make_image
from tests.gallery.test_zipstream import noise_png, stored, unzip
from tests.personas.conftest import TeamClient

pytestmark = pytest.mark.django_db
BULK = "/gallery/bulk/"
BACK = "/gallery/?status=done"


def post(client: Client, world: World, action: str, **data: Any):
    return client.post(BULK, {"workspace": world.team.pk, "action": action, "next": BACK, **data})


def message(client: Client, response) -> str:
    """The page the action returned to, as a person reads it."""
    assert response.status_code == 302, response.status_code
    return html.unescape(client.get(response["Location"]).content.decode())


def tagged(image: Image) -> list[str]:
    return sorted(ImageTag.objects.filter(image=image).values_list("tag__name", flat=True))


def test_favourite_and_unfavourite_the_ticked_portraits(
    world: World, team: Team, team_client: TeamClient
) -> None:
    client = team_client("viewer")
    response = post(client, world, "favourite", image=[team.mia_done.pk, team.leo_done.pk])
    assert response["Location"] == BACK
    assert "Added 2 portraits to your favourites." in message(client, response)
    liked = Favourite.objects.filter(user=world.viewer).values_list("image_id", flat=True)
    assert set(liked) == {team.mia_done.pk, team.leo_done.pk}

    # gallery.js posts the ids as one comma-separated field.
    response = post(client, world, "unfavourite", images=f"{team.mia_done.pk},{team.leo_done.pk}")
    assert "Took 2 portraits out of your favourites." in message(client, response)
    assert not Favourite.objects.exists()


def test_select_all_matching_posts_the_filter_not_ids(
    world: World, team: Team, team_client: TeamClient
) -> None:
    client = team_client("editor")
    response = post(
        client, world, "tag", tag="Hero shots", all="1", query=f"persona={team.mia.pk}&status=done"
    )
    assert "Tagged 2 portraits “Hero shots”." in message(client, response)
    assert tagged(team.mia_done) == tagged(team.mia_newest) == ["Hero shots"]
    assert tagged(team.mia_failed) == tagged(team.leo_done) == []


def test_add_and_remove_a_tag_whatever_its_case(
    world: World, team: Team, team_client: TeamClient
) -> None:
    client = team_client("editor")
    post(client, world, "tag", tag="Launch", image=[team.mia_done.pk, team.leo_done.pk])
    response = post(client, world, "untag", tag=" launch ", image=[team.mia_done.pk])
    assert "Took the tag “Launch” off 1 portrait." in message(client, response)
    assert tagged(team.mia_done) == []
    assert tagged(team.leo_done) == ["Launch"]


@pytest.mark.parametrize(
    ("action", "tag", "sentence"),
    [
        ("tag", "", "Type a tag name."),
        ("tag", "x" * 500, "A tag can be at most 40 characters long."),
        ("untag", "", "Type the tag to remove."),
        ("untag", "Nope", "There is no tag “Nope” in this workspace."),
    ],
)
def test_bad_tag_names_are_refused_with_a_sentence(
    world: World, team: Team, team_client: TeamClient, action: str, tag: str, sentence: str
) -> None:
    client = team_client("editor")
    response = post(client, world, action, tag=tag, image=[team.mia_done.pk])
    assert sentence in message(client, response)
    assert not Tag.objects.exists()
    assert not ImageTag.objects.exists()


def test_another_workspaces_or_deleted_images_are_left_alone(
    world: World, team: Team, team_client: TeamClient, their_image: Image
) -> None:
    theirs = their_image
    gone = make_image(team.job, team.mia, deleted_at=timezone.now())
    client = team_client("editor")
    chosen = [theirs.pk, gone.pk, team.mia_done.pk, "not-an-id"]

    response = post(client, world, "tag", tag="Launch", image=chosen)
    assert "Tagged 1 portrait “Launch”." in message(client, response)
    post(client, world, "favourite", image=chosen)

    assert tagged(theirs) == tagged(gone) == []
    assert list(Favourite.objects.values_list("image_id", flat=True)) == [team.mia_done.pk]

    # Only ids of another workspace: nothing is selected, nothing changes.
    response = post(client, world, "favourite", image=[theirs.pk])
    assert "Select at least one portrait first." in message(client, response)
    assert Favourite.objects.count() == 1


def test_select_all_in_another_workspaces_filter_stays_in_the_members(
    world: World, team: Team, team_client: TeamClient, their_image: Image
) -> None:
    client = team_client("editor")
    # Their persona in the filter is dropped (as if absent): the filter is "everything" here,
    # and "everything" is the team's four portraits, never theirs.
    post(client, world, "favourite", all="1", query=f"persona={their_image.persona_id}")
    liked = set(Favourite.objects.values_list("image_id", flat=True))
    assert their_image.pk not in liked
    assert len(liked) == 4


def test_the_workspace_is_the_members_own(
    world: World, team: Team, team_client: TeamClient, outsider: Membership
) -> None:
    response = team_client("viewer").post(
        BULK, {"workspace": outsider.workspace_id, "action": "favourite", "all": "1"}
    )
    assert response.status_code == 404
    response = team_client("viewer").post(BULK, {"workspace": "nope", "action": "favourite"})
    assert response.status_code == 404
    assert not Favourite.objects.exists()


def test_a_selection_over_the_limit_is_refused_with_the_limit(
    world: World, team: Team, team_client: TeamClient, monkeypatch
) -> None:
    monkeypatch.setattr(selection, "SELECTION_LIMIT", 3)
    client = team_client("viewer")
    sentence = "Select at most 3 portraits at a time; narrow the filter."
    response = post(client, world, "favourite", all="1", query="")  # four match
    assert sentence in message(client, response)
    ticked = [i.pk for i in (team.mia_done, team.mia_newest, team.leo_done, team.mia_failed)]
    response = post(client, world, "zip", image=ticked)
    assert sentence in message(client, response)
    assert not Favourite.objects.exists()
    # At the limit, it goes through.
    response = post(client, world, "favourite", all="1", query="status=done")
    assert "Added 3 portraits to your favourites." in message(client, response)


def test_the_limit_reads_in_plain_words() -> None:
    with pytest.raises(selection.SelectionError) as refused:
        raise selection._too_many()
    assert str(refused.value) == "Select at most 5,000 portraits at a time; narrow the filter."


def test_an_unknown_action_or_an_empty_selection_says_what_to_do(
    world: World, team: Team, team_client: TeamClient
) -> None:
    client = team_client("editor")
    assert "Pick what to do with the selected portraits." in message(
        client, post(client, world, "explode", image=[team.mia_done.pk])
    )
    assert "Select at least one portrait first." in message(
        client, post(client, world, "favourite")
    )


def test_a_return_address_off_the_site_is_not_followed(
    world: World, team: Team, team_client: TeamClient
) -> None:
    response = team_client("viewer").post(
        BULK,
        {
            "workspace": world.team.pk,
            "action": "favourite",
            "image": team.mia_done.pk,
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == reverse("gallery:gallery")


def test_without_javascript_a_delete_is_confirmed_on_a_page(
    world: World, team: Team, team_client: TeamClient
) -> None:
    response = post(
        team_client("editor"), world, "delete", image=[team.mia_done.pk, team.leo_done.pk]
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Delete 2 portraits?" in page
    assert 'name="confirmed" value="1"' in page
    for image in (team.mia_done, team.leo_done):
        assert str(image.pk) in page
    assert not Image.objects.exclude(deleted_at=None).exists()  # nothing deleted yet


# --- Delete and ZIP through the bulk bar --------------------------------------------------


def test_a_confirmed_delete_deletes_exactly_the_ticked_portraits(
    world: World, team: Team, team_client: TeamClient, django_capture_on_commit_callbacks
) -> None:
    client = team_client("editor")
    ticked = [team.mia_done.pk, team.leo_done.pk]
    with django_capture_on_commit_callbacks() as removals:
        response = post(client, world, "delete", images=",".join(map(str, ticked)), confirmed="1")
    assert "Deleted 2 portraits." in message(client, response)
    deleted = Image.objects.exclude(deleted_at=None)
    assert set(deleted.values_list("pk", flat=True)) == set(ticked)
    assert set(deleted.values_list("deleted_by", flat=True)) == {world.editor.pk}
    assert len(removals) == 1  # the files' removal, enqueued once the delete committed
    gallery = client.get("/gallery/").content.decode()
    assert str(team.mia_newest.pk) in gallery
    assert not any(str(pk) in gallery for pk in ticked)


def test_a_delete_touching_an_image_being_made_changes_nothing_and_says_why(
    world: World, team: Team, team_client: TeamClient
) -> None:
    Image.objects.filter(pk=team.mia_newest.pk).update(status=Image.Status.RUNNING)
    client = team_client("editor")
    ticked = [team.mia_done.pk, team.mia_newest.pk]
    response = post(client, world, "delete", image=ticked, confirmed="1")
    assert "being made right now, so nothing was deleted" in message(client, response)
    assert not Image.objects.exclude(deleted_at=None).exists()


def test_a_zip_holds_the_ticked_portraits_and_their_manifest(
    world: World, team: Team, team_client: TeamClient
) -> None:
    pictures = [stored(team.job, team.mia, noise_png(32)) for _ in range(3)]
    not_ticked = stored(team.job, team.leo, noise_png(32))
    response = post(team_client("viewer"), world, "zip", image=[p.pk for p in pictures])
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(
        'attachment; filename="acme-marketing-portraits-'
    )
    archive = unzip(response)
    files = sorted(download_name(picture) for picture in pictures)
    assert sorted(archive.namelist()) == sorted([*files, "manifest.csv"])
    manifest = csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig")))
    assert sorted(row["file"] for row in manifest) == files
    assert download_name(not_ticked) not in files
    for name in files:
        assert archive.read(name).startswith(b"\x89PNG")


# --- Who may do what -------------------------------------------------------------------------

MEMBERS = {"owner", "admin", "editor", "viewer"}
EDITORS = {"owner", "admin", "editor"}
# action, its fields, who may, and whether it changes the image (a ZIP only reads; a delete
# without "confirmed" only shows its confirmation page)
ACTIONS = [
    ("favourite", {}, MEMBERS, True),
    ("unfavourite", {}, MEMBERS, True),
    ("tag", {"tag": "Launch"}, EDITORS, True),
    ("untag", {"tag": "Launch"}, EDITORS, True),
    ("delete", {}, EDITORS, False),
    ("delete", {"confirmed": "1"}, EDITORS, True),
    ("zip", {}, MEMBERS, False),
]
ANSWERED_IN_PLACE = {"zip", "delete"}  # 200 (the file, or the confirmation page), not a redirect


def _state(image: Image) -> tuple[list[int], list[str], bool]:
    liked = sorted(image.favourites.values_list("user_id", flat=True))
    return liked, tagged(image), Image.objects.get(pk=image.pk).deleted_at is None


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("action", "data", "allowed", "changes"),
    ACTIONS,
    ids=[f"{a[0]}{'-confirmed' if a[1].get('confirmed') else ''}" for a in ACTIONS],
)
def test_role_matrix(
    role: str,
    action: str,
    data: dict[str, str],
    allowed: set[str],
    changes: bool,
    world: World,
    team: Team,
    team_client: TeamClient,
) -> None:
    image = team.mia_done
    if action == "unfavourite" and role != "anonymous":
        Favourite.objects.create(user=world.user(role), image=image)  # something to take away
    if action == "untag":
        ImageTag.objects.create(
            image=image, tag=Tag.objects.create(workspace=world.team, name="Launch")
        )
    before = _state(image)

    response = post(team_client(role), world, action, image=[image.pk], **data)

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif role == "outsider":
        assert response.status_code == 404
    elif role in allowed:
        in_place = action in ANSWERED_IN_PLACE and not data.get("confirmed")
        assert response.status_code == (200 if in_place else 302)
    else:
        assert response.status_code == 403
        assert "needs the editor role" in response.content.decode()
    # Allowed: it happened; refused: nothing changed.
    assert (_state(image) != before) is (role in allowed and changes)
