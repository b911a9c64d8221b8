"""Adding text to a finished portrait: a new image, its parent the original, costing $0.

It runs in the request, not on the worker: drawing a line or two on a 1-2 MP image takes tens of
milliseconds and calls no provider, so there is nothing to wait for, retry or reconcile, and the
person lands on the finished image at once instead of on a card that polls.

The new image gets a small job of its own ("Text on Maya Costa - Corporate") rather than joining
its parent's batch: a batch's progress, totals, retry and comparison read every image in it, and
an overlay was not part of what that batch asked for.

Money follows the built-in renderer's $0 images exactly: a $0 reservation settled at $0 (and
released), so the ledger has one line per kind like every other image and the costs pages count
it as an image that cost nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role, at_least
from generation import ledger, storage
from generation.models import PORTRAIT_FIELDS, Image, Job, Origin
from painter.overlay import TextOverlay, overlay_png

PRICE_RULE = "text-overlay-free"
NOT_FINISHED = "Text can be added only to a finished portrait."


class OverlayError(Exception):
    """Text that cannot be added; `problems` maps a form field (or "" for the whole) to a
    sentence a person can act on."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = problems


def overlay_add(*, membership: Membership, image: Image, overlay: TextOverlay) -> Image:
    """Draw `overlay` on `image` and store the result as a new, finished child image."""
    if not at_least(membership.role, Role.EDITOR):
        raise OverlayError({"": "Adding text needs the editor role."})
    if not image.is_done or not image.original.name:
        raise OverlayError({"": NOT_FINISHED})
    problems = overlay.problems()
    if problems:
        raise OverlayError(problems)
    source = b"".join(storage.open_chunks(image.original.name))
    child_id = uuid.uuid4()
    stored = storage.store_generated(image.workspace_id, child_id, overlay_png(source, overlay))
    try:
        return _record(membership, image, overlay, child_id, stored)
    except BaseException:
        # No row points at the two files: take them away again so nothing is left behind.
        for name in (stored.original_name, stored.thumbnail_name):
            storage.remove(name)
        raise


def _record(
    membership: Membership,
    parent: Image,
    overlay: TextOverlay,
    child_id: uuid.UUID,
    stored: storage.StoredImage,
) -> Image:
    now = timezone.now()
    today = now.date()
    text = " ".join(overlay.text.split())
    with transaction.atomic():
        job = Job.objects.create(
            workspace_id=membership.workspace_id,
            created_by=membership.user,
            name=f"Text on {parent.persona_name} - {parent.style_name}"[:120],
            parameters={"origin": Origin.OVERLAY, "parent": str(parent.pk), **asdict(overlay)},
        )
        child = Image.objects.create(
            **{name: getattr(parent, name) for name in PORTRAIT_FIELDS},
            id=child_id,
            job=job,
            parent=parent,
            origin=Origin.OVERLAY,
            request_fields={"overlay": asdict(overlay)},
            prompt=f"Text added: “{text}”\n\n{parent.prompt}",
            status=Image.Status.SUCCEEDED,
            estimated_usd=Decimal(0),
            actual_usd=Decimal(0),
            price_rule=PRICE_RULE,
            price_as_of=today,
            **stored.row_fields(),
            created_at=now,
            started_at=now,
            finished_at=now,
            deadline_at=now,
        )
        _account(child, today)
    return child


def _account(child: Image, today: date) -> None:
    """The built-in renderer's $0 lines: a reservation of nothing, settled at nothing."""
    try:
        ledger.reserve([child])
    except ledger.BudgetExceededError:
        # A $0 reservation is refused only when the cap was lowered below this month's spend;
        # costing nothing, the overlay is not what should stop there.
        pass
    else:
        ledger.settle(child, Decimal(0), rule=PRICE_RULE, as_of=today)
