"""The blind pick's rules (gallery.bakeoffs), called directly: starting fixes the rows and their
candidates, one vote per member per row, no votes after closing, outcomes won / tied / no votes,
the per-voter order, and a winner becoming its persona's default through persona_default_set."""

from __future__ import annotations

import pytest

from avatarapp.workspaces.models import Membership
from gallery.bakeoffs import (
    BakeOffError,
    bakeoff_close,
    bakeoff_start,
    blind_order,
    letter_model,
    outcome,
    vote_cast,
    winner_as_default,
)
from gallery.models import BakeOff, BakeOffRow, RowOutcome, Vote
from personas.errors import PersonaError
from tests.conftest import World
from tests.gallery.bakeoff_support import BUILTIN, FLUX, GPT, MODELS, Batch, make_batch
from tests.gallery.factories import make_image, make_job
from tests.generation.conftest import make_persona

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(editor: Membership) -> Batch:
    return make_batch(editor)


@pytest.fixture
def started(batch: Batch, editor: Membership) -> BakeOff:
    return bakeoff_start(membership=editor, job=batch.job)


def only_row(bakeoff: BakeOff) -> BakeOffRow:
    return bakeoff.rows.get()


def test_start_votes_on_rows_with_two_or_more_finished_models(
    batch: Batch, editor: Membership
) -> None:
    bakeoff = bakeoff_start(membership=editor, job=batch.job)
    assert bakeoff.workspace_id == editor.workspace_id
    assert bakeoff.started_by == editor.user
    assert bakeoff.is_open
    # Editorial had one finished model (FLUX failed): nothing to choose between, left out.
    rows = list(bakeoff.rows.values_list("number", "persona_name", "style_name", "model_ids"))
    assert rows == [(1, "Mia Chen", "Corporate", MODELS)]
    assert only_row(bakeoff).persona_id == batch.mia.pk
    assert only_row(bakeoff).outcome == RowOutcome.OPEN


def test_start_twice_is_refused(started: BakeOff, batch: Batch, world: World) -> None:
    with pytest.raises(BakeOffError, match="already started"):
        bakeoff_start(membership=world.membership("owner"), job=batch.job)
    assert BakeOff.objects.count() == 1
    assert BakeOffRow.objects.count() == 1


def test_start_needs_the_editor_role(batch: Batch, world: World) -> None:
    with pytest.raises(BakeOffError, match="needs the editor role"):
        bakeoff_start(membership=world.membership("viewer"), job=batch.job)
    assert not BakeOff.objects.exists()


def test_start_with_nothing_to_compare_is_refused(editor: Membership) -> None:
    job = make_job(editor)
    mia = make_persona(editor)
    make_image(job, mia, model_id=GPT)
    make_image(job, mia, model_id=FLUX, provider="bfl", status="failed")
    with pytest.raises(BakeOffError, match="nothing to vote on yet"):
        bakeoff_start(membership=editor, job=job)
    assert not BakeOff.objects.exists()


def test_one_vote_per_member_per_row(started: BakeOff, editor: Membership) -> None:
    row = only_row(started)
    vote_cast(membership=editor, row=row, model_id=GPT)
    with pytest.raises(BakeOffError, match="already voted on Mia Chen · Corporate; one vote each"):
        vote_cast(membership=editor, row=row, model_id=FLUX)
    assert list(Vote.objects.values_list("voter", "model_id")) == [(editor.user_id, GPT)]


def test_a_viewer_votes(started: BakeOff, world: World) -> None:
    vote_cast(membership=world.membership("viewer"), row=only_row(started), model_id=FLUX)
    assert Vote.objects.get().voter == world.viewer


def test_a_model_not_among_the_rows_candidates_is_refused(
    started: BakeOff, editor: Membership
) -> None:
    for model_id in ("gemini-2.5-flash-image", "", "gpt-image-2 "):
        with pytest.raises(BakeOffError, match="not one of this row's portraits"):
            vote_cast(membership=editor, row=only_row(started), model_id=model_id)
    assert not Vote.objects.exists()


def test_votes_after_closing_are_refused(started: BakeOff, editor: Membership) -> None:
    bakeoff_close(membership=editor, bakeoff=started)
    with pytest.raises(BakeOffError, match="closed: votes are no longer taken"):
        vote_cast(membership=editor, row=only_row(started), model_id=GPT)
    assert not Vote.objects.exists()


def test_another_workspaces_member_cannot_vote(started: BakeOff, outsider: Membership) -> None:
    with pytest.raises(BakeOffError, match="not in this workspace"):
        vote_cast(membership=outsider, row=only_row(started), model_id=GPT)
    with pytest.raises(BakeOffError, match="not in this workspace"):
        bakeoff_close(membership=outsider, bakeoff=started)
    assert not Vote.objects.exists()
    started.refresh_from_db()
    assert started.is_open


