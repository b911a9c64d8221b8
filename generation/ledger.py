"""Budgets and the append-only cost ledger.

A batch is reserved before any provider is called, with ONE conditional UPDATE of the month's
BudgetPeriod row: `reserved = reserved + X WHERE reserved + spent + X <= cap`. PostgreSQL re-checks
the WHERE clause after taking the row lock, so 200 concurrent submissions against a cap that fits
50 accept exactly 50 (tests/faults/test_budget_race.py). Settling and releasing write one ledger
line each (unique per image and kind) and move the period's counters in the same transaction, so
the counters always equal the ledger's sums. The image's held_usd and charged_usd mirror its
lines the same way, so the Costs page sums images without joining their lines (generation.costs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import DecimalField, F, OuterRef, Subquery, Sum
from django.utils import timezone

from avatarapp.money import usd
from avatarapp.prepared_queries import PreparedQuery
from avatarapp.workspaces.models import Workspace
from generation import alerts, estimate_margins
from generation.models import Budget, BudgetPeriod, Image, LedgerEntry

ZERO = Decimal(0)


class BudgetExceededError(Exception):
    def __init__(self, needed: Decimal, left: Decimal) -> None:
        super().__init__(
            f"This batch could cost up to {usd(needed)}, but only {usd(max(left, ZERO))} of this "
            "month's budget is left. Make fewer images, pick cheaper models or a lower quality, "
            "or ask an owner or admin to raise the budget."
        )
        self.needed = needed
        self.left = left


def month_of(moment: datetime | None = None) -> date:
    moment = moment or timezone.now()
    return moment.date().replace(day=1)


@dataclass(frozen=True)
class BudgetStatus:
    cap: Decimal | None
    reserved: Decimal
    spent: Decimal

    @property
    def left(self) -> Decimal | None:
        return None if self.cap is None else self.cap - self.reserved - self.spent

    @property
    def used_fraction(self) -> float | None:
        if not self.cap:
            return None
        return float((self.reserved + self.spent) / self.cap)


def monthly_cap(workspace: Workspace) -> Decimal | None:
    budget = Budget.objects.filter(workspace=workspace).first()
    return budget.monthly_cap_usd if budget else None


def budget_status(workspace: Workspace, month: date | None = None) -> BudgetStatus:
    period = BudgetPeriod.objects.filter(workspace=workspace, month=month or month_of()).first()
    return BudgetStatus(
        cap=monthly_cap(workspace),
        reserved=period.reserved_usd if period else ZERO,
        spent=period.spent_usd if period else ZERO,
    )


def _period(workspace: Workspace, month: date) -> BudgetPeriod:
    period, _ = BudgetPeriod.objects.get_or_create(workspace=workspace, month=month)
    return period


def reserve(images: list[Image]) -> None:
    """Reserve every image's estimate against its workspace's month, all or nothing. Call inside
    the transaction that creates the rows; raises BudgetExceededError and changes nothing."""
    if not images:
        return
    workspace = images[0].workspace
    month = month_of(images[0].created_at)
    total = sum((image.estimated_usd for image in images), ZERO)
    period = _period(workspace, month)
    cap = monthly_cap(workspace)
    rows = BudgetPeriod.objects.filter(pk=period.pk)
    if cap is not None:
        rows = rows.alias(committed=F("reserved_usd") + F("spent_usd")).filter(
            committed__lte=cap - total
        )
    if rows.update(reserved_usd=F("reserved_usd") + total) != 1:
        status = budget_status(workspace, month)
        raise BudgetExceededError(total, status.left if status.left is not None else ZERO)
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            workspace=workspace,
            month=month,
            job_id=image.job_id,
            image=image,
            provider_key_id=image.provider_key_id,
            kind=LedgerEntry.Kind.RESERVATION,
            amount_usd=image.estimated_usd,
            price_rule=image.price_rule,
            price_as_of=image.price_as_of or month,
            detail="worst-case estimate, held until the image is settled or released",
        )
        for image in images
    )
    Image.objects.filter(pk__in=[image.pk for image in images]).update(held_usd=F("estimated_usd"))
    for image in images:
        image.held_usd = image.estimated_usd


# Compiled once (avatarapp.prepared_queries): every settlement and release reads them.
_IMAGE_LINES = PreparedQuery(
    lambda image_id: LedgerEntry.objects.filter(image_id=image_id),
    image_id=LedgerEntry._meta.get_field("image"),
)


def _lines(image: Image) -> dict[str, LedgerEntry]:
    """The image's ledger lines by kind (at most one of each: a unique constraint)."""
    return {line.kind: line for line in _IMAGE_LINES.all(image_id=image.pk)}


