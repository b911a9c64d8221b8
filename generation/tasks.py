"""Celery tasks: thin wrappers that take ids only and let generation.pipeline do the work.

Each task is registered under its name in generation/queue.py, and everything that enqueues work
goes through that module, so nothing the tasks call imports this one. Provider calls go to the
"providers" queue (slow I/O, many in flight on a threads pool); the sweeper runs on "maintenance"
(CELERY_TASK_ROUTES in settings.py). Tasks never carry a key, a prompt or an image: ids only.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task
from celery.signals import worker_ready, worker_shutdown

from generation import (
    catalog_watch,
    failed_attempts,
    image_processes,
    pipeline,
    queue,
    removal,
    sweeper,
)
from generation.provider_keys import balances

log = logging.getLogger(__name__)


@shared_task(name=queue.RUN_IMAGE)
def run_image(image_id: str) -> None:
    pipeline.run_image(image_id)


@shared_task(name=queue.POLL_IMAGE)
def poll_image(image_id: str) -> None:
    pipeline.poll_image(image_id)


@shared_task(name=queue.SWEEP)
def sweep() -> None:
    sweeper.sweep()


@shared_task(name="generation.read_model_lists")
def read_model_lists() -> None:
    """Issue 15: each workspace's provider model lists, at most once a day (beat, hourly)."""
    catalog_watch.read_due_lists()


@shared_task(name="generation.refresh_credit_balances")
def refresh_credit_balances() -> None:
    """Issue 19: BFL credit balances of keys in use, at most every 10 minutes each (beat)."""
    balances.refresh_due()


# Storage down for longer than these retries (about 20 minutes with the capped backoff) is left to
# the sweeper, which finds deleted images whose files remain and enqueues them again.
REMOVAL_RETRIES = 8


@shared_task(name=queue.REMOVE_IMAGE_FILES, bind=True, max_retries=REMOVAL_RETRIES)
def remove_image_files(self: Task, image_ids: list[str]) -> None:
    failed = removal.remove_files(image_ids)
    if failed:
        attempt = self.request.retries + 1
        if attempt > REMOVAL_RETRIES:
            log.warning("giving up on the files of %s images; the sweeper will", len(failed))
            return
        # Only the images whose storage failed go round again.
        raise self.retry(args=(failed,), countdown=failed_attempts.retry_delay(attempt))


@worker_ready.connect
def _start_image_processes(**_: Any) -> None:
    image_processes.warm()


@worker_shutdown.connect
def _stop_image_processes(**_: Any) -> None:
    image_processes.shutdown()
