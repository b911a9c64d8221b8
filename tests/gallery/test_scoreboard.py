"""The scoreboard's figures against a history small enough to count by hand.

The team's history (every image generated, on Corporate unless it says Fashion):

    GPT Image 2 (A)   Mia 4.0 s $0.04 · Mia 10.0 s $0.04 · Leo 6.0 s $0.07
                      Mia Fashion 30.0 s $0.19, deleted since (still history)
                      Mia failed · Mia cancelled (not ended) · Mia queued (not ended)
                      text added to one of Mia's: made from an image, not counted
    FLUX.2 [pro] (B)  Mia 20.0 s $0.05 · Mia 12.0 s $0.05 · Leo 15.0 s, not priced
                      Mia failed · Leo needs checking (counts as failed) · Mia cancelled
    FLUX.2 [max] (C)  Mia 8.0 s $0.08 · an edit of it that failed: not counted

Bake-offs:
    closed 1: Mia Corporate [A B C] won by B · Leo Corporate [A B] tied A, B
              Mia Fashion [A B] no votes (not a comparison)
    closed 2: Mia Corporate [A B] won by A
    open 3:   Mia Corporate [A B C] marked won by C, but still open: not counted
The other agency: A with a failure, and a closed bake-off A won - none of it counts here.

By hand:
    A: comparisons 3 (1/1, 1/2, 2/1), wins 1 (2/1), ties 1 -> 33%
       ended 5 (4 succeeded + 1 failed), failed 1 -> 20%
       cost (0.04 + 0.04 + 0.07 + 0.19) / 4 = 0.34 / 4 = $0.085
       times 4, 6, 10, 30 s: p50 = 2nd of 4 = 6.0 s; p95 = ceil(3.8) = 4th = 30.0 s
    B: comparisons 3, wins 1 (1/1), ties 1 -> 33%
       ended 5 (3 succeeded + 1 failed + 1 needs checking), failed 2 -> 40%
       cost (0.05 + 0.05) / 2 = $0.05 (the unpriced one is left out)
       times 12, 15, 20 s: p50 = 2nd of 3 = 15.0 s; p95 = ceil(2.85) = 3rd = 20.0 s
    C: comparisons 1, wins 0 -> 0%; ended 1, failed 0 -> 0%; $0.08; p50 = p95 = 8.0 s
Order: the best win rate first; A and B tie at 1 of 3, so by name: FLUX.2 [pro], GPT Image 2;
then FLUX.2 [max].
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from avatarapp.workspaces.access import SESSION_KEY
from avatarapp.workspaces.models import Membership
from gallery.models import BakeOff, BakeOffRow, RowOutcome
from gallery.scoreboard import ModelScore, scoreboard
from generation.latency import Measured, nearest_rank
from generation.models import Image, Job, Origin
from personas.models import Persona
from tests.gallery.factories import make_image, make_job
from tests.generation.conftest import make_persona

pytestmark = pytest.mark.django_db

A, B, C = "gpt-image-2", "flux-2-pro", "flux-2-max"
FASHION = {"style_key": "builtin:fashion", "style_name": "Fashion"}
S = Image.Status


@dataclass
class History:
    mia: Persona
    leo: Persona


def _image(job: Job, persona: Persona, model_id: str, seconds: float | None, usd: str | None,
           status: str = S.SUCCEEDED, **fields: Any) -> Image:  # fmt: skip
    return make_image(
        job,
        persona,
        model_id=model_id,
        status=status,
        latency_ms=None if seconds is None else int(seconds * 1000),
        actual_usd=None if usd is None else Decimal(usd),
        **fields,
    )


def _bakeoff(job: Job, *rows: tuple[Persona, dict[str, str], list[str], str, list[str]],
             closed: bool = True) -> BakeOff:  # fmt: skip
    """rows: (persona, style, candidates, outcome, winners: one if won, several if tied)."""
    bakeoff = BakeOff.objects.create(
        workspace_id=job.workspace_id, job=job, closed_at=timezone.now() if closed else None
    )
    for number, (persona, style, candidates, outcome, winners) in enumerate(rows, start=1):
        BakeOffRow.objects.create(
            bakeoff=bakeoff,
            number=number,
            persona=persona,
            persona_name=persona.name,
            style_key=style.get("style_key", "builtin:corporate"),
            style_name=style.get("style_name", "Corporate"),
            model_ids=candidates,
            outcome=outcome,
            winner_model_id=winners[0] if outcome == RowOutcome.WON else "",
            tied_model_ids=winners if outcome == RowOutcome.TIED else [],
        )
    return bakeoff


@pytest.fixture
def history(editor: Membership, outsider: Membership) -> History:
    mia, leo = make_persona(editor, name="Mia Chen"), make_persona(editor, name="Leo Park")
    job = make_job(editor)
    # A
    mias = _image(job, mia, A, 4, "0.04")
    _image(job, mia, A, 10, "0.04")
    _image(job, leo, A, 6, "0.07")
    _image(job, mia, A, 30, "0.19", deleted_at=timezone.now(), **FASHION)
    _image(job, mia, A, None, None, S.FAILED)
    _image(job, mia, A, 1, None, S.CANCELLED)
    _image(job, mia, A, None, None, S.QUEUED)
    _image(job, mia, A, 0.5, "0", origin=Origin.OVERLAY, parent=mias)
    # B
    _image(job, mia, B, 20, "0.05")
    _image(job, mia, B, 12, "0.05")
    _image(job, leo, B, 15, None)
    _image(job, mia, B, None, None, S.FAILED)
    _image(job, leo, B, 90, None, S.NEEDS_RECONCILIATION)
    _image(job, mia, B, None, None, S.CANCELLED)
    # C
    maxs = _image(job, mia, C, 8, "0.08")
    _image(job, mia, C, None, None, S.FAILED, origin=Origin.EDIT, parent=maxs)

    won, tied, none = RowOutcome.WON, RowOutcome.TIED, RowOutcome.NO_VOTES
    _bakeoff(
        job,
        (mia, {}, [A, B, C], won, [B]),
        (leo, {}, [A, B], tied, [A, B]),
        (mia, FASHION, [A, B], none, []),
    )
    _bakeoff(make_job(editor), (mia, {}, [A, B], won, [A]))
    _bakeoff(make_job(editor), (mia, {}, [A, B, C], won, [C]), closed=False)

    theirs = make_job(outsider)
    their_persona = make_persona(outsider, name="Their persona")
    _image(theirs, their_persona, A, 99, "9.99")
    _image(theirs, their_persona, A, None, None, S.FAILED)
    _bakeoff(theirs, (their_persona, {}, [A, B], won, [A]))
    return History(mia, leo)


def _figures(score: ModelScore) -> dict[str, Any]:
    return {
        "wins": score.wins,
        "ties": score.ties,
        "comparisons": score.comparisons,
        "win rate": score.win_rate,
        "failed": score.failed,
        "ended": score.ended,
        "failure rate": score.failure_rate,
        "cost per image": score.mean_cost_usd,
        "p50": score.p50_ms,
        "p95": score.p95_ms,
    }


def _board(editor: Membership, **filters: Any) -> dict[str, dict[str, Any]]:
    return {score.name: _figures(score) for score in scoreboard(editor.workspace_id, **filters)}


def test_every_figure_is_the_hand_computed_one(editor: Membership, history: History) -> None:
    board = _board(editor)
    assert list(board) == ["FLUX.2 [pro]", "GPT Image 2", "FLUX.2 [max]"]
    assert board["GPT Image 2"] == {
        "wins": 1,
        "ties": 1,
        "comparisons": 3,
        "win rate": "33%",
        "failed": 1,
        "ended": 5,
        "failure rate": "20%",
        "cost per image": Decimal("0.34") / 4,
        "p50": 6000,
        "p95": 30000,
    }
    assert board["FLUX.2 [pro]"] == {
        "wins": 1,
        "ties": 1,
        "comparisons": 3,
        "win rate": "33%",
        "failed": 2,
        "ended": 5,
        "failure rate": "40%",
        "cost per image": Decimal("0.05"),
        "p50": 15000,
        "p95": 20000,
    }
    assert board["FLUX.2 [max]"] == {
        "wins": 0,
        "ties": 0,
        "comparisons": 1,
        "win rate": "0%",
        "failed": 0,
        "ended": 1,
        "failure rate": "0%",
        "cost per image": Decimal("0.08"),
        "p50": 8000,
        "p95": 8000,
    }


def test_one_persona(editor: Membership, history: History) -> None:
    """Leo: A 6.0 s $0.07; B 15.0 s unpriced and one needing checking; the tied row."""
    board = _board(editor, persona_id=history.leo.pk)
    assert board == {
        "FLUX.2 [pro]": {
            "wins": 0,
            "ties": 1,
            "comparisons": 1,
            "win rate": "0%",
            "failed": 1,
            "ended": 2,
            "failure rate": "50%",
            "cost per image": None,
            "p50": 15000,
            "p95": 15000,
        },
        "GPT Image 2": {
            "wins": 0,
            "ties": 1,
            "comparisons": 1,
            "win rate": "0%",
            "failed": 0,
            "ended": 1,
            "failure rate": "0%",
            "cost per image": Decimal("0.07"),
            "p50": 6000,
            "p95": 6000,
        },
    }


def test_one_style_and_its_row_nobody_voted_on(editor: Membership, history: History) -> None:
    """Fashion: A's deleted portrait only; its row had no votes, so no comparison."""
    board = _board(editor, style_key="builtin:fashion")
    assert list(board) == ["GPT Image 2"]
    assert board["GPT Image 2"]["comparisons"] == 0
    assert board["GPT Image 2"]["win rate"] == ""
    assert (board["GPT Image 2"]["ended"], board["GPT Image 2"]["p95"]) == (1, 30000)


