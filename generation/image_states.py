"""An image's life, as data: its statuses, the moves allowed between them, and the one
conditional UPDATE that makes every move (the Image model exposes all of it: `Image.Status`,
`Image.objects.move`, `image.can_cancel`...).

    queued --claim--> running --provider call--> storing --files + ledger--> succeeded
      |  ^              |  (BFL) submit --> polling --poll ... Ready--> storing
      |  +--retry-------+                   |  ^ (sweeper: a crash while storing a BFL result)
      |                 +--> failed | needs_reconciliation      +--> failed | needs_reconciliation
      +--> cancelled | failed (deadline)                        +--> cancelled

A live status may also "move" to itself: a touch that proves the row is still in that status and
marks it alive (a claimed call, a poll tick, the sweeper's re-enqueue). The four final statuses
never change again for the worker; retrying makes a new image. One person's move is the
exception: an admin resolves a needs_reconciliation image (generation.reconciliation), billed or
not, and it becomes failed, which it is: no picture was kept (succeeded promises one), it can be
retried, and its error text and the ledger say what was decided.

The move is a compare-and-set: UPDATE ... WHERE pk = id AND status = the expected status. A task
delivered twice, a sweeper and a person's click race for the same row, and only one wins; the
others get False and do nothing. It always sets updated_at (the sweeper
reads it as "last seen alive"; QuerySet.update() skips auto_now), and finished_at on a final
status. A move the table does not allow is a programming error and raises, before any SQL.
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from django.db import models
from django.utils import timezone


class ImageStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    POLLING = "polling", "Waiting for the provider"
    STORING = "storing", "Storing"
    SUCCEEDED = "succeeded", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    NEEDS_RECONCILIATION = "needs_reconciliation", "Needs checking"


S = ImageStatus
# Every status and where it may go next (itself included where a touch is allowed).
MOVES: dict[str, frozenset[str]] = {
    S.QUEUED: frozenset({S.QUEUED, S.RUNNING, S.CANCELLED, S.FAILED}),
    S.RUNNING: frozenset(
        {S.RUNNING, S.QUEUED, S.POLLING, S.STORING, S.FAILED, S.NEEDS_RECONCILIATION}
    ),
    # Never back to queued: the provider has accepted, and bills, this task.
    S.POLLING: frozenset({S.POLLING, S.STORING, S.FAILED, S.NEEDS_RECONCILIATION, S.CANCELLED}),
    S.STORING: frozenset({S.SUCCEEDED, S.FAILED, S.POLLING, S.NEEDS_RECONCILIATION}),
    S.SUCCEEDED: frozenset(),
    S.FAILED: frozenset(),
    S.CANCELLED: frozenset(),
    S.NEEDS_RECONCILIATION: frozenset(),
}
FINAL = frozenset(status for status, targets in MOVES.items() if not targets)
# The moves out of a final status, made only by a person's decision (generation.reconciliation).
RESOLUTIONS: dict[str, frozenset[str]] = {S.NEEDS_RECONCILIATION: frozenset({S.FAILED})}
UNFINISHED = frozenset(MOVES) - FINAL
CANCELLABLE = frozenset(status for status, targets in MOVES.items() if S.CANCELLED in targets)
# Unfinished but not cancellable: a worker is calling the provider or storing the answer.
BEING_MADE = UNFINISHED - CANCELLABLE
# Retrying makes a new image (generation.services.image_retry); these are the ones it may follow.
RETRYABLE = frozenset({S.FAILED, S.CANCELLED})


class IllegalMoveError(Exception):
    """A move the table does not allow: a bug in the caller, never a race (a race is False)."""


def check_move(source: str, target: str) -> None:
    allowed = MOVES.get(source, frozenset()) | RESOLUTIONS.get(source, frozenset())
    if target not in allowed:
        raise IllegalMoveError(f"An image cannot move from {source} to {target}.")


_Image = TypeVar("_Image", bound=models.Model)  # generation.models.Image, which imports this


class ImageQuerySet(models.QuerySet[_Image]):
    def move(
        self,
        image_id: uuid.UUID | str,
        source: str,
        target: str,
        *,
        where: models.Q | None = None,
        **changes: Any,
    ) -> bool:
        """Move the image from `source` to `target` with `changes`, if it is still in `source`
        (and matches `where`); True if it moved. Raises IllegalMoveError for a move the table
        does not allow."""
        check_move(source, target)
        if "status" in changes or "updated_at" in changes:
            raise TypeError("move sets status and updated_at itself")
        now = timezone.now()
        if target in FINAL:
            changes.setdefault("finished_at", now)
        rows = self.filter(pk=image_id, status=source)
        if where is not None:
            rows = rows.filter(where)
        return bool(rows.update(status=target, updated_at=now, **changes))

    def final(self) -> ImageQuerySet[_Image]:
        return self.filter(status__in=FINAL)

    def unfinished(self) -> ImageQuerySet[_Image]:
        return self.filter(status__in=UNFINISHED)

    def cancellable(self) -> ImageQuerySet[_Image]:
        return self.filter(status__in=CANCELLABLE)

    def being_made(self) -> ImageQuerySet[_Image]:
        return self.filter(status__in=BEING_MADE)
