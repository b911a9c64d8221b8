"""The periodic sweeper: `transaction.on_commit` is not durable and workers die, so every few
seconds we look for rows that nobody is moving and move them. A running
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
from django.db.models import Q
from django.utils import timezone

from catalog import get_model
from generation import queue
from generation.failed_attempts import MAX_ATTEMPTS, fail, reconcile
from generation.models import FILES_TO_REMOVE, Image

Status = Image.Status
REMOVALS_PER_SWEEP = 1000  # a backlog of deleted files drains over a few sweeps


def _stale_after() -> timedelta:
    return timedelta(seconds=settings.GENERATION_STALE_SECONDS)


def _dead_after() -> timedelta:
    """How long a running or storing row must sit untouched before its worker counts as dead.
    A task may hold the row up to its hard time limit (a provider call may take longer than
    GENERATION_STALE_SECONDS: gpt-image-2 takes ~60 s); only after that is it dead."""
    return max(_stale_after(), timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT))


# Rows whose attempt never reached the provider (nothing was sent, nothing billed).
NOT_CALLED = Q(provider_call_at=None)


def sweep() -> dict[str, int]:
    now = timezone.now()
    stale = now - _stale_after()
    counts = {"requeued": 0, "reconciled": 0, "repolled": 0, "expired": 0}

    # Never reached a provider and past the deadline: fail, and give the money back.
    for image in Image.objects.filter(
        NOT_CALLED, status__in=[Status.QUEUED, Status.RUNNING], deadline_at__lte=now
    ):
        if fail(
            image,
            image.status,
            "It could not be started before its deadline. Retry to try again.",
            "deadline",
            where=NOT_CALLED,
            reason="deadline passed before any provider call",
        ):
            counts["expired"] += 1

    lost = Image.objects.filter(status=Status.QUEUED, updated_at__lte=stale).filter(
        Q(next_attempt_at=None) | Q(next_attempt_at__lte=now)
    )
    for image_id in lost.values_list("pk", flat=True):
        Image.objects.move(image_id, Status.QUEUED, Status.QUEUED)  # seen: once per stale period
        queue.enqueue_image(image_id)
        counts["requeued"] += 1

    dead = now - _dead_after()
    crashed = Image.objects.filter(status=Status.RUNNING, updated_at__lte=dead)
    for image in crashed:
        # Only the attempt read here, still without a call: between this read and the move another
        # sweep may have re-queued the row and a worker claimed it again (attempts moved on).
        same_attempt = NOT_CALLED & Q(attempts=image.attempts)
        if image.provider_call_at is None and image.attempts >= MAX_ATTEMPTS:
            # An image that kills its worker every time (acks_late brings the message back after
            # each kill): the claims counted on the row end it like any attempt that keeps failing.
            why = f"It stopped the worker {image.attempts} times."
            if fail(
                image,
                Status.RUNNING,
                f"{why} Gave up after {image.attempts} attempt(s).",
                "retries_exhausted",
                where=same_attempt,
            ):
                counts["expired"] += 1
        elif image.provider_call_at is None:
            if Image.objects.move(image.pk, Status.RUNNING, Status.QUEUED, where=same_attempt):
                queue.enqueue_image(image.pk)
                counts["requeued"] += 1
        elif reconcile(image, Status.RUNNING, "The worker stopped while the provider was working."):
            counts["reconciled"] += 1

    # A poll (or a store after it) that crashes every time: past the deadline (and a live task's
    # time limit) a person checks instead of polling again forever.
    for image in Image.objects.filter(status=Status.POLLING, deadline_at__lte=dead):
        if reconcile(image, Status.POLLING, "The result could not be collected by the deadline."):
            counts["reconciled"] += 1

    poll_quiet = now - timedelta(seconds=2 * settings.GENERATION_MAX_COUNTDOWN) - _stale_after()
    for image_id in Image.objects.filter(
        status=Status.POLLING, updated_at__lte=poll_quiet
    ).values_list("pk", flat=True):
        Image.objects.move(image_id, Status.POLLING, Status.POLLING)
        queue.enqueue_poll(image_id)
        counts["repolled"] += 1

    for image in Image.objects.filter(status=Status.STORING, updated_at__lte=dead):
        if get_model(image.model_id).is_async:
            if Image.objects.move(image.pk, Status.STORING, Status.POLLING):
                queue.enqueue_poll(image.pk)
                counts["repolled"] += 1
        elif reconcile(image, Status.STORING, "The worker stopped while storing the image."):
            counts["reconciled"] += 1

    counts["files_removed"] = _remove_deleted_files(now, stale)
    return counts


def _remove_deleted_files(now: datetime, stale: datetime) -> int:
    """Enqueue the removal again for deleted images whose files are still stored; touching
    updated_at keeps one enqueue per stale period per image while storage stays down. (Not a
    move: a deleted image's status is final, only its files are still to go.)"""
    left = Image.objects.filter(FILES_TO_REMOVE, updated_at__lte=stale)
    image_ids = list(left.values_list("pk", flat=True)[:REMOVALS_PER_SWEEP])
    if image_ids:
        Image.objects.filter(pk__in=image_ids).update(updated_at=now)
        queue.enqueue_removal(image_ids)
    return len(image_ids)
