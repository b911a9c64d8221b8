"""The blind pick: a team votes on a batch's compare view without seeing model names, one vote
per member per row, then closes the vote, and a row's winner can become its persona's default.

    start (editor)  ->  open: members vote (viewers too)  ->  close (editor)  ->  closed
                                                                  each row: won / tied / no_votes

- Starting fixes the rows and their candidates from the compare view (gallery.compare): a row's
  candidates are the models with at least one finished portrait in it. A row with fewer than two
  is left out: there is nothing to choose between, and a one-model row would count as a
  "comparison" on the scoreboard that nobody could lose.
- Votes and closing lock the BakeOff row (SELECT ... FOR UPDATE), so a vote is either counted in
  the closing tally or refused as late, never lost in between. The unique (row, voter) constraint
  is the backstop for a double vote from two tabs.
- Viewers vote: a vote is an opinion, like a favourite; it spends nothing and changes no
  persona, style or image (roles.ROLE_HELP: editors are the ones who change things). Starting
  and closing decide what the team's vote is, so they need the editor role, as does the default.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role, at_least
from gallery.compare import Row, compare_job, job_images
from gallery.models import BakeOff, BakeOffRow, RowOutcome, Vote
from generation.models import Job
from personas.models import Persona
from personas.services import persona_default_set

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
NEEDS_EDITOR = "Starting and closing a blind pick needs the editor role."


class BakeOffError(ValueError):
    """A refused blind-pick action; the message says why, in plain words."""


def candidates(row: Row) -> list[str]:
    """The models with at least one finished portrait in this row, in the page's column order."""
    return [
        cell.column.model_id for cell in row.cells if any(image.is_done for image in cell.images)
    ]


def bakeoff_start(*, membership: Membership, job: Job) -> BakeOff:
    _require_editor(membership)
    if job.workspace_id != membership.workspace_id:
        raise BakeOffError("That batch is not in this workspace.")
    if BakeOff.objects.filter(job=job).exists():
        raise BakeOffError("A blind pick of this batch has already started.")
    comparison = compare_job(job)
    voted_on = [row for row in comparison.rows if len(candidates(row)) >= 2]
    if len(comparison.columns) < 2 or not voted_on:
        raise BakeOffError(
            "There is nothing to vote on yet: no row of this batch has finished portraits "
            "from two or more models."
        )
    try:
        with transaction.atomic():
            bakeoff = BakeOff.objects.create(
                workspace_id=job.workspace_id, job=job, started_by=membership.user
            )
            BakeOffRow.objects.bulk_create(_bakeoff_row(bakeoff, row) for row in voted_on)
    except IntegrityError:  # someone started it a moment ago, from another tab
        raise BakeOffError("A blind pick of this batch has already started.") from None
    return bakeoff


def _bakeoff_row(bakeoff: BakeOff, row: Row) -> BakeOffRow:
    persona_id, persona_name, style_key = row.key
    first = next(image for cell in row.cells for image in cell.images)
    return BakeOffRow(
        bakeoff=bakeoff,
        number=row.number,
        persona_id=persona_id,
        persona_name=persona_name,
        style_key=style_key,
        style_name=first.style_name,
        model_ids=candidates(row),
    )


def blind_order(row: BakeOffRow, voter_id: int) -> list[str]:
    """The row's candidates in this voter's order: shuffled by a hash of the bake-off, the voter
    and the row, so each person sees their own order and a reload does not change it."""

    def place(model_id: str) -> str:
        seed = f"{row.bakeoff_id}:{voter_id}:{row.number}:{model_id}"
        return hashlib.sha256(seed.encode()).hexdigest()

    return sorted(row.model_ids, key=place)


def letter_model(row: BakeOffRow, voter_id: int, letter: str) -> str:
    """The model behind "Portrait <letter>" for this voter; "" for a letter the row has not."""
    order = blind_order(row, voter_id)
    index = LETTERS.find(letter) if len(letter) == 1 else -1
    return order[index] if 0 <= index < len(order) else ""