@pytest.mark.parametrize(
    ("picks", "expected"),
    [
        ([GPT, FLUX, GPT], (RowOutcome.WON, GPT, [])),
        ([FLUX, GPT], (RowOutcome.TIED, "", [FLUX, GPT])),
        ([BUILTIN, GPT, GPT, BUILTIN, FLUX], (RowOutcome.TIED, "", [BUILTIN, GPT])),
        ([], (RowOutcome.NO_VOTES, "", [])),
    ],
)
def test_outcome_of_a_rows_picks(picks: list[str], expected: tuple) -> None:
    assert outcome(picks) == expected


def test_close_records_each_rows_outcome(batch: Batch, world: World) -> None:
    editor = world.membership("editor")
    # A second persona, so the bake-off has two rows: one won, one without votes.
    leo = make_persona(editor, name="Leo Park")
    for model_id in (GPT, FLUX):
        make_image(batch.job, leo, model_id=model_id)
    bakeoff = bakeoff_start(membership=editor, job=batch.job)
    mia_row = bakeoff.rows.get(persona_name="Mia Chen")
    for role, model_id in (("editor", BUILTIN), ("viewer", BUILTIN), ("owner", GPT)):
        vote_cast(membership=world.membership(role), row=mia_row, model_id=model_id)

    bakeoff_close(membership=world.membership("admin"), bakeoff=bakeoff)
    bakeoff.refresh_from_db()
    assert not bakeoff.is_open
    assert bakeoff.closed_by == world.admin
    results = list(
        bakeoff.rows.values_list("persona_name", "outcome", "winner_model_id", "tied_model_ids")
    )
    assert results == [
        ("Mia Chen", RowOutcome.WON, BUILTIN, []),
        ("Leo Park", RowOutcome.NO_VOTES, "", []),
    ]
    with pytest.raises(BakeOffError, match="already closed"):
        bakeoff_close(membership=editor, bakeoff=bakeoff)


def test_close_needs_the_editor_role(started: BakeOff, world: World) -> None:
    with pytest.raises(BakeOffError, match="needs the editor role"):
        bakeoff_close(membership=world.membership("viewer"), bakeoff=started)
    started.refresh_from_db()
    assert started.is_open


def test_each_voter_has_their_own_order_which_stays_put(started: BakeOff, world: World) -> None:
    row = only_row(started)
    orders = {user_id: blind_order(row, user_id) for user_id in range(1, 40)}
    assert all(sorted(order) == sorted(MODELS) for order in orders.values())
    assert len({tuple(order) for order in orders.values()}) > 1  # shuffled per voter
    assert blind_order(row, 7) == orders[7]  # and the same again on a reload
    assert [letter_model(row, 7, letter) for letter in "ABC"] == orders[7]
    assert letter_model(row, 7, "D") == letter_model(row, 7, "") == ""


def won_by(started: BakeOff, world: World, model_id: str) -> BakeOffRow:
    vote_cast(membership=world.membership("editor"), row=only_row(started), model_id=model_id)
    bakeoff_close(membership=world.membership("editor"), bakeoff=started)
    return only_row(started)


def test_the_winner_becomes_the_personas_default_with_the_batchs_settings(
    started: BakeOff, batch: Batch, world: World
) -> None:
    row = won_by(started, world, BUILTIN)
    winner_as_default(membership=world.membership("editor"), row=row)
    batch.mia.refresh_from_db()
    defaults = (
        batch.mia.default_model,
        batch.mia.default_aspect,
        batch.mia.default_resolution,
        batch.mia.default_quality,
    )
    assert defaults == (BUILTIN, "3:4", "1K", "high")


def test_a_viewer_cannot_set_the_default(started: BakeOff, batch: Batch, world: World) -> None:
    row = won_by(started, world, BUILTIN)
    with pytest.raises(PersonaError, match="needs the editor role"):
        winner_as_default(membership=world.membership("viewer"), row=row)
    batch.mia.refresh_from_db()
    assert batch.mia.default_model == ""


def test_the_catalogs_refusal_changes_nothing(started: BakeOff, batch: Batch, world: World) -> None:
    row = won_by(started, world, GPT)
    batch.job.parameters["aspect_ratio"] = "21:9"  # not an aspect ratio on offer
    batch.job.save()
    with pytest.raises(PersonaError, match="is not aspect ratio on offer"):
        winner_as_default(membership=world.membership("editor"), row=only_row(started))
    batch.mia.refresh_from_db()
    assert (batch.mia.default_model, batch.mia.default_aspect) == ("", "")
    assert row.outcome == RowOutcome.WON


@pytest.mark.parametrize(
    ("picks", "reason"),
    [
        ([GPT, FLUX], "it was a tie"),
        ([], "nobody voted on it"),
        (None, "the vote is still open"),
    ],
)
def test_no_winner_no_default(
    picks: list[str] | None, reason: str, started: BakeOff, batch: Batch, world: World
) -> None:
    for role, model_id in zip(("editor", "owner"), picks or [], strict=False):
        vote_cast(membership=world.membership(role), row=only_row(started), model_id=model_id)
    if picks is not None:
        bakeoff_close(membership=world.membership("editor"), bakeoff=started)
    with pytest.raises(BakeOffError, match=f"no winner to make the default: {reason}"):
        winner_as_default(membership=world.membership("editor"), row=only_row(started))
    batch.mia.refresh_from_db()
    assert batch.mia.default_model == ""
