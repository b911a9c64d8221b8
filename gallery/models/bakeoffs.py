"""The blind pick: a team's vote on a batch's models, row by row of its compare view
(gallery.bakeoffs has the rules; the scoreboard counts closed rows)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from avatarapp.workspaces.models import Workspace
from generation.models import Job
from personas.models import Persona


class BakeOff(models.Model):
    """A blind vote on one batch: for each row of its compare view (persona x style) each member
    picks the model whose portrait they prefer, without seeing model names until they have voted.
    One per batch. Closing it records each row's outcome; the scoreboard counts closed rows."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="bakeoffs")
    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="bakeoff")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"bake-off on {self.job_id}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class RowOutcome(models.TextChoices):
    OPEN = "open", "Voting"
    WON = "won", "Won"
    TIED = "tied", "Tied"
    NO_VOTES = "no_votes", "No votes"


class BakeOffRow(models.Model):
    """One row of the vote: a persona x style of the batch, and the models it compares (fixed
    when the bake-off starts, so a later deletion does not change what was compared). Names are
    copied, as on images, so a row outlives its persona."""

    bakeoff = models.ForeignKey(BakeOff, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveSmallIntegerField()  # its place in the compare view, 1-based
    persona = models.ForeignKey(Persona, null=True, on_delete=models.SET_NULL, related_name="+")
    persona_name = models.CharField(max_length=120)
    style_key = models.CharField(max_length=80)
    style_name = models.CharField(max_length=120)
    model_ids = models.JSONField(default=list)  # the candidates, catalog ids
    outcome = models.CharField(max_length=8, choices=RowOutcome.choices, default=RowOutcome.OPEN)
    # Set when the bake-off closes: the winner's catalog id (outcome WON), or the models that
    # shared the most votes (outcome TIED).
    winner_model_id = models.CharField(max_length=64, blank=True)
    tied_model_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["bakeoff", "number"]
        constraints = [
            models.UniqueConstraint(fields=["bakeoff", "number"], name="bakeoff_row_number_once")
        ]

    def __str__(self) -> str:
        return f"row {self.number} of {self.bakeoff_id}: {self.persona_name} · {self.style_name}"


class Vote(models.Model):
    """One member's pick in one row. The model is kept by its catalog id, so the vote (and the
    scoreboard) survives the portrait it was cast on being deleted."""

    row = models.ForeignKey(BakeOffRow, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    model_id = models.CharField(max_length=64)
    cast_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["row", "voter"], name="one_vote_per_row")]

    def __str__(self) -> str:
        return f"{self.voter_id} picks {self.model_id} in {self.row_id}"
