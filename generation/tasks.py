"""Celery tasks: thin wrappers that take ids only and let generation.pipeline do the work.

Provider calls go to the "providers" queue (slow I/O, many in flight on a threads pool); the
sweeper runs on "maintenance" (CELERY_TASK_ROUTES in settings.py). Tasks never carry a key, a
prompt or an image: ids only.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from celery import Task, shared_task
from celery.signals import worker_ready, worker_shutdown
from kombu.exceptions import OperationalError

from generation import catalog_watch, failed_attempts, image_processes, pipeline, removal, sweeper

log = logging.getLogger(__name__)


@shared_task(name="generation.run_image")
def run_image(image_id: str) -> None:
    pipeline.run_image(image_id)


@shared_task(name="generation.poll_image")
def poll_image(image_id: str) -> None:
    pipeline.poll_image(image_id)


@shared_task(name="generation.sweep")
def sweep() -> None:
    sweeper.sweep()


@shared_task(name="generation.read_model_lists")
def read_model_lists() -> None:
    """Issue 15: each workspace's provider model lists, at most once a day (beat, hourly)."""
    catalog_watch.read_due_lists()


# Storage down for longer than these retries (about 20 minutes with the capped backoff) is left to
# the sweeper, which finds deleted images whose files remain and enqueues them again.
REMOVAL_RETRIES = 8
REMOVAL_BATCH = 100  # images per task: a bulk delete of thousands publishes a few dozen messages


@shared_task(name="generation.remove_image_files", bind=True, max_retries=REMOVAL_RETRIES)
def remove_image_files(self: Task, image_ids: list[str]) -> None:
    failed = removal.remove_files(image_ids)
    if failed:
        attempt = self.request.retries + 1
        if attempt > REMOVAL_RETRIES:
            log.warning("giving up on the files of %s images; the sweeper will", len(failed))
            return
        # Only the images whose storage failed go round again.
        raise self.retry(args=(failed,), countdown=failed_attempts.retry_delay(attempt))


def enqueue_removal(image_ids: list[uuid.UUID] | list[str]) -> None:
    """Remove deleted images' files: call after the deleting transaction has committed."""
    ids = [str(image_id) for image_id in image_ids]
    for start in range(0, len(ids), REMOVAL_BATCH):
        try:
            remove_image_files.apply_async(args=(ids[start : start + REMOVAL_BATCH],))
        except OperationalError:  # the broker is down: the sweeper enqueues them again
            log.warning("broker unavailable; the sweeper will remove the deleted files")
            return


def enqueue_image(image_id: uuid.UUID | str, countdown: float = 0) -> None:
    _publish(run_image, image_id, countdown)


def enqueue_poll(image_id: uuid.UUID | str, countdown: float = 0) -> None:
    _publish(poll_image, image_id, countdown)


def _publish(task: Task, image_id: uuid.UUID | str, countdown: float) -> None:
    try:
        task.apply_async(args=(str(image_id),), countdown=countdown)
    except OperationalError:
        # FIX (fault suite): with the broker down, a submit used to fail with an error page
        # although its rows were committed (and a worker's retry or poll raised the same way).
        # The row is the truth: the sweeper re-enqueues it once the broker is back.
        log.warning("broker unavailable; the sweeper will enqueue image %s", image_id)


@worker_ready.connect
def _start_image_processes(**_: Any) -> None:
    image_processes.warm()


@worker_shutdown.connect
def _stop_image_processes(**_: Any) -> None:
    image_processes.shutdown()
