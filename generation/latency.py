"""How long models take in a workspace: a percentile of the time from the provider call to its
answer, per model, over finished images.

The Generate page shows the median (p50) over the workspace's recent images instead of the
catalog's typical seconds once a model has some history here, because a workspace's own keys,
regions and settings make its own times. The scoreboard (gallery.scoreboard) shows p50 and p95
over its whole history.

Percentiles are nearest-rank: the p-th percentile of n measured times is the k-th smallest,
k = ceil(p * n / 100) (p50 of 4 times is the 2nd, p95 of 4 the 4th, p95 of 20 the 19th). It is
always a time that was measured, and easy to check by hand. The rank is picked per model by a
window, which PostgreSQL and SQLite both run: one query for any number of percentiles, returning
a row or two per model however long the history (the database sorts the times: at 100,000
succeeded images in one workspace, about 0.3 s on PostgreSQL).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from generation.models import Image

RECENT = 1000
# Fewer finished images than this say little about a model: the catalog's figure stays.
MIN_HISTORY = 3


@dataclass(frozen=True)
class Measured:
    count: int  # how many times the percentiles were taken over
    at: dict[int, int]  # percent -> latency_ms


def rank_of(percent: int, count: int) -> int:
    """ceil(percent * count / 100) in integer arithmetic."""
    return (count * percent + 99) // 100


def nearest_rank(images: QuerySet[Image], percents: Sequence[int]) -> dict[str, Measured]:
    """model id -> the `percents`-th percentiles of latency_ms over the succeeded and measured
    ones of `images`. One query for all of them: the rows at any wanted rank."""
    measured = images.filter(status=Image.Status.SUCCEEDED, latency_ms__isnull=False)
    ranked = measured.annotate(
        rank=Window(RowNumber(), partition_by=[F("model_id")], order_by=[F("latency_ms"), F("id")]),
        measured=Window(Count("pk"), partition_by=[F("model_id")]),
    )
    # rank_of in SQL: both databases divide integers by integers with the remainder dropped.
    wanted = reduce(or_, (Q(rank=(F("measured") * p + 99) / 100) for p in percents))
    rows = ranked.filter(wanted).values_list("model_id", "latency_ms", "rank", "measured")
    found: dict[str, Measured] = {}
    for model_id, latency, rank, count in rows.order_by():
        at = found.setdefault(model_id, Measured(count, {})).at
        # `latency or 0`: never None here (filtered above); the type does not know.
        at.update({p: latency or 0 for p in percents if rank_of(p, count) == rank})
    return found


def typical_seconds(workspace_id: uuid.UUID) -> dict[str, float]:
    """model id -> median seconds an image took, for the models with enough history. Only the
    newest RECENT images are read (through the gallery's index)."""
    recent = (
        Image.objects.filter(workspace_id=workspace_id, deleted_at=None)
        .order_by("-created_at", "-id")
        .values("pk")[:RECENT]
    )
    medians = nearest_rank(Image.objects.filter(pk__in=recent), [50])
    return {
        model_id: median.at[50] / 1000
        for model_id, median in medians.items()
        if median.count >= MIN_HISTORY
    }