def test_persona_and_style_together(editor: Membership, history: History) -> None:
    assert list(_board(editor, persona_id=history.mia.pk, style_key="builtin:fashion")) == [
        "GPT Image 2"
    ]
    assert _board(editor, persona_id=history.leo.pk, style_key="builtin:fashion") == {}


def test_nearest_rank_of_twenty_is_the_nineteenth(editor: Membership) -> None:
    """p95 of 1..20 s: ceil(0.95 * 20) = 19th; p50: 10th."""
    job = make_job(editor)
    persona = make_persona(editor)
    for seconds in range(20, 0, -1):
        _image(job, persona, A, seconds, "0.01")
    images = Image.objects.filter(workspace_id=editor.workspace_id)
    assert nearest_rank(images, [50, 95]) == {A: Measured(20, {50: 10000, 95: 19000})}
    assert nearest_rank(images.filter(latency_ms__lte=1000), [50, 95]) == {
        A: Measured(1, {50: 1000, 95: 1000})  # one time: both percentiles are it
    }


# --- The page -------------------------------------------------------------------------------------


def _page(client: Client, **query: str) -> str:
    response = client.get(reverse("gallery:scoreboard"), query)
    assert response.status_code == 200
    return response.content.decode()


def _row(page: str, model: str) -> str:
    start = page.index(f'<th scope="row">{model}</th>')
    return page[start : page.index("</tr>", start)]


