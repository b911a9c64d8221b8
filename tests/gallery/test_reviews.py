"""Client review through a share link: a name once, a decision per shared image, the image's
state and the team's email; the team reads it on the image page, filters by it, and locks
approved portraits against deletion."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from avatarapp.workspaces.models import Membership
from gallery.models import ImageReview, Review, ReviewState
from generation.models import Image
from tests.conftest import World
from tests.gallery.conftest import Team
from tests.gallery.share_support import make_link, open_page
from tests.markup import find, text
from tests.ratelimits import Limits

pytestmark = pytest.mark.django_db

TeamClient = Callable[[str], Client]
CHANGES = {"decision": "changes", "comment": "Softer light, please."}


def _reviewer(token: str, name: str = "Rosa from Brandco") -> Client:
    client = Client()
    assert (
        client.post(reverse("gallery:shared_name", args=[token]), {"name": name}).status_code == 302
    )
    return client


def _review(client: Client, token: str, position: int, **posted: str):
    return client.post(reverse("gallery:shared_review", args=[token, position]), posted)


def _state(image: Image) -> str:
    return ImageReview.objects.get(image=image).state


def test_a_reviewer_approves_one_and_asks_for_changes_on_another(
    team: Team, editor: Membership
) -> None:
    link, token = make_link(editor, [team.mia_done, team.leo_done], allow_review=True)
    assert _state(team.mia_done) == _state(team.leo_done) == ReviewState.IN_REVIEW
    assert "Your name" in open_page(Client(), token)
    client = _reviewer(token)

    approved = _review(client, token, 1, decision="approved", comment="")
    changes = _review(client, token, 2, **CHANGES)

    assert approved.status_code == changes.status_code == 302
    assert _state(team.mia_done) == ReviewState.APPROVED
    assert _state(team.leo_done) == ReviewState.CHANGES_REQUESTED
    made = list(
        Review.objects.order_by("created_at").values_list("reviewer_name", "decision", "comment")
    )
    assert made == [
        ("Rosa from Brandco", "approved", ""),
        ("Rosa from Brandco", "changes", "Softer light, please."),
    ]
    assert "your review of portrait 2 is with the team" in open_page(client, token)
    # One email per review, to the admins, the owner and the link's maker.
    assert len(mail.outbox) == 2
    assert set(mail.outbox[1].to) == {"alice@example.com", "dana@example.com", "bob@example.com"}
    assert "Softer light, please." in mail.outbox[1].body
    assert reverse("gallery:image", args=[team.leo_done.pk]) in mail.outbox[1].body
    assert link.reviews.count() == 2


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"decision": "changes", "comment": "   "}, "Say what should change"),
        ({"decision": "maybe", "comment": ""}, "Choose Approve or Request changes."),
        ({"decision": "approved", "comment": "x" * 2001}, "Keep the comment to 2,000 characters"),
    ],
)
def test_a_bad_review_is_refused_in_words_and_changes_nothing(
    team: Team, editor: Membership, posted: dict, message: str
) -> None:
    _, token = make_link(editor, [team.mia_done], allow_review=True)
    client = _reviewer(token)

    response = _review(client, token, 1, **posted)

    assert response.status_code == 400
    assert message in text(find(response.content.decode(), "p", role="alert"))
    assert not Review.objects.exists()
    assert _state(team.mia_done) == ReviewState.IN_REVIEW
    assert not mail.outbox


def test_a_name_comes_first(team: Team, editor: Membership) -> None:
    _, token = make_link(editor, [team.mia_done], allow_review=True)
    client = Client()
    refused = _review(client, token, 1, decision="approved")
    assert refused.status_code == 400
    assert "Give your name first" in refused.content.decode()
    blank = client.post(reverse("gallery:shared_name", args=[token]), {"name": "  "})
    assert blank.status_code == 400
    assert "Type your name" in blank.content.decode()
    long = client.post(reverse("gallery:shared_name", args=[token]), {"name": "R" * 81})
    assert "Keep your name to 80 characters." in long.content.decode()
    assert not Review.objects.exists()


def test_a_review_outside_the_link_is_not_found(team: Team, editor: Membership) -> None:
    _, token = make_link(editor, [team.mia_done], allow_review=True)
    _, closed = make_link(editor, [team.leo_done])  # review not allowed
    client = _reviewer(token)
    assert _review(client, token, 2, decision="approved").status_code == 404
    assert _review(client, closed, 1, decision="approved").status_code == 404
    assert (
        Client().post(reverse("gallery:shared_name", args=[closed]), {"name": "Rosa"}).status_code
        == 404
    )
    assert not Review.objects.exists()
    assert not ImageReview.objects.filter(image=team.leo_done).exists()


def test_the_team_reads_reviews_on_the_image_page(
    team: Team, editor: Membership, team_client: TeamClient
) -> None:
    _, token = make_link(editor, [team.leo_done], allow_review=True)
    _review(_reviewer(token), token, 1, **CHANGES)
    page = team_client("viewer").get(reverse("gallery:image", args=[team.leo_done.pk]))
    section = text(find(page.content.decode(), "section", aria_labelledby="review-heading"))
    assert "Changes requested" in section
    assert "Rosa from Brandco" in section
    assert "Softer light, please." in section


def test_the_gallery_filters_by_review_state(
    team: Team, editor: Membership, team_client: TeamClient
) -> None:
    _, token = make_link(editor, [team.mia_done, team.leo_done], allow_review=True)
    _review(_reviewer(token), token, 1, decision="approved")
    client = team_client("editor")

    def shown(query: str) -> set:
        html = client.get(reverse("gallery:gallery") + query).content.decode()
        return {
            image.pk
            for image in (team.mia_done, team.leo_done, team.mia_newest)
            if str(image.pk) in html
        }

    assert shown("?review=approved") == {team.mia_done.pk}
    assert shown("?review=in_review") == {team.leo_done.pk}
    assert shown("?review=not_submitted") == {team.mia_newest.pk}
    bad = client.get(reverse("gallery:gallery") + "?review=great").content.decode()
    assert "“great” is not a review state; showing every state." in bad
    panel = client.get(reverse("gallery:filters")).content.decode()
    assert 'name="review" value="approved"' in panel


def test_an_approved_portrait_can_be_locked_against_deletion(
    world: World, team: Team, editor: Membership, team_client: TeamClient
) -> None:
    _, token = make_link(editor, [team.mia_done, team.leo_done], allow_review=True)
    client = _reviewer(token)
    _review(client, token, 1, decision="approved")
    _review(client, token, 2, **CHANGES)
    team_client_ = team_client("editor")
    lock = reverse("gallery:image_lock", args=[team.mia_done.pk])

    assert team_client("viewer").post(lock, {"locked": "1"}).status_code == 403
    refused = team_client_.post(
        reverse("gallery:image_lock", args=[team.leo_done.pk]), {"locked": "1"}, follow=True
    )
    assert "Only an approved portrait can be locked." in refused.content.decode()
    assert team_client_.post(lock, {"locked": "1"}).status_code == 302
    assert ImageReview.objects.get(image=team.mia_done).locked

    single = team_client_.post(
        reverse("gallery:image_delete", args=[team.mia_done.pk]), follow=True
    )
    assert "This portrait is approved and locked, so it was not deleted." in single.content.decode()
    picked = {"workspace": str(world.team.pk), "images": f"{team.mia_done.pk},{team.leo_done.pk}"}
    bulk = team_client_.post(
        reverse("gallery:bulk"), {**picked, "action": "delete", "confirmed": "1"}, follow=True
    )
    assert (
        "One of these portraits is approved and locked, so nothing was deleted."
        in bulk.content.decode()
    )
    assert not Image.objects.exclude(deleted_at=None).exists()

    team_client_.post(lock, {"locked": "0"})
    team_client_.post(reverse("gallery:image_delete", args=[team.mia_done.pk]))
    team.mia_done.refresh_from_db()
    assert team.mia_done.deleted_at is not None


def test_another_workspace_cannot_lock_or_read_our_reviews(
    team: Team, editor: Membership, team_client: TeamClient
) -> None:
    _, token = make_link(editor, [team.mia_done], allow_review=True)
    _review(_reviewer(token), token, 1, decision="approved", comment="Lovely.")
    outsider = team_client("outsider")
    lock = reverse("gallery:image_lock", args=[team.mia_done.pk])
    assert outsider.post(lock, {"locked": "1"}).status_code == 404
    assert outsider.get(reverse("gallery:image", args=[team.mia_done.pk])).status_code == 404
    assert not ImageReview.objects.get(image=team.mia_done).locked


def test_a_portrait_deleted_after_sharing_leaves_the_page_and_takes_no_review(
    team: Team, editor: Membership
) -> None:
    _, token = make_link(editor, [team.mia_done, team.leo_done], allow_review=True)
    client = _reviewer(token)
    Image.objects.filter(pk=team.leo_done.pk).update(deleted_at=team.leo_done.created_at)
    assert "Portrait 2" not in open_page(client, token)
    assert _review(client, token, 2, decision="approved").status_code == 404
    assert not Review.objects.exists()


def test_reviews_are_rate_limited_so_a_link_cannot_flood_the_teams_inboxes(
    team: Team, editor: Membership, limits: Limits
) -> None:
    limits("share_review", user="2/minute", workspace="50/minute")
    _, token = make_link(editor, [team.mia_done, team.leo_done], allow_review=True)
    client = _reviewer(token)
    for _ in range(2):
        assert _review(client, token, 1, decision="approved").status_code == 302

    refused = _review(client, token, 2, decision="changes", comment="Warmer light, please.")

    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"
    assert "faster than this link allows. Try again in 40 seconds." in refused.content.decode()
    assert "Warmer light, please." in refused.content.decode()  # kept for the next try
    assert Review.objects.count() == 2
    assert len(mail.outbox) == 2
    assert _state(team.leo_done) == ReviewState.IN_REVIEW
    # Another address on the same link is not held back by this one's tries.
    elsewhere = _reviewer(token, "Sam from Brandco")
    elsewhere.defaults["REMOTE_ADDR"] = "10.0.0.9"
    assert _review(elsewhere, token, 2, decision="approved").status_code == 302