def _line(image: Image, reservation: LedgerEntry, **fields: object) -> LedgerEntry:
    return LedgerEntry(
        workspace_id=image.workspace_id,
        month=reservation.month,
        job_id=image.job_id,
        image=image,
        provider_key_id=image.provider_key_id,
        **fields,
    )


def _release_line(image: Image, reservation: LedgerEntry, reason: str) -> LedgerEntry:
    return _line(
        image,
        reservation,
        kind=LedgerEntry.Kind.RELEASE,
        amount_usd=reservation.amount_usd,
        price_rule=reservation.price_rule,
        price_as_of=reservation.price_as_of,
        detail=reason[:300],
    )


# settle() and release() are called in the transaction that moved the image to its final state
# with a conditional UPDATE; that row lock is what keeps a second caller out, so they read the
# image's lines once and write what is missing without a savepoint per line. The unique
# constraint stays the backstop: a line written twice raises and rolls the whole move back.


def settle(
    image: Image,
    amount: Decimal,
    *,
    rule: str,
    as_of: date,
    detail: str = "",
    teaches_estimates: bool = True,
) -> bool:
    """Charge the actual cost and release the reservation. False if already settled. A charge
    above the reservation raises the model's estimate margin (generation.estimate_margins),
    unless `teaches_estimates` is False (an amount a person entered)."""
    with transaction.atomic(savepoint=False):
        lines = _lines(image)
        reservation = lines.get(LedgerEntry.Kind.RESERVATION)
        if reservation is None:
            raise ValueError(f"image {image.pk} has no reservation to settle")
        if LedgerEntry.Kind.SETTLEMENT in lines:
            return False
        charge = _line(
            image,
            reservation,
            kind=LedgerEntry.Kind.SETTLEMENT,
            amount_usd=amount,
            price_rule=rule,
            price_as_of=as_of,
            detail=detail[:300],
        )
        # A reservation released earlier (say, the image was given up for lost and then
        # finished) must not be taken off the counters twice.
        released_now = LedgerEntry.Kind.RELEASE not in lines
        new = [charge]
        if released_now:
            new.append(_release_line(image, reservation, "reservation released on settlement"))
        LedgerEntry.objects.bulk_create(new)
        Image.objects.filter(pk=image.pk).update(charged_usd=amount, held_usd=ZERO)
        image.charged_usd, image.held_usd = amount, ZERO
        BudgetPeriod.objects.filter(
            workspace_id=image.workspace_id, month=reservation.month
        ).update(
            reserved_usd=F("reserved_usd") - (reservation.amount_usd if released_now else ZERO),
            spent_usd=F("spent_usd") + amount,
        )
        if teaches_estimates:
            estimate_margins.learn(image.model_id, reservation.amount_usd, amount)
        # Still under the period's row lock taken just above: see generation.alerts.
        alerts.spend_moved(image.workspace_id, reservation.month)
    return True


def release(image: Image, reason: str) -> bool:
    """Give back the reservation of an image that will cost nothing. False if already done."""
    with transaction.atomic(savepoint=False):
        lines = _lines(image)
        reservation = lines.get(LedgerEntry.Kind.RESERVATION)
        if reservation is None or LedgerEntry.Kind.RELEASE in lines:
            return False
        _release_line(image, reservation, reason).save()
        Image.objects.filter(pk=image.pk).update(held_usd=ZERO)
        image.held_usd = ZERO
        BudgetPeriod.objects.filter(
            workspace_id=image.workspace_id, month=reservation.month
        ).update(reserved_usd=F("reserved_usd") - reservation.amount_usd)
    return True


def key_spend_this_month() -> Subquery:
    """Settled spend per provider key this month, as an annotation for a ProviderKey queryset."""
    settled = (
        LedgerEntry.objects.filter(
            provider_key=OuterRef("pk"), kind=LedgerEntry.Kind.SETTLEMENT, month=month_of()
        )
        .values("provider_key")
        .annotate(total=Sum("amount_usd"))
        .values("total")
    )
    return Subquery(settled, output_field=DecimalField(max_digits=18, decimal_places=8))