def test_the_page_prints_the_figures(team_client: Any, history: History) -> None:
    page = _page(team_client("viewer"))
    row = _row(page, "GPT Image 2")
    for figure in ("1 of 3", "(1 tie)", "33%", "$0.085", "6.0 s", "30.0 s", "20%", "(1 of 5)"):
        assert figure in row
    assert "not priced" not in row
    assert page.index("FLUX.2 [pro]") < page.index("GPT Image 2") < page.index("FLUX.2 [max]")


def test_the_page_filters_by_persona(team_client: Any, history: History) -> None:
    page = _page(team_client("editor"), persona=str(history.leo.pk))
    assert "How each model did: Leo Park" in page
    assert "not priced" in _row(page, "FLUX.2 [pro]")
    assert "FLUX.2 [max]" not in page.split("<table")[1]
    assert f'<option value="{history.leo.pk}" selected>Leo Park</option>' in page


def test_an_unknown_persona_is_refused_in_words_and_everything_shown(
    team_client: Any, history: History, outsider: Membership
) -> None:
    their_persona = outsider.workspace.personas.get()
    page = _page(team_client("editor"), persona=str(their_persona.pk), style="builtin:fashion")
    assert "No portrait of that persona is in this workspace&#x27;s history" in page
    assert "How each model did: Fashion" in page  # the style still applies


def test_a_choice_with_nothing_says_so(team_client: Any, history: History) -> None:
    page = _page(team_client("editor"), persona=str(history.leo.pk), style="builtin:fashion")
    assert "Nothing to show for Leo Park and Fashion" in page
    assert "<table" not in page


def test_the_other_agency_sees_only_its_own(
    history: History, client_as: Any, outsider: Membership
) -> None:
    client = client_as("outsider")
    session = client.session
    session[SESSION_KEY] = str(outsider.workspace_id)
    session.save()
    page = _page(client)
    row = _row(page, "GPT Image 2")
    assert "1 of 1" in row
    assert "$9.99" in row
    assert "50%" in row
    assert "0 of 1" in _row(page, "FLUX.2 [pro]")  # a candidate in their own bake-off
    assert "FLUX.2 [max]" not in page
    assert "Mia Chen" not in page


def test_a_workspace_without_history_says_what_to_do(team_client: Any, world: Any) -> None:
    page = _page(team_client("editor"))
    assert "No history yet" in page
    assert "<table" not in page
    assert "<select" not in page


def test_anonymous_visitors_are_sent_to_log_in(client_as: Any, world: Any) -> None:
    response = client_as("anonymous").get(reverse("gallery:scoreboard"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        _page(client, persona=str(uuid.uuid4()), style="builtin:corporate")
    return len(queries)


def test_the_query_count_does_not_grow_with_history(
    team_client: Any, history: History, editor: Membership
) -> None:
    client = team_client("editor")
    before = _queries(client)
    job = make_job(editor)
    for n in range(30):
        _image(job, make_persona(editor, name=f"Persona {n}"), [A, B, C][n % 3], n + 1, "0.01")
        _bakeoff(make_job(editor), (history.mia, {}, [A, B], RowOutcome.WON, [A]))
    assert _queries(client) == before


def test_the_costs_page_links_to_it(team_client: Any, world: Any) -> None:
    page = team_client("viewer").get(reverse("generation:costs")).content.decode()
    assert reverse("gallery:scoreboard") in page
