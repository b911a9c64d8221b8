"""What became of a batch's images, in the words people use: "6 of 8 ready, 1 failed, 1
cancelled". The job page's progress bar (polled every 2 s) and the batches history say it the
same way, from the same groups of image states (the gallery's status filter uses them too)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from generation.models import Image, Job

Status = Image.Status
# The words people filter and count by, and the image states behind each.
STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    "done": (Status.SUCCEEDED,),
    "failed": (Status.FAILED,),
    "checking": (Status.NEEDS_RECONCILIATION,),
    "cancelled": (Status.CANCELLED,),
    "working": (Status.QUEUED, Status.RUNNING, Status.POLLING, Status.STORING),
}
GROUP_OF = {state: group for group, states in STATUS_GROUPS.items() for state in states}


@dataclass
class Counts:
    """A batch's images by what became of them; deleted ones count only as deleted."""

    done: int = 0
    failed: int = 0
    checking: int = 0
    cancelled: int = 0
    working: int = 0
    deleted: int = 0

    @property
    def total(self) -> int:
        return (
            self.done + self.failed + self.checking + self.cancelled + self.working + self.deleted
        )

    @property
    def ended(self) -> int:
        return self.total - self.working

    def sentence(self) -> str:
        """e.g. "6 of 8 ready, 1 failed, 1 cancelled"."""
        parts = [f"{self.done} of {self.total} ready"]
        if self.failed:
            parts.append(f"{self.failed} failed")
        if self.checking:
            parts.append(f"{self.checking} need{'s' if self.checking == 1 else ''} checking")
        if self.working:
            parts.append(f"{self.working} still being made")
        if self.cancelled:
            parts.append(f"{self.cancelled} cancelled")
        if self.deleted:
            parts.append(f"{self.deleted} deleted")
        return ", ".join(parts)


@dataclass(frozen=True)
class JobSummary:
    counts: Counts
    estimated: Decimal
    actual: Decimal

    @property
    def total(self) -> int:
        return self.counts.total

    @property
    def ended(self) -> int:
        return self.counts.ended

    @property
    def finished(self) -> bool:
        return self.counts.working == 0

    @property
    def percent(self) -> int:
        return round(100 * self.ended / self.total) if self.total else 100


def summarize(job: Job) -> JobSummary:
    """One aggregate query: the progress bar polls this every 2 s, so it never loads the rows."""
    shown = Q(deleted_at=None)
    totals = job.images.aggregate(
        deleted=Count("pk", filter=~shown),
        estimated=Sum("estimated_usd"),
        actual=Sum("actual_usd"),
        **{
            group: Count("pk", filter=shown & Q(status__in=states))
            for group, states in STATUS_GROUPS.items()
        },
    )
    return JobSummary(
        counts=Counts(**{field: totals[field] for field in (*STATUS_GROUPS, "deleted")}),
        estimated=totals["estimated"] or Decimal(0),
        actual=totals["actual"] or Decimal(0),
    )
