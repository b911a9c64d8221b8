"""What the image page (the lightbox) shows beside the image: its neighbours in the gallery's
current selection, its tags with suggestions for more, and the link that reuses its settings."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.urls import reverse

from avatarapp.workspaces.models import Membership
from catalog import CatalogError, get_model
from gallery.models import TAG_MAX_LENGTH, Tag
from generation.models import Image, Origin

SUGGESTIONS_SHOWN = 8
CHILDREN_SHOWN = 8  # the newest; the gallery's "edits of this image" filter lists them all


@dataclass(frozen=True)
class Lineage:
    parent: Image | None  # None: made from a prompt, or its parent was deleted
    children: list[Image]  # the newest CHILDREN_SHOWN still shown
    child_count: int


def lineage(image: Image) -> Lineage:
    """What `image` was made from and what was made from it, deleted images left out. Both stay
    within its workspace (a child is always made in its parent's), checked again all the same."""
    shown = Image.objects.filter(workspace_id=image.workspace_id, deleted_at=None)
    parent = shown.filter(pk=image.parent_id).first() if image.parent_id else None
    children = shown.filter(parent_id=image.pk).order_by("-created_at", "-id")
    found = list(children[:CHILDREN_SHOWN])
    count = len(found) if len(found) < CHILDREN_SHOWN else children.count()
    return Lineage(parent, found, count)


def neighbours(
    selection: QuerySet[Image], image: Image
) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """(newer, older): the ids either side of `image` in `selection` (ordered newest first), the
    lightbox's previous and next. Two small queries that walk the gallery's keyset index from
    the image's position, so they cost the same at image 1 and image 100,000. The image itself
    need not be in the selection (a link opened after the filter stopped matching it): its
    neighbours are still the images around its place in the order."""
    at, pk = image.created_at, image.pk
    newer = (
        selection.filter(Q(created_at__gt=at) | Q(created_at=at, pk__gt=pk))
        .order_by("created_at", "id")
        .values_list("pk", flat=True)
        .first()
    )
    older = (
        selection.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    return newer, older


def tags_of(image: Image) -> list[Tag]:
    return list(Tag.objects.filter(image_tags__image=image).order_by("name"))


def suggestions(membership: Membership, image: Image, typed: str = "") -> list[Tag]:
    """The workspace's tags the image does not have yet, those containing `typed` (as you type
    in the add field), alphabetically, a few at a time."""
    tags = Tag.objects.filter(workspace_id=membership.workspace_id).exclude(image_tags__image=image)
    typed = " ".join(typed.split())[:TAG_MAX_LENGTH]
    if typed:
        tags = tags.filter(name__icontains=typed)
    return list(tags.order_by("name")[:SUGGESTIONS_SHOWN])


def reuse_url(image: Image) -> str:
    """The Generate page, prefilled with this image's persona, style, model and settings, its
    batch's campaign, and its seed when the model takes one (generation.prefill checks every
    value again there)."""
    params: list[tuple[str, object]] = []
    if image.persona_id:  # a deleted persona: the page says so, Generate opens without one
        params.append(("persona", image.persona_id))
    params += [
        ("style", image.style_key),
        ("model", image.model_id),
        ("aspect_ratio", image.aspect_ratio),
        ("resolution", image.resolution),
        ("quality", image.quality),
    ]
    if _takes_seed(image.model_id):
        params.append(("seed", image.seed))
    if image.job.campaign_id:  # the batch's campaign, so the new batch is counted with it
        params.append(("campaign", image.job.campaign_id))
    return f"{reverse('generation:generate')}?{urlencode(params)}"


def _takes_seed(model_id: str) -> bool:
    try:
        return get_model(model_id).capabilities.seed
    except CatalogError:  # a model the catalog no longer has; Generate will say so
        return False


def credentials_sentence(image: Image) -> str:
    """What the provider's file said about itself (Image.credentials, read when it was stored),
    in one sentence; "" when there is nothing to say (stored before they were read, or text we
    drew, which came from no provider)."""
    summary = image.credentials
    if summary is None or image.origin == Origin.OVERLAY:
        return ""
    if not summary.get("has_manifest"):
        return "The provider's file carried no Content Credentials."
    if summary.get("unreadable"):
        return "The provider's file carried Content Credentials that could not be read."
    issuer = summary.get("issuer") or "an unnamed issuer"
    software = ", ".join(summary.get("software") or []) or summary.get("claim_generator") or ""
    steps = ", ".join(_step(action) for action in summary.get("actions") or [])
    sentence = f"Content Credentials from {issuer}"
    sentence += f": created by {software}" if software else ""
    sentence += f"; steps recorded: {steps}." if steps else "."
    if summary.get("validation_state") == "Invalid":
        sentence += " They do not check out: the file was changed after they were signed."
    return sentence


def _step(action: str) -> str:
    """c2pa.color_adjustments -> colour adjustments: the action's name in words."""
    words = action.removeprefix("c2pa.").replace("_", " ").replace(".", " ")
    return words.replace("color", "colour")
