"""What a bulk action acts on: the portraits a person ticked, or every portrait matching a filter.

The browser says which; the server decides what that means, always inside the member's
workspace: an id of another workspace's image, of a deleted image or of nothing at all is simply
not in the result, so nothing happens to it. "Select all N matching" posts the filter's query
string, not N ids, and is read by the same `GalleryFilter` that drew the grid.

A selection is capped (SELECTION_LIMIT): a bulk action is one request, and a ZIP or a delete of
tens of thousands of images in one go is better split by a narrower filter.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import QueryDict

from avatarapp.workspaces.models import Membership
from gallery.query import GalleryFilter
from generation.models import Image

SELECTION_LIMIT = 5000


class SelectionError(ValueError):
    """A selection that cannot be acted on; the message says what to do."""


@dataclass(frozen=True)
class Selection:
    ids: list[uuid.UUID]  # newest first

    @property
    def images(self) -> QuerySet[Image]:
        return Image.objects.filter(pk__in=self.ids).order_by("-created_at", "-id")

    def __len__(self) -> int:
        return len(self.ids)


def resolve(data: QueryDict, membership: Membership) -> Selection:
    """The selection a bulk form posted: `all=1` with the filter's `query`, or the ticked ids
    (`image`, one field each without JavaScript; `images`, comma-separated, from gallery.js,
    which keeps thousands of ids under Django's limit on the number of fields)."""
    if data.get("all") == "1":
        chosen = GalleryFilter.from_query(QueryDict(data.get("query", "")), membership)
        images = chosen.images(membership)
    else:
        images = Image.objects.filter(
            workspace_id=membership.workspace_id, deleted_at=None, pk__in=_ids(data)
        ).order_by("-created_at", "-id")
    ids = list(images.values_list("pk", flat=True)[: SELECTION_LIMIT + 1])
    if not ids:
        raise SelectionError("Select at least one portrait first.")
    if len(ids) > SELECTION_LIMIT:
        raise _too_many()
    return Selection(ids)


def posted_ids(data: QueryDict) -> list[str]:
    """The ticked ids as posted, unchecked: one `image` field each, or gallery.js's `images`."""
    return data.getlist("image") + [i for i in data.get("images", "").split(",") if i]


def _ids(data: QueryDict) -> list[uuid.UUID]:
    posted = posted_ids(data)
    if len(posted) > SELECTION_LIMIT:
        raise _too_many()
    found = []
    for value in posted:
        try:
            found.append(uuid.UUID(value))
        except ValueError:
            continue  # not an id: it names no image
    return found


def _too_many() -> SelectionError:
    return SelectionError(
        f"Select at most {SELECTION_LIMIT:,} portraits at a time; narrow the filter."
    )
