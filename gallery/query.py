"""The gallery's filters, read from the URL query, and the pages of images they select.

One `GalleryFilter` serves every list that shows images (the workspace gallery, a persona's
gallery, the lightbox's previous/next, "select all N matching", the ZIP): parse the query string
once, then `images()` gives the queryset and `page()` a keyset page of it.

Bad input never fails the page: a value that cannot be read (a malformed date, an unknown status,
a long search) is dropped with a sentence in `problems`; another workspace's persona, tag, batch
or person is dropped silently, exactly as if it did not exist (it does not, for this workspace).
A campaign that is not this workspace's is dropped with a sentence: campaign links are passed
around (a client's report, a bookmark) and outlive deleted campaigns, so the person is told why
the gallery shows more than the link promised.

Pagination is by keyset, newest first: (created_at, id) of the last image shown, so page 500 costs
what page 1 costs and images arriving meanwhile never shift a page (no OFFSET).
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from avatarapp.workspaces.models import Membership
from gallery import search
from gallery.models import Favourite, ImageTag, ReviewState, Tag
from gallery.reviews import in_review_states
from generation import campaigns as workspace_campaigns
from generation.models import Image, Job
from generation.progress import STATUS_GROUPS
from personas.models import Persona

PAGE_SIZE = 48
# The words people filter by (generation.progress groups the image states behind each).
STATUSES: dict[str, tuple[str, tuple[str, ...]]] = {
    name: (label, STATUS_GROUPS[name])
    for name, label in (
        ("done", "Done"),
        ("failed", "Failed"),
        ("checking", "Needs checking"),
        ("cancelled", "Cancelled"),
        ("working", "In progress"),
    )
}
_TEXT_VALUE_MAX = 80  # style keys, model ids and provider names are short


@dataclass(frozen=True)
class GalleryFilter:
    personas: tuple[uuid.UUID, ...] = ()
    styles: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    created_by: tuple[int, ...] = ()
    tags: tuple[int, ...] = ()
    jobs: tuple[uuid.UUID, ...] = ()  # one batch's images (the batches history links here)
    campaigns: tuple[uuid.UUID, ...] = ()  # the images of these campaigns' batches
    # The images made from this one (text added, edits): its page links here. Kept even when no
    # image of this workspace has that id, so another workspace's id selects nothing.
    parent: uuid.UUID | None = None
    date_from: date | None = None
    date_to: date | None = None
    favourites: bool = False
    reviews: tuple[str, ...] = ()  # review states (gallery.reviews)
    search: str = ""
    problems: tuple[str, ...] = field(default=(), compare=False)
    # What a person reads for each chosen persona, tag and person, by dimension and value: read
    # with the ids (no extra query), so the filter panel can name a choice no image matches any
    # more, and the person can untick it.
    names: dict[str, dict[str, str]] = field(default_factory=dict, compare=False, hash=False)

    # --- reading the URL ---------------------------------------------------------------------

    @classmethod
    def from_query(cls, query: QueryDict, membership: Membership) -> GalleryFilter:
        problems: list[str] = []
        workspace_id = membership.workspace_id
        wanted_personas = _uuids(query.getlist("persona"), "persona", problems)
        personas = Persona.objects.filter(workspace_id=workspace_id, pk__in=wanted_personas)
        wanted_tags = _ints(query.getlist("tag"), "tag", problems)
        tags = Tag.objects.filter(workspace_id=workspace_id, pk__in=wanted_tags)
        wanted_people = _ints(query.getlist("by"), "person", problems)
        people = Membership.objects.filter(workspace_id=workspace_id, user_id__in=wanted_people)
        wanted_jobs = _uuids(query.getlist("job"), "batch", problems)
        jobs = Job.objects.filter(workspace_id=workspace_id, pk__in=wanted_jobs).only(
            "pk", "name", "created_at"
        )
        wanted_campaigns = set(_uuids(query.getlist("campaign"), "campaign", problems))
        campaigns = workspace_campaigns.of_workspace(workspace_id).filter(pk__in=wanted_campaigns)
        campaign_names = {str(pk): name for pk, name in campaigns.values_list("pk", "name")}
        if len(campaign_names) < len(wanted_campaigns):
            problems.append(workspace_campaigns.LEFT_OUT)
        parents = _uuids(query.getlist("parent")[:1], "“made from”", problems)
        parent = parents[0] if parents else None
        statuses = []
        for status in query.getlist("status"):
            if status in STATUSES:
                statuses.append(status)
            else:
                problems.append(f"“{status[:40]}” is not a status; showing every status.")
        review_states = []
        for state in query.getlist("review"):
            if state in ReviewState.values:
                review_states.append(state)
            else:
                problems.append(f"“{state[:40]}” is not a review state; showing every state.")
        date_from = _date(query.get("from", ""), "From", problems)
        date_to = _date(query.get("to", ""), "To", problems)
        if date_from and date_to and date_from > date_to:
            problems.append("The “from” date is after the “to” date; showing every date.")
            date_from = date_to = None
        text = " ".join(query.get("q", "").split())
        if len(text) > search.MAX_LENGTH:
            problems.append(f"Only the first {search.MAX_LENGTH} characters of a search count.")
            text = text[: search.MAX_LENGTH]
        if text and not search.has_words(text):
            problems.append("Type a word to search for.")
            text = ""
        names = {
            "persona": {str(pk): name for pk, name in personas.values_list("pk", "name")},
            "tag": {str(pk): name for pk, name in tags.values_list("pk", "name")},
            "by": {str(pk): email for pk, email in people.values_list("user_id", "user__email")},
            "parent": _parent_name(workspace_id, parent),
            "job": {str(job.pk): job.title for job in jobs},
            "campaign": campaign_names,
        }
        return cls(
            personas=tuple(sorted((uuid.UUID(pk) for pk in names["persona"]), key=str)),
            styles=_texts(query.getlist("style")),
            models=_texts(query.getlist("model")),
            providers=_texts(query.getlist("provider")),
            statuses=tuple(sorted(set(statuses))),
            created_by=tuple(sorted(int(pk) for pk in names["by"])),
            tags=tuple(sorted(int(pk) for pk in names["tag"])),
            jobs=tuple(sorted((uuid.UUID(pk) for pk in names["job"]), key=str)),
            campaigns=tuple(sorted((uuid.UUID(pk) for pk in campaign_names), key=str)),
            parent=parent,
            date_from=date_from,
            date_to=date_to,
            favourites=query.get("fav") == "1",
            reviews=tuple(sorted(set(review_states))),
            search=text,
            problems=tuple(problems),
            names=names,
        )

    def to_query(self, **changes: Any) -> str:
        """This filter as a URL query string (with `changes` applied), for links and htmx."""
        current = replace(self, **changes) if changes else self
        pairs: list[tuple[str, object]] = [("persona", p) for p in current.personas]
        pairs += [("style", s) for s in current.styles]
        pairs += [("model", m) for m in current.models]
        pairs += [("provider", p) for p in current.providers]
        pairs += [("status", s) for s in current.statuses]
        pairs += [("by", b) for b in current.created_by]
        pairs += [("tag", t) for t in current.tags]
        pairs += [("job", j) for j in current.jobs]
        pairs += [("campaign", c) for c in current.campaigns]
        pairs += [("review", r) for r in current.reviews]
        if current.parent:
            pairs.append(("parent", current.parent))
        if current.date_from:
            pairs.append(("from", current.date_from.isoformat()))
        if current.date_to:
            pairs.append(("to", current.date_to.isoformat()))
        if current.favourites:
            pairs.append(("fav", "1"))
        if current.search:
            pairs.append(("q", current.search))
        return urlencode(pairs)

    @property
    def is_empty(self) -> bool:
        return not self.to_query()

    # --- selecting images --------------------------------------------------------------------

    def images(self, membership: Membership, *, without: str = "") -> QuerySet[Image]:
        """The workspace's images (not deleted) this filter selects, newest first. `without`
        leaves one dimension out, for counting that dimension's values (gallery.facets)."""
        images: QuerySet[Image] = Image.objects.filter(
            workspace_id=membership.workspace_id, deleted_at=None
        )
        if self.personas and without != "persona":
            images = images.filter(persona_id__in=self.personas)
        if self.styles and without != "style":
            images = images.filter(style_key__in=self.styles)
        if self.models and without != "model":
            images = images.filter(model_id__in=self.models)
        if self.providers and without != "provider":
            images = images.filter(provider__in=self.providers)
        if self.statuses and without != "status":
            states = [state for name in self.statuses for state in STATUSES[name][1]]
            images = images.filter(status__in=states)
        if self.created_by and without != "by":
            images = images.filter(job__created_by_id__in=self.created_by)
        if self.tags and without != "tag":
            tagged = ImageTag.objects.filter(tag_id__in=self.tags).values("image_id")
            images = images.filter(pk__in=tagged)
        if self.jobs:
            images = images.filter(job_id__in=self.jobs)
        if self.campaigns and without != "campaign":
            images = images.filter(job__campaign_id__in=self.campaigns)
        if self.reviews and without != "review":
            images = images.filter(in_review_states(self.reviews))
        if self.parent:
            images = images.filter(parent_id=self.parent)
        if self.date_from:
            images = images.filter(created_at__gte=_start_of(self.date_from))
        if self.date_to:
            images = images.filter(created_at__lt=_start_of(self.date_to + timedelta(days=1)))
        if self.favourites:
            mine = Favourite.objects.filter(user_id=membership.user_id).values("image_id")
            images = images.filter(pk__in=mine)
        if self.search:
            images = search.matching(images, membership.workspace_id, self.search)
        return images.order_by("-created_at", "-id")


