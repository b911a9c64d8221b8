"""Celery tasks: thin wrappers that take ids only and let generation.pipeline do the work.

Provider calls go to the "providers" queue (slow I/O, many in flight on a threads pool); the
sweeper runs on "maintenance". Tasks never carry a key, a prompt or an image: ids only.
"""

from __future__ import annotations

import uuid

from celery import shared_task

from generation import pipeline, sweeper


@shared_task(name="generation.run_image", queue="providers")
def run_image(image_id: str) -> None:
    pipeline.run_image(image_id)


@shared_task(name="generation.poll_image", queue="providers")
def poll_image(image_id: str) -> None:
    pipeline.poll_image(image_id)


@shared_task(name="generation.sweep", queue="maintenance")
def sweep() -> None:
    sweeper.sweep()


def enqueue_image(image_id: uuid.UUID | str, countdown: float = 0) -> None:
    run_image.apply_async(args=(str(image_id),), countdown=countdown)


def enqueue_poll(image_id: uuid.UUID | str, countdown: float = 0) -> None:
    poll_image.apply_async(args=(str(image_id),), countdown=countdown)
