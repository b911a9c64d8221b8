"""Favourites and tags: what any member may add to the workspace's portraits. Every function takes
images already narrowed to the member's workspace (gallery.query, generation.access) and is
idempotent: favouriting twice or adding a tag an image has changes nothing."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from avatarapp.workspaces.models import Membership
from gallery.models import TAG_MAX_LENGTH, Favourite, ImageTag, Tag
from generation.models import Image


class TagError(ValueError):
    """A tag name that cannot be used; the message says why."""


def image_set_favourite(*, membership: Membership, images: Iterable[Image], on: bool) -> None:
    ids = [image.pk for image in images]
    if on:
        Favourite.objects.bulk_create(
            [Favourite(user_id=membership.user_id, image_id=i) for i in ids],
            ignore_conflicts=True,
        )
    else:
        Favourite.objects.filter(user_id=membership.user_id, image_id__in=ids).delete()


def _clean_tag_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise TagError("Type a tag name.")
    if len(name) > TAG_MAX_LENGTH:
        raise TagError(f"A tag can be at most {TAG_MAX_LENGTH} characters long.")
    return name


def _tag_get_or_create(membership: Membership, name: str) -> Tag:
    """The workspace's tag of that name (case-insensitive), made on first use."""
    name = _clean_tag_name(name)
    existing = Tag.objects.filter(workspace_id=membership.workspace_id, name__iexact=name).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Tag.objects.create(workspace_id=membership.workspace_id, name=name)
    except IntegrityError:  # someone made it a moment ago
        return Tag.objects.get(workspace_id=membership.workspace_id, name__iexact=name)


def image_add_tag(*, membership: Membership, images: Iterable[Image], name: str) -> Tag:
    tag = _tag_get_or_create(membership, name)
    ImageTag.objects.bulk_create(
        [ImageTag(image_id=image.pk, tag=tag) for image in images], ignore_conflicts=True
    )
    return tag


def image_remove_tag(*, membership: Membership, images: Iterable[Image], tag: Tag) -> None:
    if tag.workspace_id != membership.workspace_id:
        return  # another workspace's tag: as if it did not exist
    ImageTag.objects.filter(tag=tag, image_id__in=[image.pk for image in images]).delete()
