"""Portraits for the persona kit's tests whose every pixel says where it is, so a crop's first
pixel tells where in the original it was cut, whatever the code that cut it believed."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from PIL import Image as Picture

from avatarapp.workspaces.models import Membership
from generation import storage
from generation.models import Image
from personas.models import Persona
from tests.gallery.factories import make_image, make_job


def _coordinates_png(width: int, height: int) -> bytes:
    """Red = x % 256, green = y % 256, blue = the 256s of x (high nibble) and of y (low)."""
    pixels = bytearray()
    for y in range(height):
        for x in range(width):
            pixels += bytes((x % 256, y % 256, (x // 256) * 16 + y // 256))
    out = io.BytesIO()
    Picture.frombytes("RGB", (width, height), bytes(pixels)).save(out, format="PNG")
    return out.getvalue()


def where(picture: Picture.Image, x: int = 0, y: int = 0) -> tuple[int, int]:
    """The original's coordinates of `picture`'s pixel (x, y)."""
    red, green, blue = picture.convert("RGB").getpixel((x, y))  # type: ignore[misc]
    return red + 256 * (blue // 16), green + 256 * (blue % 16)


def stored_portrait(
    membership: Membership, persona: Persona, width: int, height: int, **fields: Any
) -> Image:
    """A finished portrait of `persona`, `width` x `height`, its files in storage."""
    image = make_image(make_job(membership), persona, **fields)
    stored = storage.store_generated(image.workspace_id, image.pk, _coordinates_png(width, height))
    Image.objects.filter(pk=image.pk).update(**stored.row_fields())
    image.refresh_from_db()
    return image


def unzipped(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}
