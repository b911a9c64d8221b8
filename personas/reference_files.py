"""Stored image files of personas and styles: checked uploads in, server-made names, cleanup.

Files follow their rows: a file is written before its row is created and removed again if the
row is not (`removed_on_failure`); a deleted row's files go only after the deletion has committed,
so a rolled-back delete never leaves a row pointing at nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from avatarapp import imagesafety
from avatarapp.imagesafety import SafeImage
from personas.models import StoredImage

REFERENCE_MAX_SIDE = 2048  # more than any provider uses for likeness, and keeps requests small
THUMBNAIL_SIDE = 320


@dataclass(frozen=True)
class PreparedReference:
    """An upload that passed the safety pipeline, with its thumbnail; nothing stored yet."""

    image: SafeImage
    thumbnail: SafeImage


def prepare_reference(data: bytes) -> PreparedReference:
    """Raises imagesafety.UnsafeImageError with a user-facing message."""
    image, thumbnail = imagesafety.sanitize_with_thumbnail(
        data, THUMBNAIL_SIDE, max_side=REFERENCE_MAX_SIDE
    )
    return PreparedReference(image, thumbnail)


class _ImageContent(ContentFile):
    """S3Storage sends a file's `content_type` attribute as the object's Content-Type: ours is
    the fixed type of the re-encoded bytes, never what the browser claimed."""

    def __init__(self, data: bytes, content_type: str) -> None:
        super().__init__(data)
        self.content_type = content_type


def _save(folder: str, data: bytes, extension: str, suffix: str = "") -> str:
    # Server-made name: nothing of the uploaded file name reaches storage.
    name = f"{folder}/{uuid.uuid4().hex}{suffix}.{extension}"
    return default_storage.save(name, _ImageContent(data, content_type_of(name)))


def store_prepared(folder: str, item: PreparedReference, written: list[str]) -> dict[str, Any]:
    """Store an image and its thumbnail under `folder`; the new names go into `written` as they
    are made. Returns the fields of its StoredImage row."""
    names = []
    for image, suffix in ((item.image, ""), (item.thumbnail, "-thumb")):
        names.append(_save(folder, image.data, image.extension, suffix))
        written.append(names[-1])
    return {
        "storage_name": names[0],
        "thumbnail_name": names[1],
        "content_type": item.image.content_type,
        "width": item.image.width,
        "height": item.image.height,
        "byte_size": len(item.image.data),
        "sha256": item.image.sha256,
    }


def copy_stored(stored: StoredImage, folder: str, written: list[str]) -> dict[str, Any]:
    """Copies of a stored image's two files under `folder`; returns the new row's fields."""
    names = []
    for name in (stored.storage_name, stored.thumbnail_name):
        with default_storage.open(name) as handle:
            data = handle.read()
        extension = name.rsplit(".", 1)[-1]
        suffix = "-thumb" if name.endswith(f"-thumb.{extension}") else ""
        names.append(_save(folder, data, extension, suffix))
        written.append(names[-1])
    fields = {f: getattr(stored, f) for f in ("content_type", "width", "height", "byte_size")}
    return {**fields, "sha256": stored.sha256, "storage_name": names[0], "thumbnail_name": names[1]}


@contextmanager
def removed_on_failure() -> Iterator[list[str]]:
    """Collects the names of files written in the block and deletes them if the block raises
    (the transaction that would have recorded them has rolled back)."""
    written: list[str] = []
    try:
        yield written
    except BaseException:
        delete_files(written)
        raise


def content_type_of(name: str) -> str:
    """The fixed type of a stored image, from the extension we gave it ourselves."""
    extension = name.rsplit(".", 1)[-1]
    by_extension = {
        ext: imagesafety.CONTENT_TYPES[fmt] for fmt, ext in imagesafety.EXTENSIONS.items()
    }
    return by_extension[extension]


def file_names(stored: Iterable[StoredImage]) -> list[str]:
    return [n for item in stored for n in (item.storage_name, item.thumbnail_name)]


def delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def delete_after_commit(stored: Iterable[StoredImage]) -> None:
    """Delete the rows' files once the current transaction commits (call it inside one)."""
    names = file_names(stored)
    transaction.on_commit(lambda: delete_files(names))
