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

import threading
import uuid
from typing import Any, TypeVar, cast

from django.db import models
from django.utils import timezone

from avatarapp.prepared_queries import PreparedUpdate, has_marker


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
        move = _Move(self.model, source, target, where, changes)
        # A filtered queryset's own conditions are not part of a move's shape.
        if self.query.where or not move.preparable:
            return bool(
                self._update(image_id, source, where, status=target, updated_at=now, **changes)
            )
        return bool(move.statement().run(image_id=image_id, updated_at=now, **move.values))

    def _update(
        self, image_id: uuid.UUID | str, source: str, where: models.Q | None, **changes: Any
    ) -> int:
        rows = self.filter(pk=image_id, status=source)
        if where is not None:
            rows = rows.filter(where)
        return rows.update(**changes)

    def final(self) -> ImageQuerySet[_Image]:
        return self.filter(status__in=FINAL)

    def unfinished(self) -> ImageQuerySet[_Image]:
        return self.filter(status__in=UNFINISHED)

    def cancellable(self) -> ImageQuerySet[_Image]:
        return self.filter(status__in=CANCELLABLE)

    def being_made(self) -> ImageQuerySet[_Image]:
        return self.filter(status__in=BEING_MADE)


# --- Every move is one prepared UPDATE (avatarapp.prepared_queries) ----------------------------
# The worker moves each image four times, and Django compiled each UPDATE in ~0.6 ms of CPU, three
# times what sending it takes (make bench). What a move sets and checks is fixed at each call
# site: its statuses, the columns it sets, its extra conditions, and where those hold None or an
# F() expression. That shape is compiled once; the values are its parameters.


class _Move:
    def __init__(
        self,
        model: type[models.Model],
        source: str,
        target: str,
        where: models.Q | None,
        changes: dict[str, Any],
    ) -> None:
        self.model, self.source, self.target = model, source, target
        self.where, self.changes = where, changes
        self.values: dict[str, Any] = {}
        self.fields: dict[str, models.Field[Any, Any]] = {}
        self.preparable = True  # False: a value that is neither a parameter nor fixed
        set_shape = tuple(self._part(f"set_{name}", name, v) for name, v in changes.items())
        where_shape = self._q_shape(where, [0]) if where is not None else None
        self.key = (model, source, target, set_shape, where_shape)

    def _part(self, param: str, lookup: str, value: Any) -> tuple[str, str]:
        """What `value` adds to the shape; a plain value becomes parameter `param`."""
        name, _, operator = lookup.partition("__")
        field = cast("models.Field[Any, Any]", self.model._meta.get_field(name))
        if value is None or isinstance(value, bool) or hasattr(value, "resolve_expression"):
            return lookup, repr(value)  # fixed: part of the shape
        if operator not in COMPARISONS or not has_marker(field) or isinstance(value, list | tuple):
            self.preparable = False  # e.g. status__in=[...]: the ORM builds that one each time
            return lookup, ""
        self.values[param] = value
        self.fields[param] = field
        return lookup, "?"

    def _q_shape(self, q: models.Q, leaf: list[int]) -> tuple[Any, ...]:
        parts: list[Any] = []
        for child in q.children:
            if isinstance(child, models.Q):
                parts.append(self._q_shape(child, leaf))
                continue
            lookup, value = cast("tuple[str, Any]", child)
            parts.append(self._part(f"where_{leaf[0]}", lookup, value))
            leaf[0] += 1
        return (q.connector, q.negated, tuple(parts))

    def _with_markers(self, q: models.Q, markers: dict[str, Any], leaf: list[int]) -> models.Q:
        """`q` with each of its parameters replaced by its marker, leaves counted as _q_shape
        counts them."""
        children: list[Any] = []
        for child in q.children:
            if isinstance(child, models.Q):
                children.append(self._with_markers(child, markers, leaf))
                continue
            lookup, value = cast("tuple[str, Any]", child)
            children.append((lookup, markers.get(f"where_{leaf[0]}", value)))
            leaf[0] += 1
        return models.Q(*children, _connector=q.connector, _negated=q.negated)

    def statement(self) -> PreparedUpdate[Any]:
        statement = _statements.get(self.key)
        if statement is None:
            with _statements_lock:
                statement = _statements.setdefault(self.key, self._prepare())
        return statement

    def _prepare(self) -> PreparedUpdate[Any]:
        meta = self.model._meta

        def build(**markers: Any) -> tuple[models.QuerySet[Any], dict[str, Any]]:
            rows = self.model._default_manager.filter(pk=markers["image_id"], status=self.source)
            if self.where is not None:
                rows = rows.filter(self._with_markers(self.where, markers, [0]))
            changes = {
                name: markers.get(f"set_{name}", value) for name, value in self.changes.items()
            }
            return rows, {"status": self.target, "updated_at": markers["updated_at"], **changes}

        return PreparedUpdate(
            build,
            image_id=meta.pk,
            updated_at=cast("models.Field[Any, Any]", meta.get_field("updated_at")),
            **self.fields,
        )


# Lookups whose value is one plain value of the field (a parameter).
COMPARISONS = frozenset({"", "exact", "lt", "lte", "gt", "gte"})
_statements: dict[tuple[Any, ...], PreparedUpdate[Any]] = {}
_statements_lock = threading.Lock()
