"""What every gallery grid shows, built once for the workspace gallery and a persona's gallery:
the filter read from the URL, one keyset page of images as cards, and the URLs its pieces use.

The filter lives in the URL of the page it is shown on (/gallery/?style=… or the persona's
page), so the back button and a pasted link give the same view; `url` is that page, `grid_url`
where the grid and its next pages are fetched, `filters_url` the filter panel with its counts.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from functools import cached_property
from urllib.parse import parse_qsl

from django.http import QueryDict

from avatarapp.workspaces.models import Membership
from gallery.links import Links
from gallery.models import PersonaCover, Tag
from gallery.query import STATUSES, GalleryFilter, Page
from gallery.query import page as keyset_page
from generation.models import Image
from personas.models import Persona

# The badge a card wears when its image is not done: the filter's own word for its state.
_BADGES = {
    state: (name, label)
    for name, (label, states) in STATUSES.items()
    if name != "done"
    for state in states
}
TAG_SUGGESTIONS = 500  # names offered as you type a tag; a workspace rarely has more
# What a card shows and its links need (and the keyset cursor: created_at): a page reads 48 rows,
# and the rest of a row (the prompt, the request, a dozen timestamps) costs time to fetch and load.
CARD_FIELDS = ("id", "status", "persona_name", "style_name", "created_at")


@dataclass(frozen=True)
class Card:
    image: Image
    href: str  # the image page, with the filter: its previous/next walk the same images
    thumbnail_url: str
    status: str  # "" when done, else failed / checking / cancelled / working
    status_label: str


@dataclass
class Grid:
    membership: Membership
    chosen: GalleryFilter  # with the persona fixed on a persona's gallery
    cursor: str
    url: str
    grid_url: str
    filters_url: str
    can_edit: bool
    persona: Persona | None = None

    @cached_property
    def page(self) -> Page:
        images = self.chosen.images(self.membership).only(*CARD_FIELDS)
        return keyset_page(images, self.cursor)

    @cached_property
    def cover_image_id(self) -> uuid.UUID | None:
        if self.persona is None:
            return None
        cover = PersonaCover.objects.filter(persona=self.persona, image__deleted_at=None)
        return cover.values_list("image_id", flat=True).first()

    @property
    def query(self) -> str:
        """The filter as the page's URL shows it (a persona's gallery has the persona in its
        path, not in its query)."""
        return self.chosen.to_query(personas=()) if self.persona else self.chosen.to_query()

    @property
    def page_url(self) -> str:
        return f"{self.url}?{self.query}" if self.query else self.url

    @property
    def more_query(self) -> str:
        return "&".join(part for part in (self.query, f"cursor={self.page.next_cursor}") if part)

    @cached_property
    def cards(self) -> list[Card]:
        full = self.chosen.to_query()
        suffix = f"?{full}" if full else ""
        image_page, thumbnail = Links("gallery:image"), Links("generation:image_file")
        return [
            Card(
                image,
                image_page(image.pk) + suffix,
                thumbnail(image.pk, "thumbnail"),
                *_badge(image),
            )
            for image in self.page.images
        ]

    @property
    def hidden_choices(self) -> list[tuple[str, str]]:
        """The choices made in the filter panel, as (name, value), for the form to carry until
        the panel itself arrives (and for good without JavaScript)."""
        # The "made from" and batch filters ride in fields of their own (_filter_fields.html):
        # the panel that replaces these has no choice for them, and would drop them.
        rest = self.chosen.to_query(
            search="", date_from=None, date_to=None, favourites=False, parent=None, jobs=()
        )
        return [(name, value) for name, value in parse_qsl(rest) if not self._fixed(name)]

    def _fixed(self, name: str) -> bool:
        return self.persona is not None and name == "persona"

    @property
    def parent_name(self) -> str:
        """The "made from" filter's image in words, or "" when it is not this workspace's."""
        return self.chosen.names.get("parent", {}).get(str(self.chosen.parent), "")

    @property
    def without_parent_url(self) -> str:
        return self._without(parent=None)

    @property
    def job_names(self) -> list[tuple[uuid.UUID, str]]:
        """The batches the gallery is narrowed to, as (id, title)."""
        names = self.chosen.names.get("job", {})
        return [(job, names[str(job)]) for job in self.chosen.jobs]

    @property
    def without_jobs_url(self) -> str:
        return self._without(jobs=())

    def _without(self, **changes: object) -> str:
        """This gallery's URL with `changes` made to its filter (a chip's "Remove" link)."""
        query = self.chosen.to_query(**changes, **({"personas": ()} if self.persona else {}))
        return f"{self.url}?{query}" if query else self.url

    @property
    def is_filtered(self) -> bool:
        return bool(self.query)

    def tag_names(self) -> list[str]:
        tags = Tag.objects.filter(workspace_id=self.membership.workspace_id).order_by("name")
        return list(tags.values_list("name", flat=True)[:TAG_SUGGESTIONS])


def _badge(image: Image) -> tuple[str, str]:
    return _BADGES.get(image.status, ("", ""))


def build(
    query: QueryDict,
    membership: Membership,
    *,
    url: str,
    grid_url: str,
    filters_url: str,
    can_edit: bool,
    persona: Persona | None = None,
) -> Grid:
    chosen = GalleryFilter.from_query(query, membership)
    if persona is not None:
        chosen = replace(chosen, personas=(persona.pk,))
    cursor = query.get("cursor", "")
    return Grid(membership, chosen, cursor, url, grid_url, filters_url, can_edit, persona)
