"""Share links, the team's side: who can make one, for what, with which options; the token shown
once and stored only as its hash; the list of links and revoking, inside the workspace only."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from avatarapp.workspaces.models import Membership
from gallery.models import (
    BakeOff,
    ImageReview,
    ReviewState,
    ShareKind,
    ShareLink,
)
from generation.models import Image
from tests.conftest import World
from tests.gallery.conftest import Team
from tests.gallery.lightbox_support import finished_image
from tests.gallery.share_support import make_link, open_page, shared_url, token_shown
from tests.generation.conftest import make_persona
from tests.markup import find, text

pytestmark = pytest.mark.django_db

NEW = reverse("gallery:share_new")
LIST = reverse("gallery:share_links")
TeamClient = Callable[[str], Client]
OPTIONS = {"days": "14", "ai_label": "1"}


def test_a_persona_link_shares_its_finished_portraits_and_shows_the_token_once(
    team_client: TeamClient, team: Team
) -> None:
    client = team_client("editor")
    form = client.get(NEW, {"persona": str(team.mia.pk)})
    assert form.status_code == 200
    assert "A link to 2 portraits of Mia Chen ." in text(find(form.content.decode(), "section"))

    made = client.post(NEW, {"persona": str(team.mia.pk), **OPTIONS})

    assert made.status_code == 200
    token = token_shown(made.content.decode())
    link = ShareLink.objects.get()
    assert link.kind == ShareKind.PERSONA
    assert link.persona == team.mia
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert len(token) >= 43  # 32 random bytes, base64: 256 bits
    # Mia's two finished portraits, newest first; her failed one and Leo's are not shared.
    shared = list(link.shared.values_list("position", "image_id"))
    assert shared == [(1, team.mia_newest.pk), (2, team.mia_done.pk)]
    assert not link.allow_review
    assert link.ai_label
    assert not link.watermark
    # The page that follows never shows the token again.
    assert token not in client.get(LIST).content.decode()


def test_the_token_is_nowhere_in_the_database(team_client: TeamClient, team: Team) -> None:
    made = team_client("editor").post(NEW, {"persona": str(team.mia.pk), **OPTIONS})
    token = token_shown(made.content.decode())
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM gallery_sharelink")
        rows = cursor.fetchall()
    assert rows
    assert all(token not in str(value) for row in rows for value in row)


def test_the_bulk_bar_shares_exactly_the_ticked_portraits(
    team_client: TeamClient, team: Team, editor: Membership
) -> None:
    client = team_client("editor")
    ids = f"{team.leo_done.pk},{team.mia_done.pk}"
    picked = {"workspace": str(editor.workspace_id), "images": ids}
    form = client.post(reverse("gallery:bulk"), {**picked, "action": "share"})
    assert form.status_code == 200
    assert "Leo Park, Mia Chen" in form.content.decode()

    client.post(NEW, {**picked, **OPTIONS, "allow_review": "1"})

    link = ShareLink.objects.get()
    assert link.kind == ShareKind.SELECTION
    assert link.allow_review
    assert set(link.shared.values_list("image_id", flat=True)) == {
        team.leo_done.pk,
        team.mia_done.pk,
    }
    # Shared for review: both are in review now; an image not shared has no review state.
    states = dict(ImageReview.objects.values_list("image_id", "state"))
    assert states == {
        team.leo_done.pk: ReviewState.IN_REVIEW,
        team.mia_done.pk: ReviewState.IN_REVIEW,
    }


def test_a_blind_pick_link_shares_its_batchs_finished_portraits(
    team_client: TeamClient, team: Team, editor: Membership
) -> None:
    BakeOff.objects.create(workspace_id=editor.workspace_id, job=team.job)
    client = team_client("editor")
    assert client.get(NEW, {"job": str(team.job.pk)}).status_code == 200

    client.post(NEW, {"job": str(team.job.pk), **OPTIONS})

    link = ShareLink.objects.get()
    assert link.kind == ShareKind.BAKEOFF
    assert link.shared.count() == 3  # the failed portrait is left out


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"days": "3"}, "Choose how long the link works: 1, 7, 14, 30 days."),
        ({"days": "many"}, "Choose how long the link works"),
        ({"password": "short"}, "A password needs 8 to 128 characters"),
        ({"password": "x" * 129}, "A password needs 8 to 128 characters"),
    ],
)
def test_bad_options_are_refused_in_words_and_make_nothing(
    team_client: TeamClient, team: Team, posted: dict, message: str
) -> None:
    response = team_client("editor").post(NEW, {"persona": str(team.mia.pk), **OPTIONS, **posted})
    assert response.status_code == 200
    assert message in text(find(response.content.decode(), "p", role="alert"))
    assert not ShareLink.objects.exists()


def test_a_persona_without_finished_portraits_cannot_be_shared(
    team_client: TeamClient, editor: Membership
) -> None:
    empty = make_persona(editor, name="Nobody Yet")
    response = team_client("editor").post(NEW, {"persona": str(empty.pk), **OPTIONS})
    assert "no finished portraits to share" in response.content.decode()
    assert not ShareLink.objects.exists()


def test_a_viewer_cannot_share(team_client: TeamClient, team: Team) -> None:
    response = team_client("viewer").post(NEW, {"persona": str(team.mia.pk), **OPTIONS})
    assert response.status_code == 403
    assert "editor role" in response.content.decode()
    assert not ShareLink.objects.exists()


def test_another_workspaces_persona_or_images_cannot_be_shared(
    team_client: TeamClient, their_image: Image, outsider: Membership, editor: Membership
) -> None:
    client = team_client("editor")
    assert client.post(NEW, {"persona": str(their_image.persona_id), **OPTIONS}).status_code == 404
    # Their image's id posted as part of our selection: it names nothing here.
    ours = {"workspace": str(editor.workspace_id), "images": str(their_image.pk), **OPTIONS}
    refused = client.post(NEW, ours, follow=True)
    assert "Select at least one portrait first." in refused.content.decode()
    # Their workspace named outright: not a member, 404.
    theirs = {"workspace": str(outsider.workspace_id), "images": str(their_image.pk), **OPTIONS}
    assert client.post(NEW, theirs).status_code == 404
    assert not ShareLink.objects.exists()


def test_editors_see_their_own_links_and_admins_see_all(world: World, team: Team) -> None:
    editors, _ = make_link(world.membership("editor"), [team.mia_done])
    admins, _ = make_link(world.membership("admin"), [team.leo_done])
    admins.title = "Leo for the client"
    admins.save()

    def listed(role: str) -> str:
        client = Client()
        client.force_login(world.user(role))
        session = client.session
        session["workspace_id"] = str(world.team.pk)
        session.save()
        return client.get(LIST).content.decode()

    assert "Chosen portraits" in listed("editor")
    assert "Leo for the client" not in listed("editor")
    assert "Chosen portraits" in listed("owner")
    assert "Leo for the client" in listed("owner")
    assert "Leo for the client" in listed("admin")
    assert editors.pk != admins.pk


def test_revoking_closes_the_link_at_once(team_client: TeamClient, editor: Membership) -> None:
    link, token = make_link(editor, [finished_image(editor)])
    anonymous = Client()
    open_page(anonymous, token)

    response = team_client("editor").post(reverse("gallery:share_revoke", args=[link.pk]))

    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert link.revoked_by == editor.user
    assert anonymous.get(shared_url(token)).status_code == 404


def test_who_may_revoke(world: World, team_client: TeamClient, team: Team) -> None:
    admins, _ = make_link(world.membership("admin"), [team.leo_done])
    url = reverse("gallery:share_revoke", args=[admins.pk])
    assert team_client("outsider").post(url).status_code == 404  # another workspace's link
    assert team_client("editor").post(url).status_code == 404  # not one of theirs
    assert team_client("viewer").post(url).status_code == 403
    admins.refresh_from_db()
    assert admins.revoked_at is None
    assert team_client("owner").post(url).status_code == 302
    admins.refresh_from_db()
    assert admins.revoked_at is not None


def test_another_workspace_cannot_list_our_links(
    client_as: Callable[[str], Client], world: World, team: Team
) -> None:
    make_link(world.membership("editor"), [team.mia_done])
    page = client_as("outsider").get(LIST).content.decode()
    assert "Chosen portraits" not in page
