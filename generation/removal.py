"""Removing a deleted image's files from storage (the gallery's delete marks the row; this runs
in the worker once that transaction has committed, and again from the sweeper if it was lost).

The row stays, so its ledger lines and costs keep their history; only the objects go, and then
the file fields are cleared, so no row ever names an object that is gone for longer than one
failed attempt (and a deleted row is never shown anyway).

At most once per object: each image is worked on under its row lock (a second task for the same
image skips it), the objects to remove are listed from storage rather than taken from the row, so
a retry after a partial failure removes only what is still there, and the fields are cleared in
the same transaction as the last removal.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from generation import storage
from generation.models import Image

log = logging.getLogger(__name__)


def remove_files(image_ids: Iterable[uuid.UUID | str]) -> list[str]:
    """Remove the stored objects of each deleted image; the ids whose storage failed come back,
    for the task to retry."""
    failed = []
    for image_id in image_ids:
        try:
            remove_image_files(image_id)
        except storage.STORAGE_ERRORS:
            log.warning("storage refused removing the files of image %s; will retry", image_id)
            failed.append(str(image_id))
    return failed


def remove_image_files(image_id: uuid.UUID | str) -> bool:
    """True if this call removed the image's files (False: not deleted, or another task is on
    it). Raises one of storage.STORAGE_ERRORS if storage fails; nothing is then cleared."""
    with transaction.atomic():
        image = (
            Image.objects.select_for_update(skip_locked=True)
            .filter(pk=image_id, deleted_at__isnull=False)
            .only("pk", "workspace_id")
            .first()
        )
        if image is None:
            return False  # never the files of an image that is still shown
        for name in storage.stored_names(image.workspace_id, image.pk):
            storage.remove(name)
        Image.objects.filter(pk=image.pk).update(
            original="", thumbnail="", updated_at=timezone.now()
        )
    return True
