"""How long a model usually takes in this workspace: the median (p50) time from the provider call
to its answer, over the workspace's recent finished images, per model. The Generate page shows
it instead of the catalog's typical seconds once a model has some history here, because a
workspace's own keys, regions and settings make its own times.

One query whatever the history's size: only the newest RECENT images are read (through the
gallery's index), and the median is picked per model by a window (nearest rank), which
PostgreSQL and SQLite both run.
"""

from __future__ import annotations

import uuid

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from generation.models import Image

RECENT = 1000
# Fewer finished images than this say little about a model: the catalog's figure stays.
MIN_HISTORY = 3


def typical_seconds(workspace_id: uuid.UUID) -> dict[str, float]:
    """model id -> median seconds an image took, for the models with enough history."""
    recent = (
        Image.objects.filter(workspace_id=workspace_id, deleted_at=None)
        .order_by("-created_at", "-id")
        .values("pk")[:RECENT]
    )
    medians = (
        Image.objects.filter(pk__in=recent, status=Image.Status.SUCCEEDED, latency_ms__isnull=False)
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("model_id")], order_by=[F("latency_ms"), F("id")]
            ),
            finished=Window(Count("pk"), partition_by=[F("model_id")]),
        )
        .filter(rank=(F("finished") + 1) / 2, finished__gte=MIN_HISTORY)
        .values_list("model_id", "latency_ms")
        .order_by()
    )
    return {model_id: (latency or 0) / 1000 for model_id, latency in medians}
