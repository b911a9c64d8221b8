"""The file name a downloaded portrait gets: readable, sortable, and unique within a download."""

from __future__ import annotations

from django.utils.text import slugify

from generation.models import Image

EXTENSIONS = {"png": "png", "jpeg": "jpg", "jpg": "jpg", "webp": "webp"}


def download_name(image: Image) -> str:
    """persona-style-model-YYYYMMDD-shortid.ext, e.g.
    "mia-chen-corporate-gpt-image-2-20261206-3f9a1c2b.png"."""
    parts = [
        slugify(image.persona_name)[:40] or "persona",
        slugify(image.style_name)[:30] or "style",
        slugify(image.model_id)[:30] or "model",
        image.created_at.strftime("%Y%m%d"),
        image.pk.hex[:8],
    ]
    extension = EXTENSIONS.get((image.format or "png").lower(), "png")
    return "-".join(parts) + f".{extension}"


def kit_crop_name(image: Image, ratio_label: str) -> str:
    """A persona kit's crop of `image`: its download name with the ratio before the extension,
    e.g. "mia-chen-corporate-gpt-image-2-20261206-3f9a1c2b-16x9.png"."""
    stem, _, extension = download_name(image).rpartition(".")
    return f"{stem}-{ratio_label}.{extension}"
