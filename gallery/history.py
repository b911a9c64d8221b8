"""The batches history (/jobs/): every batch of the workspace, newest first, each with who
started it and when, a strip of its first portraits, counts by status in plain words, and the
estimate beside the actual cost. Failed and needs-checking images are reached from here through
the gallery, filtered to the batch.

A page costs three queries whatever the number of batches or images: the batches (a keyset page,
like the gallery's), their images counted by status and persona in one grouped query, and up to
six thumbnails per batch in one windowed query.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, F, Q, Sum, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from avatarapp.money import price
from avatarapp.workspaces.models import Membership
from gallery.links import Links
from gallery.query import GalleryFilter, decode_cursor, encode_cursor
from generation.models import Campaign, Image, Job
from generation.progress import GROUP_OF, Counts

PAGE_SIZE = 20
THUMBNAILS = 6
PERSONAS_NAMED = 3
# The gallery page the "See the failed ones" links open (its filter reads job= and status=).
GALLERY_URL_NAME = "gallery:gallery"


@dataclass(frozen=True)
class Thumbnail:
    image: Image
    href: str  # the image page
    src: str  # the thumbnail file


@dataclass
class Batch:
    job: Job
    url: str  # the job page
    counts: Counts = field(default_factory=Counts)
    personas: set[str] = field(default_factory=set)
    estimated: Decimal = Decimal(0)
    actual: Decimal = Decimal(0)
    thumbnails: list[Thumbnail] = field(default_factory=list)

    @property
    def title(self) -> str:
        """Its name; a batch from before names says who is in it: "Mia Chen and Leo Park",
        "Ana, Ben, Cleo and 2 others"."""
        if self.job.name:
            return self.job.name
        names = sorted(self.personas, key=str.lower)
        if not names:
            return "An empty batch"
        if len(names) > PERSONAS_NAMED:
            others = len(names) - PERSONAS_NAMED
            names = [*names[:PERSONAS_NAMED], f"{others} other{'s' if others > 1 else ''}"]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    @property
    def when(self) -> str:
        return plain_when(self.job.created_at)

    @property
    def costs(self) -> str:
        """The estimate beside what was spent, e.g. "Estimated $0.08, cost $0.055"."""
        if not self.estimated and not self.actual:
            return "Free"
        so_far = " so far" if self.counts.working else ""
        return f"Estimated {price(self.estimated)}, cost {price(self.actual)}{so_far}"

    @property
    def more(self) -> int:
        """Ready portraits beyond the strip."""
        return max(self.counts.done - len(self.thumbnails), 0)

    def gallery_url(self, *statuses: str) -> str:
        chosen = GalleryFilter(jobs=(self.job.pk,), statuses=statuses)
        return f"{reverse(GALLERY_URL_NAME)}?{chosen.to_query()}"

    @property
    def all_url(self) -> str:
        return self.gallery_url()

    @property
    def failed_url(self) -> str:
        return self.gallery_url("failed")

    @property
    def checking_url(self) -> str:
        return self.gallery_url("checking")


@dataclass(frozen=True)
class HistoryPage:
    batches: list[Batch]
    next_cursor: str  # "" on the last page


def history_page(
    membership: Membership,
    cursor: str = "",
    size: int = PAGE_SIZE,
    campaign: Campaign | None = None,
) -> HistoryPage:
    """One page of the member's workspace's batches, newest first, after `cursor` (a bad cursor
    starts from the newest); only `campaign`'s when given (the caller checked it is the
    workspace's: generation.campaigns.filter_choice)."""
    jobs = Job.objects.filter(workspace_id=membership.workspace_id).select_related(
        "created_by", "campaign"
    )
    if campaign is not None:
        jobs = jobs.filter(campaign=campaign)
    position = decode_cursor(cursor)
    if position is not None:
        created_at, job_id = position
        jobs = jobs.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=job_id))
    found = list(jobs.order_by("-created_at", "-id")[: size + 1])
    more = len(found) > size
    job_page = Links("generation:job")
    batches = {job.pk: Batch(job, job_page(job.pk)) for job in found[:size]}
    if batches:
        _count(batches)
        _thumbnails(batches)
    page = list(batches.values())
    return HistoryPage(page, encode_cursor(page[-1].job) if more else "")


def _count(batches: dict[uuid.UUID, Batch]) -> None:
    rows = (
        Image.objects.filter(job_id__in=batches)
        .values("job_id", "status", "persona_name")
        .annotate(
            n=Count("pk"),
            deleted=Count("pk", filter=Q(deleted_at__isnull=False)),
            estimated=Sum("estimated_usd"),
            actual=Sum("actual_usd"),
        )
        .order_by()
    )
    for row in rows:
        batch = batches[row["job_id"]]
        word = GROUP_OF[row["status"]]
        setattr(batch.counts, word, getattr(batch.counts, word) + row["n"] - row["deleted"])
        batch.counts.deleted += row["deleted"]
        batch.personas.add(row["persona_name"])
        # Deleted images keep their costs: the money was spent.
        batch.estimated += row["estimated"] or 0
        batch.actual += row["actual"] or 0


def _thumbnails(batches: dict[uuid.UUID, Batch]) -> None:
    first_ready = (
        Image.objects.filter(job_id__in=batches, status=Image.Status.SUCCEEDED, deleted_at=None)
        .annotate(
            place=Window(
                RowNumber(), partition_by=[F("job_id")], order_by=[F("created_at"), F("id")]
            )
        )
        .filter(place__lte=THUMBNAILS)
        .only("pk", "job_id", "persona_name", "style_name")
        .order_by("job_id", "place")
    )
    image_page, image_file = Links("gallery:image"), Links("generation:image_file")
    for image in first_ready:
        thumbnail = Thumbnail(image, image_page(image.pk), image_file(image.pk, "thumbnail"))
        batches[image.job_id].thumbnails.append(thumbnail)


def plain_when(moment: datetime, now: datetime | None = None) -> str:
    """ "Just now", "5 minutes ago", "Today at 14:05", "Yesterday at 09:12", "Monday at 10:00",
    "3 Dec at 10:00", "3 Dec 2025"."""
    now = timezone.localtime(now or timezone.now())
    local = timezone.localtime(moment)
    clock = f"{local:%H:%M}"
    days = (now.date() - local.date()).days
    minutes = int((now - local).total_seconds() // 60)
    if days == 0 and minutes < 1:
        return "Just now"
    if days == 0 and minutes < 60:
        return f"{minutes} minute{'s' if minutes > 1 else ''} ago"
    if days == 0:
        return f"Today at {clock}"
    if days == 1:
        return f"Yesterday at {clock}"
    if 1 < days < 7:
        return f"{local:%A} at {clock}"
    if local.year == now.year:
        return f"{local.day} {local:%b} at {clock}"
    return f"{local.day} {local:%b %Y}"