def vote_cast(*, membership: Membership, row: BakeOffRow, model_id: str) -> Vote:
    with transaction.atomic():
        bakeoff = _locked(membership, row.bakeoff_id)
        if not bakeoff.is_open:
            raise BakeOffError("This blind pick is closed: votes are no longer taken.")
        if model_id not in row.model_ids:
            raise BakeOffError("That is not one of this row's portraits; pick one of those shown.")
        if Vote.objects.filter(row=row, voter=membership.user).exists():
            raise BakeOffError(already_voted(row))
        try:
            with transaction.atomic():
                return Vote.objects.create(row=row, voter=membership.user, model_id=model_id)
        except IntegrityError:  # the same person's other tab, a moment earlier
            raise BakeOffError(already_voted(row)) from None


def already_voted(row: BakeOffRow) -> str:
    return f"You have already voted on {row.persona_name} · {row.style_name}; one vote each."


def bakeoff_close(*, membership: Membership, bakeoff: BakeOff) -> BakeOff:
    """Record each row's outcome from its votes: the one model with the most votes wins; two or
    more sharing the most tie; a row nobody voted on has no votes."""
    _require_editor(membership)
    with transaction.atomic():
        locked = _locked(membership, bakeoff.pk)
        if not locked.is_open:
            raise BakeOffError("This blind pick is already closed.")
        rows = list(locked.rows.prefetch_related("votes"))
        for row in rows:
            row.outcome, row.winner_model_id, row.tied_model_ids = outcome(
                [vote.model_id for vote in row.votes.all()]
            )
        BakeOffRow.objects.bulk_update(rows, ["outcome", "winner_model_id", "tied_model_ids"])
        locked.closed_at = timezone.now()
        locked.closed_by = membership.user
        locked.save(update_fields=["closed_at", "closed_by"])
    return locked


def outcome(picks: Sequence[str]) -> tuple[str, str, list[str]]:
    """(outcome, winner, tied models) for a row's picks."""
    tally = Counter(picks)
    if not tally:
        return RowOutcome.NO_VOTES, "", []
    most = max(tally.values())
    leaders = sorted(model_id for model_id, count in tally.items() if count == most)
    if len(leaders) == 1:
        return RowOutcome.WON, leaders[0], []
    return RowOutcome.TIED, "", leaders


def winner_as_default(*, membership: Membership, row: BakeOffRow) -> Persona:
    """Make the row's winner its persona's default model, with the batch's aspect, resolution
    and quality. persona_default_set checks the role and the catalog; its PersonaError (a
    sentence, nothing changed) passes through to the caller."""
    if row.outcome != RowOutcome.WON:
        reason = {
            RowOutcome.OPEN: "the vote is still open",
            RowOutcome.TIED: "it was a tie",
            RowOutcome.NO_VOTES: "nobody voted on it",
        }[RowOutcome(row.outcome)]
        raise BakeOffError(f"This row has no winner to make the default: {reason}.")
    persona = Persona.objects.filter(pk=row.persona_id).first() if row.persona_id else None
    if persona is None:
        raise BakeOffError(f"{row.persona_name} has been deleted, so it has no default to set.")
    aspect_ratio, resolution, quality = batch_settings(row, persona)
    return persona_default_set(
        membership=membership,
        persona=persona,
        model_id=row.winner_model_id,
        aspect_ratio=aspect_ratio,
        resolution=resolution,
        quality=quality,
    )


def batch_settings(row: BakeOffRow, persona: Persona) -> tuple[str, str, str]:
    """The batch's aspect, resolution and quality, as Generate posted them (job.parameters); for
    a batch from before they were kept, those of the winner's own portraits in the row."""
    job = row.bakeoff.job
    chosen = job.parameters or {}
    names = ("aspect_ratio", "resolution", "quality")
    if all(chosen.get(name) for name in names):
        return chosen["aspect_ratio"], chosen["resolution"], chosen["quality"]
    image = (
        job_images(job)
        .filter(model_id=row.winner_model_id, persona=persona, style_key=row.style_key)
        .first()
    )
    return (image.aspect_ratio, image.resolution, image.quality) if image else ("", "", "")


def _require_editor(membership: Membership) -> None:
    if not at_least(membership.role, Role.EDITOR):
        raise BakeOffError(NEEDS_EDITOR)


def _locked(membership: Membership, bakeoff_id: uuid.UUID) -> BakeOff:
    bakeoff = BakeOff.objects.select_for_update().filter(pk=bakeoff_id).first()
    if bakeoff is None or bakeoff.workspace_id != membership.workspace_id:
        raise BakeOffError("That blind pick is not in this workspace.")
    return bakeoff