@dataclass(frozen=True)
class Page:
    images: list[Image]
    next_cursor: str  # "" on the last page


def page(images: QuerySet[Image], cursor: str = "", size: int = PAGE_SIZE) -> Page:
    """One page of `images` (ordered newest first) after `cursor`; a bad cursor starts over."""
    position = decode_cursor(cursor)
    if position is not None:
        created_at, image_id = position
        images = images.filter(
            Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=image_id)
        )
    found = list(images[: size + 1])
    more = len(found) > size
    found = found[:size]
    return Page(found, encode_cursor(found[-1]) if more else "")


def encode_cursor(row: Image | Job) -> str:
    """The keyset position of an image (or a batch: the history pages the same way)."""
    raw = f"{row.created_at.isoformat()}|{row.pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID] | None:
    if not cursor or len(cursor) > 200:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, image_id = raw.split("|")
        created_at = datetime.fromisoformat(moment)
        if created_at.tzinfo is None:
            return None
        return created_at, uuid.UUID(image_id)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def _parent_name(workspace_id: uuid.UUID, parent: uuid.UUID | None) -> dict[str, str]:
    """{id: "Maya Costa · Corporate"} for a parent in this workspace (deleted or not); empty for
    an id it does not have, which the chip then calls an image that is not here."""
    if parent is None:
        return {}
    found = Image.objects.filter(workspace_id=workspace_id, pk=parent)
    return {
        str(pk): f"{persona} · {style}"
        for pk, persona, style in found.values_list("pk", "persona_name", "style_name")
    }


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _uuids(values: list[str], what: str, problems: list[str]) -> list[uuid.UUID]:
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(value))
        except ValueError:
            problems.append(f"That {what} filter could not be read, so it was left out.")
    return found


def _ints(values: list[str], what: str, problems: list[str]) -> list[int]:
    found = []
    for value in values:
        if value.isdigit() and len(value) < 19:
            found.append(int(value))
        else:
            problems.append(f"That {what} filter could not be read, so it was left out.")
    return found


def _texts(values: list[str]) -> tuple[str, ...]:
    """Style keys, model ids, provider names: kept as given (they are compared, never shown
    unescaped), but only short ones; a value nobody has simply matches nothing."""
    return tuple(sorted({value for value in values if 0 < len(value) <= _TEXT_VALUE_MAX}))


def _date(text: str, label: str, problems: list[str]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(f"“{label}” must be a date like 2026-12-31; showing every date.")
        return None
