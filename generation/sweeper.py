"""The periodic sweeper: `transaction.on_commit` is not durable and workers die, so every few
seconds we look for rows that nobody is moving and move them (ARCHITECTURE.md rule 3). A running
or storing row counts as abandoned only once no live task could still hold it (the task time limit).

- queued and due, but untouched for a while: the enqueue was lost (crash between commit and
  publish, broker down): enqueue again. A duplicate is harmless, the claim lets one through.
- running without a provider call recorded: the worker died before calling; queue it again,
  unless it has used its attempts (it kills the worker every time): fail and release.
- running with a provider call recorded: the provider may have billed; flag for reconciliation.
- polling, untouched for longer than the longest poll interval allows: the poll task was lost;
  schedule a poll again (polls are idempotent GETs). Past the deadline: flag it.
- storing for too long: the worker died with the bytes in memory. An asynchronous provider still
  has the result, so poll again; a synchronous one does not, so flag it.
- anything past its deadline that has not reached the provider: fail and release.
- deleted from the gallery, but with files still stored a while later: the removal task was lost
  (a crash between commit and publish) or gave up while storage was down: enqueue it again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from catalog import get_model
from generation import ledger
from generation.failed_attempts import MAX_ATTEMPTS
from generation.models import FILES_TO_REMOVE, Image

Status = Image.Status
REMOVALS_PER_SWEEP = 1000  # a backlog of deleted files drains over a few sweeps


def _stale_after() -> timedelta:
    return timedelta(seconds=settings.GENERATION_STALE_SECONDS)


def _dead_after() -> timedelta:
    """How long a running or storing row must sit untouched before its worker counts as dead.
    FIX (fault suite): this used to be GENERATION_STALE_SECONDS (45 s), shorter than a provider
    call may take (gpt-image-2: ~60 s), so a live call was flagged and its paid-for result thrown
    away. A task may hold the row up to its hard time limit; only after that is it dead."""
    return max(_stale_after(), timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT))


def sweep() -> dict[str, int]:
    from generation.tasks import enqueue_image, enqueue_poll

    now = timezone.now()
    stale = now - _stale_after()
    counts = {"requeued": 0, "reconciled": 0, "repolled": 0, "expired": 0}

    # Never reached a provider and past the deadline: fail, and give the money back.
    for image in Image.objects.filter(
        status__in=[Status.QUEUED, Status.RUNNING], provider_call_at=None, deadline_at__lte=now
    ):
        with transaction.atomic():
            if Image.objects.filter(pk=image.pk, status=image.status, provider_call_at=None).update(
                status=Status.FAILED,
                error_message="It could not be started before its deadline. Retry to try again.",
                error_kind="deadline",
                finished_at=now,
            ):
                ledger.release(image, "deadline passed before any provider call")
                counts["expired"] += 1

    lost = Image.objects.filter(status=Status.QUEUED, updated_at__lte=stale).filter(
        Q(next_attempt_at=None) | Q(next_attempt_at__lte=now)
    )
    for image_id in lost.values_list("pk", flat=True):
        Image.objects.filter(pk=image_id, status=Status.QUEUED).update(updated_at=now)
        enqueue_image(image_id)
        counts["requeued"] += 1

    dead = now - _dead_after()
    crashed = Image.objects.filter(status=Status.RUNNING, updated_at__lte=dead)
    for image in crashed:
        if image.provider_call_at is None and image.attempts >= MAX_ATTEMPTS:
            # FIX (fault suite): an image that kills its worker every time (acks_late brings the
            # message back after each kill) used to be re-queued until its deadline; the claims
            # counted on the row now end it like any other attempt that keeps failing.
            if _give_up(image, now, f"It stopped the worker {image.attempts} times."):
                counts["expired"] += 1
        elif image.provider_call_at is None:
            if Image.objects.filter(
                pk=image.pk, status=Status.RUNNING, provider_call_at=None
            ).update(status=Status.QUEUED, updated_at=now):
                enqueue_image(image.pk)
                counts["requeued"] += 1
        elif _flag(image, Status.RUNNING, "The worker stopped while the provider was working."):
            counts["reconciled"] += 1

    # FIX (fault suite): a poll (or a store after it) that crashes every time used to be polled
    # again forever; past the deadline (and a live task's time limit) a person checks instead.
    for image in Image.objects.filter(status=Status.POLLING, deadline_at__lte=dead):
        if _flag(image, Status.POLLING, "The result could not be collected by the deadline."):
            counts["reconciled"] += 1

    poll_quiet = now - timedelta(seconds=2 * settings.GENERATION_MAX_COUNTDOWN) - _stale_after()
    for image_id in Image.objects.filter(
        status=Status.POLLING, updated_at__lte=poll_quiet
    ).values_list("pk", flat=True):
        Image.objects.filter(pk=image_id, status=Status.POLLING).update(updated_at=now)
        enqueue_poll(image_id)
        counts["repolled"] += 1

    for image in Image.objects.filter(status=Status.STORING, updated_at__lte=dead):
        if get_model(image.model_id).is_async:
            if Image.objects.filter(pk=image.pk, status=Status.STORING).update(
                status=Status.POLLING, updated_at=now
            ):
                enqueue_poll(image.pk)
                counts["repolled"] += 1
        elif _flag(image, Status.STORING, "The worker stopped while storing the image."):
            counts["reconciled"] += 1

    counts["files_removed"] = _remove_deleted_files(now, stale)
    return counts


def _remove_deleted_files(now: datetime, stale: datetime) -> int:
    """Enqueue the removal again for deleted images whose files are still stored; touching
    updated_at keeps one enqueue per stale period per image while storage stays down."""
    from generation.tasks import enqueue_removal

    left = Image.objects.filter(FILES_TO_REMOVE, updated_at__lte=stale)
    image_ids = list(left.values_list("pk", flat=True)[:REMOVALS_PER_SWEEP])
    if image_ids:
        Image.objects.filter(pk__in=image_ids).update(updated_at=now)
        enqueue_removal(image_ids)
    return len(image_ids)


def _give_up(image: Image, now: datetime, why: str) -> bool:
    with transaction.atomic():
        if Image.objects.filter(pk=image.pk, status=Status.RUNNING, provider_call_at=None).update(
            status=Status.FAILED,
            error_message=f"{why} Gave up after {image.attempts} attempt(s).",
            error_kind="retries_exhausted",
            finished_at=now,
            updated_at=now,
        ):
            ledger.release(image, "failed: retries_exhausted")
            return True
    return False


def _flag(image: Image, from_status: str, why: str) -> bool:
    return bool(
        Image.objects.filter(pk=image.pk, status=from_status).update(
            status=Status.NEEDS_RECONCILIATION,
            error_message=f"{why} It may have been billed; check with the provider.",
            error_kind="ambiguous",
            finished_at=timezone.now(),
        )
    )
