"""Resolving images flagged "needs checking" (issue 19, item 4).

An image is flagged when the provider may have made and billed it but we could not tell (a worker
died after the call, a result expired before it was collected): the pipeline keeps its
reservation rather than guess (generation.failed_attempts.reconcile). Only a person can settle
it, from what the provider's dashboard or status says: an owner or admin decides

- billed, at the estimate or an amount they enter: the ledger settles that amount and releases
  the reservation (spent goes up by the amount, reserved down by the estimate);
- not billed: the ledger releases the reservation.

Either way the image moves to failed, which it is (no picture was kept; it can be retried), with
an error text saying what was decided, and a ReconciliationDecision records who, when, why and
how much. Two admins deciding at once: the row is locked (select_for_update) and re-read, so the
second finds it decided and is told so; the one-decision-per-image constraint is the backstop.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from avatarapp.money import usd
from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role, at_least
from generation import ledger
from generation.models import CostBasis, Image, LedgerEntry, ReconciliationDecision

Status = Image.Status
Outcome = ReconciliationDecision.Outcome
# No single portrait costs anywhere near this; an amount above it is a typo (or a month's bill).
MAX_BILLED_USD = Decimal(100)
CENT_MILLIONTHS = Decimal("0.00000001")  # the ledger's smallest amount
PERSON_RULE = "amount confirmed by a person after checking with the provider"


class ReconciliationError(Exception):
    """A refusal in plain words; nothing was changed."""


@dataclass(frozen=True)
class Decision:
    outcome: str  # Outcome.BILLED or Outcome.NOT_BILLED
    amount_usd: Decimal | None  # for billed; None means "the estimate"
    reason: str


def for_the_queue(images: QuerySet[Image]) -> QuerySet[Image]:
    """`images` with their key and job (the creator's keys, to ask the provider), as the queue
    shows them; what each holds in the budget is its own held_usd (the ledger's mirror)."""
    return images.select_related("provider_key", "job")


def needs_checking(workspace_id: uuid.UUID) -> QuerySet[Image]:
    """The workspace's flagged images, oldest first (deleted ones too: they still hold money)."""
    flagged = Image.objects.filter(workspace_id=workspace_id, status=Status.NEEDS_RECONCILIATION)
    return for_the_queue(flagged).order_by("finished_at", "created_at", "id")


def count_needing_check(workspace_id: uuid.UUID) -> int:
    return Image.objects.filter(
        workspace_id=workspace_id, status=Status.NEEDS_RECONCILIATION
    ).count()


def recent_decisions(workspace_id: uuid.UUID, limit: int = 20) -> QuerySet[ReconciliationDecision]:
    return ReconciliationDecision.objects.filter(workspace_id=workspace_id).select_related(
        "image", "decided_by"
    )[:limit]


def check_amount(amount: Decimal) -> Decimal:
    if not amount.is_finite() or amount < 0:
        raise ReconciliationError("Enter the amount billed as a number of dollars, 0 or more.")
    if amount != amount.quantize(CENT_MILLIONTHS):
        raise ReconciliationError("Enter the amount with at most 8 decimal places.")
    if amount > MAX_BILLED_USD:
        raise ReconciliationError(
            f"{usd(amount)} for one image looks like a typo: enter what this one image cost, "
            f"at most {usd(MAX_BILLED_USD)}."
        )
    return amount


def resolve(*, membership: Membership, image_id: uuid.UUID, decision: Decision) -> Image:
    """Settle or release the flagged image `image_id` of the membership's workspace, move it to
    failed and record the decision, in one transaction. Raises ReconciliationError (nothing
    changed) for a role below admin, an image that does not need checking (any more), or a bad
    amount."""
    if not at_least(membership.role, Role.ADMIN):
        raise ReconciliationError("Only an owner or admin can resolve images that need checking.")
    reason = decision.reason.strip()
    if not reason:
        raise ReconciliationError("Say why, in a few words: it is kept with the decision.")
    with transaction.atomic():
        image = (
            Image.objects.select_for_update()
            .filter(pk=image_id, workspace_id=membership.workspace_id)
            .first()
        )
        if image is None or image.status != Status.NEEDS_RECONCILIATION:
            raise ReconciliationError(not_flagged_message(image))
        held = _held(image)
        billed = decision.outcome == Outcome.BILLED
        amount = check_amount(decision.amount_usd if decision.amount_usd is not None else held)
        who = membership.user.get_full_name() or membership.user.email
        if billed:
            _settle(image, amount, who, reason)
        else:
            amount = Decimal(0)
            _release(image, who, reason)
        ReconciliationDecision.objects.create(
            image=image,
            workspace_id=image.workspace_id,
            outcome=Outcome.BILLED if billed else Outcome.NOT_BILLED,
            amount_usd=amount,
            reserved_usd=held,
            reason=reason[:300],
            decided_by=membership.user,
        )
    image.refresh_from_db()
    return image


def not_flagged_message(image: Image | None) -> str:
    if image is not None and ReconciliationDecision.objects.filter(image=image).exists():
        return "This image was already resolved; nothing was changed."
    return "This image does not need checking; nothing was changed."


def _held(image: Image) -> Decimal:
    line = LedgerEntry.objects.filter(image=image, kind=LedgerEntry.Kind.RESERVATION).first()
    return line.amount_usd if line else Decimal(0)


def _settle(image: Image, amount: Decimal, who: str, reason: str) -> None:
    today = timezone.localdate()
    _fail(
        image,
        f"Checked by {who}: billed {usd(amount)}, and no picture was kept.",
        "checked_billed",
        actual_usd=amount,
        cost_basis=CostBasis.WORKSPACE_PRICE,
        price_rule=PERSON_RULE,
        price_as_of=today,
    )
    ledger.settle(
        image,
        amount,
        rule=PERSON_RULE,
        as_of=today,
        detail=f"billed, checked by {who}: {reason}",
        teaches_estimates=False,  # a typed amount must not inflate every later estimate
    )


def _release(image: Image, who: str, reason: str) -> None:
    _fail(image, f"Checked by {who}: not billed.", "checked_not_billed")
    ledger.release(image, f"not billed, checked by {who}: {reason}")


def _fail(image: Image, message: str, kind: str, **changes: Any) -> None:
    moved = Image.objects.move(
        image.pk,
        Status.NEEDS_RECONCILIATION,
        Status.FAILED,
        error_message=message,
        error_kind=kind,
        finished_at=F("finished_at"),  # when it was flagged; the decision has its own time
        **changes,
    )
    assert moved, "the row is locked and was re-read as flagged"
