"""The compare view's table: rows = persona x style, columns = models, each cell the portraits of
that row by that model, and each column's totals (portraits ready, actual cost, mean latency).

Built from one query of the images, whatever the batch's size: the grouping and the totals are
done here in Python, over rows already loaded for the cells. Totals count the portraits the page
shows (a deleted one is neither shown nor counted), so a column's figures add up to its cells.

A selection from a gallery (2 to MAX_CHOSEN portraits) is compared as one row whose columns are
the chosen portraits, each under its model's name.

A Row is what a later blind pick votes on: `key` (persona id and name, style key) names it in a
batch, and
`number` is its place on the page (1-based), as the row page's URL says it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from avatarapp.workspaces.models import Membership
from catalog import model_name
from generation.models import Image, Job

MIN_CHOSEN = 2
MAX_CHOSEN = 4


# (persona id, persona name, style key): the name keeps apart the rows of personas deleted since.
RowKey = tuple[uuid.UUID | None, str, str]


class CompareError(ValueError):
    """A comparison that cannot be shown; the message says why, in plain words."""


@dataclass
class Column:
    model_id: str
    name: str
    images: list[Image] = field(default_factory=list)

    @property
    def ready(self) -> int:
        return sum(1 for image in self.images if image.is_done)

    @property
    def actual_usd(self) -> Decimal:
        """What the column's portraits actually cost (those not yet priced add nothing)."""
        return sum((i.actual_usd for i in self.images if i.actual_usd is not None), Decimal(0))

    @property
    def mean_latency_ms(self) -> int | None:
        """The mean measured time of the portraits that have one; None when none has."""
        measured = [i.latency_ms for i in self.images if i.latency_ms is not None]
        return round(sum(measured) / len(measured)) if measured else None


@dataclass
class Cell:
    column: Column
    images: list[Image]


@dataclass
class Row:
    number: int  # 1-based, as the row page's URL says it
    key: RowKey  # what a vote will name
    title: str  # "Maya Costa · Corporate"
    cells: list[Cell]


@dataclass
class Comparison:
    columns: list[Column]
    rows: list[Row]

    def row(self, number: int) -> Row | None:
        return self.rows[number - 1] if 1 <= number <= len(self.rows) else None


def job_images(job: Job) -> QuerySet[Image]:
    return job.images.filter(deleted_at=None).order_by("created_at", "id")


def compare_job(job: Job, images: Iterable[Image] | None = None) -> Comparison:
    """The batch's table. Columns follow the order the models were chosen in (job.parameters),
    rows the order of the personas, then of the styles; anything the parameters do not name
    (a batch from before they were kept) follows, by name."""
    images = list(job_images(job) if images is None else images)
    chosen = job.parameters or {}
    model_ids = _ordered({i.model_id for i in images}, chosen.get("model_ids", []))
    columns = {model_id: Column(model_id, model_name(model_id)) for model_id in model_ids}
    row_names: dict[RowKey, str] = {}
    cells: dict[tuple[RowKey, str], list[Image]] = {}
    for image in images:
        key = (image.persona_id, image.persona_name, image.style_key)
        columns[image.model_id].images.append(image)
        row_names.setdefault(key, f"{image.persona_name} · {image.style_name}")
        cells.setdefault((key, image.model_id), []).append(image)
    persona_order = [_uuid(pk) for pk in chosen.get("persona_ids", [])]
    style_order = list(chosen.get("style_keys", []))
    keys = sorted(
        row_names,
        key=lambda k: (
            _place(k[0], persona_order),
            _place(k[2], style_order),
            row_names[k].casefold(),
        ),
    )
    rows = [
        Row(
            number,
            key,
            row_names[key],
            [Cell(column, cells.get((key, model_id), [])) for model_id, column in columns.items()],
        )
        for number, key in enumerate(keys, start=1)
    ]
    return Comparison(list(columns.values()), rows)


def compare_chosen(membership: Membership, posted: Sequence[str]) -> Comparison:
    """2 to MAX_CHOSEN portraits of the member's workspace, one column each, in the order given.
    An id that names no shown portrait of this workspace (another workspace's, a deleted one, or
    nothing) refuses the whole comparison: comparing fewer than were picked would mislead."""
    unique = list(dict.fromkeys(posted))
    if not MIN_CHOSEN <= len(unique) <= MAX_CHOSEN:
        raise CompareError(
            f"Select {MIN_CHOSEN} to {MAX_CHOSEN} portraits to compare ({len(unique)} selected)."
        )
    ids = [_uuid(value) for value in unique]
    found = {
        image.pk: image
        for image in Image.objects.filter(
            workspace_id=membership.workspace_id, deleted_at=None, pk__in=[i for i in ids if i]
        )
    }
    if len(found) != len(unique):
        raise CompareError(
            "Some of the selected portraits are not in this workspace; "
            "select the ones to compare again from the gallery."
        )
    chosen = [found[pk] for pk in ids if pk]
    columns = [Column(image.model_id, model_name(image.model_id), [image]) for image in chosen]
    cells = [Cell(column, column.images) for column in columns]
    return Comparison(columns, [Row(1, (None, "", ""), f"{len(unique)} chosen portraits", cells)])


def seconds(latency_ms: int | None) -> str:
    """ "12.3 s", as people say a wait; "not measured" for a portrait that never finished."""
    return "not measured" if latency_ms is None else f"{latency_ms / 1000:.1f} s"


def _ordered(found: set[str], chosen: list[str]) -> list[str]:
    return sorted(found, key=lambda value: (_place(value, chosen), model_name(value).casefold()))


def _place(value: object, order: Sequence[object]) -> int:
    return order.index(value) if value in order else len(order)


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
