"""Where a workspace's money went: the Costs page's totals, breakdowns, estimate accuracy and
overshoot, for one month or a range of days.

The sums are the ledger's own (generation.ledger): spent is the settlement lines, reserved the
reservation lines less the releases, so the page cannot disagree with the budget counters. The
ledger mirrors each image's lines on the image itself (Image.held_usd and charged_usd, written
in the transaction that writes the lines), so the page sums one row per image, which also says
who, what and when, without joining three lines to it. An image belongs to the day it was made,
the day its reservation, and so its settlement, is booked to (ledger.reserve), so a month's
totals equal that month's BudgetPeriod. The whole report is one grouped query (the index
image_costs finds the period's images), summed in the database: the page costs the same few
queries at 100 images or 100,000. Images deleted from the gallery still count: their money was
spent.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from avatarapp.keys.models import ProviderKey
from avatarapp.workspaces.models import Workspace
from catalog import model_name
from generation.estimate_margins import margins_for
from generation.models import Campaign, Image
from generation.providers.registry import REGISTRY, display_name

MAX_MONTHS = 24
ZERO = Decimal(0)
# The ledger's precision (generation.models.money). SQLite sums decimals as floats, so its sums
# are brought back to it; PostgreSQL's are exact already.
LEDGER_PLACES = Decimal("1e-8")
NO_KEY = "No key (built-in renderer or a removed key)"
TEAMMATES_KEY = "A teammate's personal key"


class CostsRequestError(ValueError):
    """A period, breakdown or order the Costs page cannot show; the message says what to pick."""


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive

    @property
    def month(self) -> date | None:
        """The month, when the period is exactly one calendar month."""
        days = calendar.monthrange(self.first.year, self.first.month)[1]
        whole = self.first.day == 1 and self.last == self.first.replace(day=days)
        return self.first if whole else None

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min, tzinfo=UTC)

    @property
    def stop(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=UTC)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def month_period(month: date) -> Period:
    first = month.replace(day=1)
    return Period(first, first.replace(day=calendar.monthrange(first.year, first.month)[1]))


def range_period(first: date, last: date) -> Period:
    if last < first:
        raise CostsRequestError(
            "The end date is before the start date. Pick an end date on or after the start."
        )
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    if months > MAX_MONTHS:
        raise CostsRequestError(
            f"A date range can cover at most {MAX_MONTHS} months. Pick a shorter range."
        )
    return Period(first, last)


def images_in(
    workspace: Workspace, period: Period, campaign: Campaign | None = None
) -> QuerySet[Image]:
    """The images made in the period (in one campaign's batches, given one)."""
    images = Image.objects.filter(
        workspace=workspace, created_at__gte=period.start, created_at__lt=period.stop
    )
    return images if campaign is None else images.filter(job__campaign=campaign)


# --- Rows and totals -------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    key: Any  # what the images were grouped by (a model id, a day...): sorts "by name" for days
    label: str
    images: int
    spent: Decimal
    reserved: Decimal


@dataclass(frozen=True)
class Totals:
    images: int
    spent: Decimal
    reserved: Decimal
    cap: Decimal | None  # the monthly budget; a range shows it per month

    @property
    def left(self) -> Decimal | None:
        return None if self.cap is None else self.cap - self.spent - self.reserved

    @classmethod
    def of(cls, rows: list[Row], cap: Decimal | None) -> Totals:
        """The sum of a breakdown's rows: each breakdown puts every image in exactly one group,
        so any of them adds up to the period's totals without a query of their own."""
        return cls(
            images=sum(row.images for row in rows),
            spent=sum((row.spent for row in rows), ZERO),
            reserved=sum((row.reserved for row in rows), ZERO),
            cap=cap,
        )


def _exact(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(LEDGER_PLACES)


# --- Breakdowns --------------------------------------------------------------------------------


Labeller = Callable[[list[Any], int], Callable[[Any], str]]


def _same(_keys: list[Any], _viewer: int) -> Callable[[Any], str]:
    return lambda value: str(value)


def _models(_keys: list[Any], _viewer: int) -> Callable[[Any], str]:
    return model_name


def _providers(_keys: list[Any], _viewer: int) -> Callable[[Any], str]:
    return display_name


def _people(_keys: list[Any], _viewer: int) -> Callable[[Any], str]:
    return lambda email: email or "A removed member"


def _campaigns(_keys: list[Any], _viewer: int) -> Callable[[Any], str]:
    return lambda name: name or "No campaign"


def key_label(key: ProviderKey | None, viewer_id: int) -> str:
    """A key as the keys page shows it ("OpenAI team, sk-…AbCd"). Another member's personal key
    is theirs alone (avatarapp.keys.access): it is named, never shown."""
    if key is None:
        return NO_KEY
    if key.owner_id is not None and key.owner_id != viewer_id:
        return TEAMMATES_KEY
    provider = REGISTRY.get(key.provider)
    mask = provider.mask(key.last4) if provider else f"…{key.last4}"
    return f"{key.label}, {mask}"


def _keys(keys: list[Any], viewer: int) -> Callable[[Any], str]:
    found = {key.pk: key for key in ProviderKey.objects.filter(pk__in=[k for k in keys if k])}
    return lambda pk: key_label(found.get(pk), viewer)


# Each breakdown: its name on the page, what the images are grouped by, how a group is named.
BREAKDOWNS: dict[str, tuple[str, Any, Labeller]] = {
    "model": ("Model", F("model_id"), _models),
    "provider": ("Provider", F("provider"), _providers),
    "key": ("Key", F("provider_key"), _keys),
    "person": ("Person", F("job__created_by__email"), _people),
    "persona": ("Persona", F("persona_name"), _same),
    "campaign": ("Campaign", F("job__campaign__name"), _campaigns),
    "day": ("Day", TruncDate("created_at", tzinfo=UTC), _same),
}
SORTS = ("name", "images", "spent", "reserved")


def check_choice(by: str, sort: str) -> None:
    if by not in BREAKDOWNS:
        names = ", ".join(title.lower() for title, _, _ in BREAKDOWNS.values())
        raise CostsRequestError(f"Costs can be broken down by {names}. Pick one of those.")
    if sort.removeprefix("-") not in SORTS:
        raise CostsRequestError(
            "The table can be sorted by name, images, spent or reserved. Pick one of those."
        )


# --- How good the estimates were ---------------------------------------------------------------


@dataclass(frozen=True)
class Accuracy:
    """One model's priced images: what we estimated, what they cost, and the ones that cost
    more than their reservation (overshoot: the estimate rule missed them)."""

    model_id: str
    label: str
    images: int
    estimate: Decimal
    actual: Decimal
    over_images: int
    overshoot: Decimal
    margin: Decimal  # what its next estimates are multiplied by (generation.estimate_margins)

    @property
    def ratio(self) -> Decimal | None:
        """Actual as a share of the estimate: 0.62 means the images cost 62% of it."""
        return None if not self.estimate else self.actual / self.estimate


# --- The report: one grouped query ---------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    rows: list[Row]  # the breakdown, sorted
    accuracy: list[Accuracy] | None  # by model, A to Z by id; with the model breakdown only


_OVER = Q(actual_usd__gt=F("estimated_usd"))
_PRICED = Q(actual_usd__isnull=False)
# Per group: the ledger's figures, from the lines mirrored on each image (Image.held_usd and
# charged_usd).
_ROW_SUMS = {
    "images": Count("held_usd"),  # the images the ledger reserved for: every one it knows
    "spent": Sum("charged_usd", default=ZERO),
    "reserved": Sum("held_usd", default=ZERO),
}
# Per model: the estimate against what the provider's answer priced.
_ACCURACY_SUMS = {
    "priced": Count("actual_usd"),
    "estimate": Sum("estimated_usd", filter=_PRICED, default=ZERO),
    "actual": Sum("actual_usd", default=ZERO),
    "over_images": Count("id", filter=_OVER),
    "overshoot": Sum(F("actual_usd") - F("estimated_usd"), filter=_OVER, default=ZERO),
}


def report(
    workspace: Workspace,
    period: Period,
    campaign: Campaign | None = None,
    *,
    by: str,
    sort: str,
    viewer_id: int,
) -> Report:
    """The breakdown by `by`, one row per group sorted by `sort` (a column of SORTS, "-" first
    for largest first): one grouped query over the period's images. The breakdown by model
    also says how good each model's estimates were, from the same rows. That table is by model
    whatever the breakdown, so it is shown with the model breakdown alone: with any other, it
    would be a second pass over the period's images (make bench, by persona at 100,000 images:
    a scan is most of the page's time)."""
    check_choice(by, sort)
    _, group, labeller = BREAKDOWNS[by]
    sums = {**_ROW_SUMS, **_ACCURACY_SUMS} if by == "model" else _ROW_SUMS
    grouped = (
        images_in(workspace, period, campaign)
        .values(group=group)
        .annotate(**sums)
        .values_list("group", *sums)
        .order_by()
    )
    groups: dict[Any, tuple[Any, ...]] = {}
    models: dict[str, tuple[Any, ...]] = {}
    for key, images, spent, reserved, *estimates in grouped:
        if images:
            groups[key] = (images, spent, reserved)
        if estimates and estimates[0]:  # the model's priced images
            models[key] = tuple(estimates)
    rows = _rows(groups, by, sort, labeller(list(groups), viewer_id))
    return Report(rows, _accuracy(models) if by == "model" else None)


def _rows(
    groups: dict[Any, tuple[Any, ...]], by: str, sort: str, name: Callable[[Any], str]
) -> list[Row]:
    rows = [
        Row(key, name(key), images, _exact(spent), _exact(reserved))
        for key, (images, spent, reserved) in groups.items()
    ]
    column = sort.removeprefix("-")
    # The groups are few (at most 731 days): ordered here, by what the page shows.
    if column == "name":
        order: Callable[[Row], Any] = (
            (lambda row: row.key) if by == "day" else (lambda row: row.label.casefold())
        )
    else:
        order = lambda row: (getattr(row, column), row.label.casefold())  # noqa: E731
    return sorted(rows, key=order, reverse=sort.startswith("-"))


def _accuracy(models: dict[str, tuple[Any, ...]]) -> list[Accuracy]:
    margins = margins_for(models)
    return [
        Accuracy(
            model_id=model_id,
            label=model_name(model_id),
            images=images,
            estimate=_exact(estimate),
            actual=_exact(actual),
            over_images=over_images,
            overshoot=_exact(overshoot),
            margin=margins[model_id],
        )
        for model_id, (images, estimate, actual, over_images, overshoot) in sorted(models.items())
    ]
