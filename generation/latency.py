"""How long models take in a workspace: a percentile of the time from the provider call to its
answer, per model, over finished images.

The Generate page shows the median (p50) over the workspace's recent images instead of the
catalog's typical seconds once a model has some history here, because a workspace's own keys,
regions and settings make its own times. The scoreboard (gallery.scoreboard) shows p50 and p95
over its whole history.

Percentiles are nearest-rank: the p-th percentile of n measured times is the k-th smallest,
k = ceil(p * n / 100) (p50 of 4 times is the 2nd, p95 of 4 the 4th, p95 of 20 the 19th). It is
always a time that was measured, and easy to check by hand. The rank is picked per model by a
window, which PostgreSQL and SQLite both run, so each percentile is one query that returns one
row per model, however long the history.
"""

from __future__ import annotations

import uuid

from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber

from generation.models import Image

RECENT = 1000
# Fewer finished images than this say little about a model: the catalog's figure stays.
MIN_HISTORY = 3


def nearest_rank(images: QuerySet[Image], percent: int) -> dict[str, tuple[int, int]]:
    """model id -> (the `percent`-th percentile of latency_ms, how many times it was taken
    over), over the succeeded and measured ones of `images`."""
    measured = images.filter(status=Image.Status.SUCCEEDED, latency_ms__isnull=False)
    ranked = (
        measured.annotate(
            rank=Window(
                RowNumber(), partition_by=[F("model_id")], order_by=[F("latency_ms"), F("id")]
            ),
            measured=Window(Count("pk"), partition_by=[F("model_id")]),
        )
        # ceil(p * n / 100) in integer arithmetic.
        .filter(rank=(F("measured") * percent + 99) / 100)
        .values_list("model_id", "latency_ms", "measured")
        .order_by()
    )
    # `latency or 0`: never None here (filtered above); the type does not know.
    return {model_id: (latency or 0, count) for model_id, latency, count in ranked}


def typical_seconds(workspace_id: uuid.UUID) -> dict[str, float]:
    """model id -> median seconds an image took, for the models with enough history. Only the
    newest RECENT images are read (through the gallery's index)."""
    recent = (
        Image.objects.filter(workspace_id=workspace_id, deleted_at=None)
        .order_by("-created_at", "-id")
        .values("pk")[:RECENT]
    )
    medians = nearest_rank(Image.objects.filter(pk__in=recent), 50)
    return {
        model_id: latency / 1000
        for model_id, (latency, count) in medians.items()
        if count >= MIN_HISTORY
    }
