"""The blind pick's pages (gallery.views.bakeoff): start from the compare view, vote blind (no
model name, cost or time before voting; names and tally after), close, make the winner the
persona's default (and Generate then ticks it), with each refusal's message, roles, CSRF and
another workspace's batch answering 404."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client

from avatarapp.workspaces.models import Membership
from gallery.bakeoffs import blind_order
from gallery.models import BakeOff, RowOutcome, Vote
from tests.conftest import ROLES, World
from tests.gallery.bakeoff_support import BUILTIN, FLUX, GPT, NAMES, Batch, make_batch
from tests.generation.test_prefill import checked
from tests.personas.conftest import TeamClient

pytestmark = pytest.mark.django_db
HIDDEN = [*NAMES, "Built-in", "GPT", "FLUX", "OpenAI", "Black Forest", "$", "Cost", "Time:"]


@pytest.fixture
def batch(editor: Membership) -> Batch:
    return make_batch(editor)


def urls(batch: Batch) -> dict[str, str]:
    base = f"/jobs/{batch.job.pk}/compare/"
    return {
        "compare": base,
        "blind": f"{base}blind/",
        "start": f"{base}blind/start/",
        "close": f"{base}blind/close/",
        "vote": f"{base}blind/rows/1/vote/",
        "default": f"{base}blind/rows/1/default/",
    }


def read(markup: str) -> str:
    """Markup as a person reads it: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def words(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return read(response.content.decode())


def main(response: Any) -> str:
    """The page's main column as read (the top bar and its menus left out)."""
    assert response.status_code == 200, response.status_code
    body = response.content.decode()
    return read(body.split("<main", 1)[1].split(">", 1)[1].split("</main>", 1)[0])


def portraits(page: Any) -> list[str]:
    """The ids of the portraits shown, in the page's order."""
    body = page if isinstance(page, str) else page.content.decode()
    return re.findall(r"/images/([0-9a-f-]+)/thumbnail", body)


def start(client: Client, batch: Batch) -> BakeOff:
    response = client.post(urls(batch)["start"])
    assert response.status_code == 302
    assert response["Location"] == urls(batch)["blind"]
    return BakeOff.objects.get(job=batch.job)


def vote(client: Client, batch: Batch, letter: str) -> str:
    response = client.post(urls(batch)["vote"], {"portrait": letter}, follow=True)
    return words(response)


def letter_for(bakeoff: BakeOff, user: Any, model_id: str) -> str:
    return "ABC"[blind_order(bakeoff.rows.get(), user.pk).index(model_id)]


def test_an_editor_starts_it_from_the_compare_view(batch: Batch, team_client: TeamClient) -> None:
    viewer_page = words(team_client("viewer").get(urls(batch)["compare"]))
    assert "Start a blind pick" not in viewer_page
    assert "An editor can start a blind pick" in viewer_page
    editor = team_client("editor")
    assert "Start a blind pick" in words(editor.get(urls(batch)["compare"]))
    blind = words(editor.post(urls(batch)["start"], follow=True))
    assert "The blind pick has started" in blind
    assert "1 row of the batch is left out: fewer than two models finished a portrait there." in (
        blind
    )
    page = words(editor.get(urls(batch)["compare"]))
    assert "Start a blind pick" not in page
    assert "Vote without model names" in page


def test_starting_twice_says_so(batch: Batch, team_client: TeamClient) -> None:
    start(team_client("editor"), batch)
    again = team_client("owner").post(urls(batch)["start"], follow=True)
    assert "A blind pick of this batch has already started." in words(again)
    assert BakeOff.objects.count() == 1


def test_names_are_hidden_until_this_person_votes(
    batch: Batch, world: World, team_client: TeamClient
) -> None:
    editor = team_client("editor")
    bakeoff = start(editor, batch)
    before = main(editor.get(urls(batch)["blind"]))
    for word in HIDDEN:
        assert word not in before, word
    assert re.findall(r"Portrait ([ABC])", before) == ["A", "B", "C"]
    body = editor.get(urls(batch)["blind"]).content.decode()
    assert "/original" not in body
    assert f'/images/{batch.job.images.all()[0].pk}/"' not in body  # no link to the image page
    assert len(portraits(body)) == 3
    assert portraits(editor.get(urls(batch)["blind"])) == portraits(body)  # a reload: same order

    letter = letter_for(bakeoff, world.editor, GPT)
    after = vote(editor, batch, letter)
    assert f"Your vote for portrait {letter} is in: it was GPT Image 2." in after
    assert f"Portrait {letter}: GPT Image 2" in after
    assert f"You picked portrait {letter} · 1 vote" in after
    assert "Voted: bob@example.com" in after

    # Someone who has not voted still sees no names, but sees who has voted.
    viewer_page = main(team_client("viewer").get(urls(batch)["blind"]))
    for word in HIDDEN:
        assert word not in viewer_page, word
    assert "Voted: bob@example.com" in viewer_page


def test_a_second_vote_is_refused(batch: Batch, world: World, team_client: TeamClient) -> None:
    viewer = team_client("viewer")  # viewers vote too
    bakeoff = start(team_client("editor"), batch)
    vote(viewer, batch, letter_for(bakeoff, world.viewer, FLUX))
    page = vote(viewer, batch, letter_for(bakeoff, world.viewer, GPT))
    assert "You have already voted on Mia Chen · Corporate; one vote each." in page
    assert list(Vote.objects.values_list("voter", "model_id")) == [(world.viewer.pk, FLUX)]


@pytest.mark.parametrize("letter", ["D", "", "AB", "gpt-image-2"])
def test_a_portrait_the_row_has_not_is_refused(
    letter: str, batch: Batch, team_client: TeamClient
) -> None:
    editor = team_client("editor")
    start(editor, batch)
    page = vote(editor, batch, letter)
    assert "That is not one of this row's portraits; pick one of those shown." in page
    assert not Vote.objects.exists()


def test_close_shows_everything_and_refuses_later_votes(
    batch: Batch, world: World, team_client: TeamClient
) -> None:
    editor, owner, viewer = (team_client(role) for role in ("editor", "owner", "viewer"))
    bakeoff = start(editor, batch)
    vote(editor, batch, letter_for(bakeoff, world.editor, BUILTIN))
    vote(owner, batch, letter_for(bakeoff, world.owner, BUILTIN))
    vote(viewer, batch, letter_for(bakeoff, world.viewer, FLUX))

    closed = words(editor.post(urls(batch)["close"], follow=True))
    assert "The vote is closed." in closed
    assert "Winner: Built-in renderer · 3 votes" in closed
    assert "2 votes: bob@example.com, alice@example.com" in closed  # in the order cast
    assert "The votes now count on the scoreboard" in closed
    bakeoff.refresh_from_db()
    assert not bakeoff.is_open
    assert bakeoff.rows.get().outcome == RowOutcome.WON

    # Everyone sees every name now, voters or not.
    admin_page = words(team_client("admin").get(urls(batch)["blind"]))
    for name in NAMES:
        assert name in admin_page
    assert "Pick portrait" not in admin_page

    late = vote(team_client("admin"), batch, "A")
    assert "This blind pick is closed: votes are no longer taken." in late
    assert Vote.objects.count() == 3


def test_a_viewer_cannot_close(batch: Batch, team_client: TeamClient) -> None:
    bakeoff = start(team_client("editor"), batch)
    viewer = team_client("viewer")
    assert "Close the vote" not in words(viewer.get(urls(batch)["blind"]))
    response = viewer.post(urls(batch)["close"])
    assert response.status_code == 403
    assert "This needs the editor role" in response.content.decode()
    bakeoff.refresh_from_db()
    assert bakeoff.is_open


def test_a_viewer_cannot_start(batch: Batch, team_client: TeamClient) -> None:
    assert team_client("viewer").post(urls(batch)["start"]).status_code == 403
    assert not BakeOff.objects.exists()


def test_the_winner_becomes_the_default_and_generate_ticks_it(
    batch: Batch, world: World, team_client: TeamClient
) -> None:
    editor = team_client("editor")
    bakeoff = start(editor, batch)
    vote(editor, batch, letter_for(bakeoff, world.editor, BUILTIN))
    editor.post(urls(batch)["close"])
    assert "Make this the persona's default" in words(editor.get(urls(batch)["blind"]))

    page = words(editor.post(urls(batch)["default"], follow=True))
    assert "Built-in renderer is now Mia Chen's default model" in page
    batch.mia.refresh_from_db()
    assert (batch.mia.default_model, batch.mia.default_aspect) == (BUILTIN, "3:4")
    generate = editor.get(f"/generate/?persona={batch.mia.pk}").content.decode()
    assert checked(generate, "models") == [BUILTIN]


def test_a_tied_row_has_no_default_to_make(
    batch: Batch, world: World, team_client: TeamClient
) -> None:
    editor, owner = team_client("editor"), team_client("owner")
    bakeoff = start(editor, batch)
    vote(editor, batch, letter_for(bakeoff, world.editor, GPT))
    vote(owner, batch, letter_for(bakeoff, world.owner, FLUX))
    editor.post(urls(batch)["close"])
    closed = words(editor.get(urls(batch)["blind"]))
    assert "Tied: FLUX.2 [pro] and GPT Image 2" in closed
    assert "Make this the persona's default" not in closed
    page = words(editor.post(urls(batch)["default"], follow=True))
    assert "This row has no winner to make the default: it was a tie." in page
    batch.mia.refresh_from_db()
    assert batch.mia.default_model == ""


def test_without_a_csrf_token_nothing_is_counted(
    batch: Batch, world: World, team_client: TeamClient
) -> None:
    start(team_client("editor"), batch)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.editor)
    assert strict.post(urls(batch)["vote"], {"portrait": "A"}).status_code == 403
    assert not Vote.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_who_may_reach_it(role: str, batch: Batch, team_client: TeamClient) -> None:
    """Another workspace's member gets 404 on every blind-pick URL, as on the rest of the app."""
    start(team_client("editor"), batch)
    client = team_client(role)
    for name, url in urls(batch).items():
        if name == "compare":
            continue
        response = client.get(url) if name == "blind" else client.post(url, {"portrait": "A"})
        if role == "anonymous":
            assert response.status_code == 302
            assert "/accounts/login/" in response["Location"]
        elif role == "outsider":
            assert response.status_code == 404, name
    if role == "outsider":
        assert not Vote.objects.exists()
        assert BakeOff.objects.get().is_open


def test_a_batch_without_a_blind_pick_has_no_voting_page(
    batch: Batch, team_client: TeamClient
) -> None:
    editor = team_client("editor")
    assert editor.get(urls(batch)["blind"]).status_code == 404
    assert editor.post(urls(batch)["vote"], {"portrait": "A"}).status_code == 404
