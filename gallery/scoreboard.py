"""The scoreboard: how each model has done in one workspace, on the team's own briefs - the
table the published model comparisons print (wins, cost, seconds, failures), measured here.

What counts, and why:
- Images: those a model made from a brief (origin "generated"). Text added to a portrait and
  edits of one are made from another image, not by a model from a brief. Images deleted from
  the gallery still count, as they do on the Costs page: the model made them and they were paid
  for; deleting a portrait does not change how the model did.
- Failure rate: failed images over ended ones. An image has ended when its status is final
  (generation.image_states.FINAL) and it was not cancelled: a cancel is a person's choice and
  says nothing about the model. "Failed" is what the app shows as an error (Image.went_wrong):
  failed, or flagged for checking because the provider's answer never came back.
- Cost per image: the mean actual cost of the succeeded images that have one.
- Times: p50 and p95 of the succeeded images' measured times, nearest-rank
  (generation.latency.nearest_rank: the k-th smallest of n, k = ceil(p * n / 100)).
- Comparisons: rows of closed bake-offs that had the model among their candidates and ended
  won or tied. A row nobody voted on ("no votes") judged nothing, so it is not a comparison; an
  open bake-off has not decided anything yet.
- Wins: rows the model won outright. A tie is not a win (two models "winning" one row would
  make a row's win rates add up past 100%); ties are counted and shown beside the wins, and the
  row stays a comparison: it was judged, and the model did not come out ahead alone.

Queries: one grouped query of the images, one for both percentiles (the database sorts the
succeeded times and returns a row or two per model), one for the bake-off rows, whatever the
history's size: at 100,000 images in one workspace, about 0.4 s in all on PostgreSQL (0.9 s
with a query per percentile). The bake-off rows are tallied here in Python: each is a vote a
team held by hand, so they are counted in hundreds, not in images' hundreds of thousands.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum

from catalog import model_name
from gallery.models import BakeOffRow, RowOutcome
from generation import image_states
from generation.latency import nearest_rank
from generation.models import Image, Origin

S = image_states.ImageStatus
ENDED = image_states.FINAL - {S.CANCELLED}
WENT_WRONG = frozenset({S.FAILED, S.NEEDS_RECONCILIATION})
JUDGED = (RowOutcome.WON, RowOutcome.TIED)


def percent(part: int, whole: int) -> str:
    """ "67%" for 2 of 3: whole percents, halves rounded up."""
    share = (Decimal(part * 100) / whole).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{share}%"


@dataclass(frozen=True)
class ModelScore:
    model_id: str
    comparisons: int = 0
    wins: int = 0
    ties: int = 0
    ended: int = 0
    failed: int = 0
    priced: int = 0  # succeeded images with an actual cost
    cost_usd: Decimal = Decimal(0)  # what those cost together
    p50_ms: int | None = None
    p95_ms: int | None = None

    @property
    def name(self) -> str:
        return model_name(self.model_id)

    @property
    def win_rate(self) -> str:
        return percent(self.wins, self.comparisons) if self.comparisons else ""

    @property
    def failure_rate(self) -> str:
        return percent(self.failed, self.ended) if self.ended else ""

    @property
    def mean_cost_usd(self) -> Decimal | None:
        return self.cost_usd / self.priced if self.priced else None

    def _order(self) -> tuple[bool, Decimal, int, str]:
        rate = Decimal(self.wins) / self.comparisons if self.comparisons else Decimal(0)
        return (not self.comparisons, -rate, -self.wins, self.name.lower())


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


def scoreboard(
    workspace_id: uuid.UUID, *, persona_id: uuid.UUID | None = None, style_key: str = ""
) -> list[ModelScore]:
    """One ModelScore per model with something to show (an ended image or a comparison), the
    best win rate first, then the models never compared, by name."""
    images = generated_images(workspace_id)
    rows = BakeOffRow.objects.filter(
        bakeoff__workspace_id=workspace_id, bakeoff__closed_at__isnull=False, outcome__in=JUDGED
    )
    if persona_id:
        images, rows = images.filter(persona_id=persona_id), rows.filter(persona_id=persona_id)
    if style_key:
        images, rows = images.filter(style_key=style_key), rows.filter(style_key=style_key)
    figures = _image_figures(images)
    votes = _vote_figures(rows)
    times = nearest_rank(images, [50, 95])
    scores = [
        ModelScore(
            model_id,
            **votes.get(model_id, {}),
            **figures.get(model_id, {}),
            p50_ms=times[model_id].at[50] if model_id in times else None,
            p95_ms=times[model_id].at[95] if model_id in times else None,
        )
        for model_id in figures.keys() | votes.keys()
    ]
    return sorted(
        (score for score in scores if score.ended or score.comparisons), key=ModelScore._order
    )


def generated_images(workspace_id: uuid.UUID) -> QuerySet[Image]:
    """The workspace's images made by a model from a brief, deleted ones included."""
    return Image.objects.filter(workspace_id=workspace_id, origin=Origin.GENERATED)


def _image_figures(images: QuerySet[Image]) -> dict[str, dict[str, Any]]:
    succeeded = Q(status=S.SUCCEEDED)
    grouped = (
        images.values("model_id")
        .annotate(
            ended=Count("pk", filter=Q(status__in=ENDED)),
            failed=Count("pk", filter=Q(status__in=WENT_WRONG)),
            priced=Count("pk", filter=succeeded & Q(actual_usd__isnull=False)),
            cost_usd=Sum("actual_usd", filter=succeeded, default=Decimal(0)),
        )
        .order_by()
    )
    return {row.pop("model_id"): row for row in grouped}


def _vote_figures(rows: QuerySet[BakeOffRow]) -> dict[str, dict[str, Any]]:
    comparisons: Counter[str] = Counter()
    wins: Counter[str] = Counter()
    ties: Counter[str] = Counter()
    judged = rows.values_list("model_ids", "outcome", "winner_model_id", "tied_model_ids")
    for candidates, outcome, winner, tied in judged:
        comparisons.update(set(candidates))
        if outcome == RowOutcome.WON:
            wins[winner] += 1
        else:
            ties.update(set(tied))
    return {
        model_id: {"comparisons": n, "wins": wins[model_id], "ties": ties[model_id]}
        for model_id, n in comparisons.items()
    }


def persona_choices(workspace_id: uuid.UUID) -> list[Choice]:
    """The workspace's personas that have generated images, by their current names."""
    personas = (
        generated_images(workspace_id)
        .filter(persona__isnull=False)
        .values_list("persona_id", "persona__name")
        .distinct()
        .order_by()
    )
    return sorted((Choice(str(pk), name) for pk, name in personas), key=_by_label)


def style_choices(workspace_id: uuid.UUID) -> list[Choice]:
    """The styles the workspace's generated images used, each by a name it went by (the images
    keep the name a style had when they were made; a renamed style has had two)."""
    styles = (
        generated_images(workspace_id)
        .values("style_key")
        .annotate(name=Max("style_name"))
        .values_list("style_key", "name")
        .order_by()
    )
    return sorted((Choice(key, name) for key, name in styles), key=_by_label)


def _by_label(choice: Choice) -> str:
    return choice.label.lower()
