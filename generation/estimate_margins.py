"""Estimates that learn from bills above them (issue 19, item 7).

An estimate is the most an image may cost, and the budget reserves it. When a settlement comes in
above its reservation (a provider billed more tokens than our allowance, a price went up before
the catalog did), that model's worst actual / estimate ratio is kept, and every later estimate of
the model is multiplied by it (catalog.estimate's `margin`), so the next reservation covers what
the model really billed.

Cheap to be wrong, on purpose: a margin only ever makes reservations larger, and a reservation is
given back in full when the image settles, so a margin set too high costs headroom in the month's
budget, never money. It is capped at MAX_MARGIN: a model billing more than that over its estimate
has a wrong price rule, which is fixed in the catalog's data, not papered over here. Only bills
from the pipeline teach it (the provider's own figures, or our price table); an amount a person
enters while resolving a flagged image does not, since a typo there would inflate every estimate.
Deleting a model's row (Django admin or shell) after its price rule is fixed starts it afresh.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_CEILING, Decimal

from generation.models import EstimateMargin

ONE = Decimal(1)
MAX_MARGIN = Decimal(3)
RATIO_STEP = Decimal("0.0001")  # EstimateMargin.ratio's decimal places


def margins_for(model_ids: Iterable[str]) -> dict[str, Decimal]:
    """Each model's margin (1 for a model that never billed above its estimate), in one query."""
    wanted = set(model_ids)
    found = dict(
        EstimateMargin.objects.filter(model_id__in=wanted).values_list("model_id", "ratio")
    )
    return {model_id: found.get(model_id, ONE) for model_id in wanted}


def margin_for(model_id: str) -> Decimal:
    return margins_for([model_id])[model_id]


def learn(model_id: str, reserved: Decimal, actual: Decimal) -> None:
    """Remember a settlement above its reservation. The reservation already carried the model's
    margin, so the new ratio is that margin times actual / reserved: the worst seen (never
    lower), capped, rounded up so that the next estimate of the same request covers `actual`.
    (A reservation made before the margin last grew makes this larger than needed: cheap.)"""
    if reserved <= 0 or actual <= reserved:
        return
    margin, created = EstimateMargin.objects.get_or_create(
        model_id=model_id, defaults=_fields(ONE, reserved, actual)
    )
    if not created:
        fields = _fields(margin.ratio, reserved, actual)
        # Conditional, so two settlements at once keep the larger ratio whatever their order.
        EstimateMargin.objects.filter(pk=margin.pk, ratio__lt=fields["ratio"]).update(**fields)


def _fields(margin: Decimal, reserved: Decimal, actual: Decimal) -> dict[str, Decimal]:
    ratio = (margin * actual / reserved).quantize(RATIO_STEP, rounding=ROUND_CEILING)
    return {"ratio": min(MAX_MARGIN, ratio), "estimated_usd": reserved, "actual_usd": actual}
