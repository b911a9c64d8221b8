"""Generated images in storage: the original and a WebP thumbnail, private, under names made from
the image's id, so a task that runs twice rewrites the same two objects instead of adding more.

Provider output is untrusted like any upload (QUALITY.md section 10): it goes through the same
safety pipeline, re-encoded with no metadata, before it is stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from avatarapp.imagesafety import SafeImage, sanitize_image, thumbnail

THUMBNAIL_SIDE = 384


@dataclass(frozen=True)
class StoredImage:
    original_name: str
    thumbnail_name: str
    original: SafeImage


def _folder(workspace_id: object, image_id: object) -> str:
    return f"images/{workspace_id}/{image_id}"


def _put(name: str, data: bytes) -> str:
    # The storage is configured never to overwrite (it would invent a new name instead), so clear
    # the name first: a re-run replaces the object rather than leaving a second one.
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(data))
    if saved != name:  # a concurrent writer got there first; keep one object only
        default_storage.delete(saved)
    return name


def store_generated(workspace_id: object, image_id: object, data: bytes) -> StoredImage:
    """Check, re-encode and store a provider's image; raises UnsafeImageError if it is not one."""
    original = sanitize_image(data)
    thumb = thumbnail(original, THUMBNAIL_SIDE)
    folder = _folder(workspace_id, image_id)
    return StoredImage(
        original_name=_put(f"{folder}/original.{original.extension}", original.data),
        thumbnail_name=_put(f"{folder}/thumbnail.{thumb.extension}", thumb.data),
        original=original,
    )


def delete_stored(*names: str) -> None:
    for name in names:
        if name and default_storage.exists(name):
            default_storage.delete(name)
