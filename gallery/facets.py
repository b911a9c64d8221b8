"""How many images each filter value would show: the counts beside every choice in the gallery's
filter panel. Each dimension is counted with every other filter applied but not its own, so a
person sees what choosing another persona (or a second one) would give. One grouped query per
dimension, whatever the number of images or values: seven queries in all.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Max

from avatarapp.workspaces.models import Membership
from gallery.models import ImageTag
from gallery.naming import model_name
from gallery.query import STATUSES, GalleryFilter
from generation.keychoice import PROVIDER_NAMES

BUILTIN_NAMES = {"builtin": "Built-in renderer"}


@dataclass(frozen=True)
class FacetValue:
    value: str  # what goes in the URL
    label: str  # what a person reads
    count: int
    selected: bool


def facets(chosen: GalleryFilter, membership: Membership) -> dict[str, list[FacetValue]]:
    return {
        "persona": _grouped(chosen, membership, "persona", "persona_id", "persona_name"),
        "style": _grouped(chosen, membership, "style", "style_key", "style_name"),
        "model": _models(chosen, membership),
        "provider": _providers(chosen, membership),
        "status": _statuses(chosen, membership),
        "by": _grouped(chosen, membership, "by", "job__created_by_id", "job__created_by__email"),
        "tag": _tags(chosen, membership),
    }


def _selected(chosen: GalleryFilter, dimension: str) -> set[str]:
    values = {
        "persona": chosen.personas,
        "style": chosen.styles,
        "model": chosen.models,
        "provider": chosen.providers,
        "status": chosen.statuses,
        "by": chosen.created_by,
        "tag": chosen.tags,
    }[dimension]
    return {str(value) for value in values}


def _grouped(
    chosen: GalleryFilter, membership: Membership, dimension: str, key: str, label: str
) -> list[FacetValue]:
    rows = (
        chosen.images(membership, without=dimension)
        .exclude(**{f"{key}__isnull": True})
        .values(key)
        .annotate(n=Count("pk"), label=Max(label))
        .order_by()
    )
    selected = _selected(chosen, dimension)
    found = [
        FacetValue(str(row[key]), str(row["label"]), row["n"], str(row[key]) in selected)
        for row in rows
    ]
    return sorted(found, key=lambda value: value.label.lower())


def _models(chosen: GalleryFilter, membership: Membership) -> list[FacetValue]:
    values = _grouped(chosen, membership, "model", "model_id", "model_id")
    return sorted(
        (FacetValue(v.value, model_name(v.value), v.count, v.selected) for v in values),
        key=lambda value: value.label.lower(),
    )


def _providers(chosen: GalleryFilter, membership: Membership) -> list[FacetValue]:
    values = _grouped(chosen, membership, "provider", "provider", "provider")
    names = {**PROVIDER_NAMES, **BUILTIN_NAMES, "openai_compatible": "Your own server"}
    return [FacetValue(v.value, names.get(v.value, v.value), v.count, v.selected) for v in values]


def _statuses(chosen: GalleryFilter, membership: Membership) -> list[FacetValue]:
    rows = (
        chosen.images(membership, without="status")
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_state = {row["status"]: row["n"] for row in rows}
    counts: Counter[str] = Counter()
    for name, (_label, states) in STATUSES.items():
        counts[name] = sum(by_state.get(state, 0) for state in states)
    selected = _selected(chosen, "status")
    return [
        FacetValue(name, label, counts[name], name in selected)
        for name, (label, _states) in STATUSES.items()
        if counts[name] or name in selected
    ]


def _tags(chosen: GalleryFilter, membership: Membership) -> list[FacetValue]:
    images = chosen.images(membership, without="tag").order_by().values("pk")
    rows = (
        ImageTag.objects.filter(image__in=images)
        .values("tag_id", "tag__name")
        .annotate(n=Count("image_id"))
        .order_by("tag__name")
    )
    selected = _selected(chosen, "tag")
    return [
        FacetValue(str(row["tag_id"]), row["tag__name"], row["n"], str(row["tag_id"]) in selected)
        for row in rows
    ]
