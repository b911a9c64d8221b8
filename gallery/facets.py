"""How many images each filter value would show: the counts beside every choice in the gallery's
filter panel. Each dimension is counted with every other filter applied but not its own, so a
person sees what choosing another persona (or a second one) would give. One grouped query per
dimension, whatever the number of images or values: nine queries in all.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Max

from avatarapp.workspaces.models import Membership
from catalog import model_name
from gallery.models import ImageTag, ReviewState
from gallery.query import STATUSES, GalleryFilter
from generation.providers.registry import display_name as provider_name
from personas.style_specs import BUILTIN_BY_KEY


@dataclass(frozen=True)
class FacetValue:
    value: str  # what goes in the URL
    label: str  # what a person reads
    count: int
    selected: bool


def facets(chosen: GalleryFilter, membership: Membership) -> dict[str, list[FacetValue]]:
    counted = {
        "persona": _grouped(chosen, membership, "persona", "persona_id", "persona_name"),
        "style": _grouped(chosen, membership, "style", "style_key", "style_name"),
        "model": _models(chosen, membership),
        "provider": _providers(chosen, membership),
        "status": _statuses(chosen, membership),
        "by": _grouped(chosen, membership, "by", "job__created_by_id", "job__created_by__email"),
        "campaign": _grouped(
            chosen, membership, "campaign", "job__campaign_id", "job__campaign__name"
        ),
        "tag": _tags(chosen, membership),
        "review": _reviews(chosen, membership),
    }
    for dimension, values in counted.items():
        values += _chosen_but_unmatched(chosen, dimension, values)
    return counted


def _chosen_but_unmatched(
    chosen: GalleryFilter, dimension: str, counted: list[FacetValue]
) -> list[FacetValue]:
    """Chosen values that no image matches under the other filters (Mia ticked, then "Failed",
    and Mia has no failed portrait): still listed, ticked, with 0, so they can be unticked."""
    shown = {value.value for value in counted}
    return [
        FacetValue(value, _chosen_label(chosen, dimension, value), 0, True)
        for value in sorted(_selected(chosen, dimension) - shown)
    ]


def _chosen_label(chosen: GalleryFilter, dimension: str, value: str) -> str:
    if dimension in chosen.names:  # persona, tag, person, campaign: named when it was read
        return chosen.names[dimension].get(value, value)
    if dimension == "model":
        return model_name(value)
    if dimension == "provider":
        return provider_name(value)
    if dimension == "style" and value in BUILTIN_BY_KEY:
        return BUILTIN_BY_KEY[value].name
    if dimension == "style":
        return "A style no portrait uses"
    return value


def _selected(chosen: GalleryFilter, dimension: str) -> set[str]:
    values = {
        "persona": chosen.personas,
        "style": chosen.styles,
        "model": chosen.models,
        "provider": chosen.providers,
        "status": chosen.statuses,
        "by": chosen.created_by,
        "campaign": chosen.campaigns,
        "tag": chosen.tags,
        "review": chosen.reviews,
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
    return [FacetValue(v.value, provider_name(v.value), v.count, v.selected) for v in values]


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


def _reviews(chosen: GalleryFilter, membership: Membership) -> list[FacetValue]:
    """Review states, once any image has been shared for review (before that, every image is
    "not submitted" and the choice would say nothing)."""
    rows = (
        chosen.images(membership, without="review")
        .values("review__state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: Counter[str] = Counter()
    for row in rows:
        counts[row["review__state"] or ReviewState.NOT_SUBMITTED] += row["n"]
    selected = _selected(chosen, "review")
    if set(counts) <= {ReviewState.NOT_SUBMITTED} and not selected:
        return []
    return [
        FacetValue(state, label, counts[state], state in selected)
        for state, label in ReviewState.choices
        if counts[state] or state in selected
    ]


def matching_total(counted: dict[str, list[FacetValue]]) -> int:
    """How many images the whole filter selects, read off the status counts with no query of
    its own: every image has exactly one status, and each status is counted with every other
    filter applied, so the chosen statuses (or all, when none is chosen) add up to it."""
    statuses = counted["status"]
    chosen = [value for value in statuses if value.selected]
    return sum(value.count for value in chosen or statuses)
