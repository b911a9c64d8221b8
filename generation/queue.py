"""How work is put on the broker: the task names, and the enqueue calls everything else uses.

Why a module of its own: the tasks (generation/tasks.py) call the pipeline, the sweeper and the
file removal, and those enqueue the next task (a retry, a poll, a re-enqueue). Importing the task
functions to enqueue them made an import cycle, broken only by imports inside functions. Here
tasks are published by name (`send_task`), so this module imports no task, and nothing of the
project but the Celery app. tasks.py registers its functions under these names; the pipeline,
failed_attempts, the sweeper, the services and the gallery's deletion enqueue through the
functions below. Celery routes each name to its queue (CELERY_TASK_ROUTES in settings.py).

(The other way out, the pipeline returning what comes next for the task to enqueue, would still
leave the sweeper, the services and the deletion needing an enqueue of their own, and would make
every step's return value part of the protocol: a retry decided deep in failed_attempts would
have to travel back up through the pipeline.)

Messages carry ids only, never a key, a prompt or an image. A broker that is down does not fail
the caller: the row is the truth, and the sweeper enqueues again once the broker is back.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable

from kombu.exceptions import OperationalError

from avatarapp.celery import app

log = logging.getLogger(__name__)

RUN_IMAGE = "generation.run_image"
POLL_IMAGE = "generation.poll_image"
SWEEP = "generation.sweep"
REMOVE_IMAGE_FILES = "generation.remove_image_files"

REMOVAL_BATCH = 100  # images per task: a bulk delete of thousands publishes a few dozen messages


def enqueue_image(image_id: uuid.UUID | str, countdown: float = 0) -> None:
    """Make (or go on making) the image: call after the transaction that queued it commits."""
    if not _publish(RUN_IMAGE, (str(image_id),), countdown):
        log.warning("broker unavailable; the sweeper will enqueue image %s", image_id)


def enqueue_poll(image_id: uuid.UUID | str, countdown: float = 0) -> None:
    if not _publish(POLL_IMAGE, (str(image_id),), countdown):
        log.warning("broker unavailable; the sweeper will enqueue image %s", image_id)


def enqueue_removal(image_ids: Iterable[uuid.UUID | str]) -> None:
    """Remove deleted images' files: call after the deleting transaction has committed."""
    ids = [str(image_id) for image_id in image_ids]
    for start in range(0, len(ids), REMOVAL_BATCH):
        if not _publish(REMOVE_IMAGE_FILES, (ids[start : start + REMOVAL_BATCH],), 0):
            log.warning("broker unavailable; the sweeper will remove the deleted files")
            return


def _publish(name: str, args: tuple[object, ...], countdown: float) -> bool:
    try:
        app.send_task(name, args=args, countdown=countdown)
    except OperationalError:
        return False
    return True
