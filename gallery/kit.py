"""A persona kit: one ZIP a marketer hands to whoever will use the persona (an agency, a social
media team). In it:
- for each chosen portrait, four crops around its focal point (gallery.focal_points): 1:1, 4:5,
  9:16 and 16:9, the shapes of feed posts, portrait posts, stories and banners;
- persona.md, the persona's card (personas.card);
- DISCLOSURE.txt, which says the person is synthetic and which models made the images
  (gallery.kit_texts).

Which portraits: those a person ticks on the kit page, from the persona's finished portraits. The
page starts with the ones the team has already singled out ticked: the persona's face (its cover,
else its newest portrait) and every portrait anyone in the workspace has favourited. A rule made
of choices people already make, so the usual kit is one click, and any other is a few ticks.

The ZIP streams as it is built (gallery.zipstream's pipe): one original is read and decoded at a
time, its four crops encoded and sent before the next is read.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image as Picture

from gallery import credentials
from gallery.download_names import kit_crop_name
from gallery.focal_points import DEFAULT, Point, focal_points
from gallery.kit_texts import disclosure
from gallery.models import Favourite
from gallery.zipstream import ZipPipe, zip_attachment, zip_entry
from generation import storage
from generation.models import Image
from painter.crop import crop_box
from personas.card import persona_card
from personas.faces import face_image_id
from personas.models import Persona

# (label in file names, ratio as width:height)
RATIOS: tuple[tuple[str, tuple[int, int]], ...] = (
    ("1x1", (1, 1)),
    ("4x5", (4, 5)),
    ("9x16", (9, 16)),
    ("16x9", (16, 9)),
)
# Each portrait is decoded, cut four times and encoded while the person waits for the download:
# about a quarter of a second per 1024 px portrait, so a dozen keep the wait to a few seconds.
MAX_PORTRAITS = 12
SAVE_AS = {"png": "PNG", "jpeg": "JPEG", "jpg": "JPEG", "webp": "WEBP"}

NO_PORTRAITS = (
    "{name} has no finished portraits yet, so there is nothing to put in a kit. "
    "Generate portraits of {name} first."
)
NONE_TICKED = "Tick at least one portrait to put in the kit."
NOT_THEIRS = (
    "Some of the ticked portraits are no longer among {name}'s finished portraits (deleted, "
    "perhaps). Nothing was exported: tick them again."
)
TOO_MANY = "A kit holds at most {most} portraits and {count} are ticked. Untick some and try again."


class KitError(ValueError):
    """Why there is no kit, in words for the person asking."""


def kit_portraits(persona: Persona) -> QuerySet[Image]:
    """The portraits a kit can hold: the persona's finished, not deleted ones, newest first."""
    return Image.objects.filter(
        persona=persona,
        workspace_id=persona.workspace_id,
        deleted_at=None,
        status=Image.Status.SUCCEEDED,
    ).order_by("-created_at", "-id")


def first_ticked(persona: Persona) -> set[uuid.UUID]:
    """What the kit page ticks to begin with: the persona's face and the team's favourites."""
    liked = Favourite.objects.filter(image__in=kit_portraits(persona))
    ticked = set(liked.values_list("image_id", flat=True))
    face = (
        Persona.objects.filter(pk=persona.pk)
        .annotate(face=face_image_id())
        .values_list("face", flat=True)
        .first()
    )
    return (ticked | {face}) if face else ticked


def chosen_portraits(persona: Persona, ticked: list[str]) -> list[Image]:
    """The ticked portraits, newest first, each checked to be one of the persona's own."""
    portraits = kit_portraits(persona)
    if not portraits.exists():
        raise KitError(NO_PORTRAITS.format(name=persona.name))
    if not ticked:
        raise KitError(NONE_TICKED)
    ids = set(ticked)
    if len(ids) > MAX_PORTRAITS:
        raise KitError(TOO_MANY.format(most=MAX_PORTRAITS, count=len(ids)))
    try:
        found = list(portraits.filter(pk__in=[uuid.UUID(text) for text in ids]))
    except ValueError:  # not an id at all: tampered with, so refused like any stranger's id
        found = []
    if len(found) != len(ids):
        raise KitError(NOT_THEIRS.format(name=persona.name))
    return found


def kit_response(persona: Persona, portraits: list[Image]) -> StreamingHttpResponse:
    day = timezone.localdate().isoformat()
    name = f"{slugify(persona.name)[:40] or 'persona'}-kit-{day}.zip"
    return zip_attachment(_stream(persona, portraits), name)


def _stream(persona: Persona, portraits: list[Image]) -> Iterator[bytes]:
    points = focal_points(portrait.pk for portrait in portraits)
    pipe = ZipPipe()
    included: list[Image] = []
    missing: list[Image] = []
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(zip_entry("persona.md", timezone.now()), persona_card(persona).encode())
        for image in portraits:
            try:
                source = b"".join(storage.open_chunks(image.original.name))
            except FileNotFoundError:
                missing.append(image)  # DISCLOSURE.txt says so; the others still come
                continue
            for label, data in _crops(image, source, points.get(image.pk, DEFAULT)):
                archive.writestr(zip_entry(kit_crop_name(image, label), image.created_at), data)
                yield pipe.take()
            included.append(image)
        text = disclosure(persona, included, missing)
        archive.writestr(zip_entry("DISCLOSURE.txt", timezone.now()), text.encode())
    yield pipe.take()


def _crops(image: Image, source: bytes, focal: Point) -> Iterator[tuple[str, bytes]]:
    """(ratio label, file bytes) for each of RATIOS. The original was checked when it was stored
    (avatarapp.imagesafety), so it is opened here as the text overlay opens it."""
    with Picture.open(io.BytesIO(source)) as picture:
        picture.load()
        for label, ratio in RATIOS:
            box = crop_box(picture.width, picture.height, focal, ratio)
            yield label, kit_image_bytes(image, source, picture.crop(box.corners), ratio)


def kit_image_bytes(
    image: Image, source: bytes, crop: Picture.Image, ratio: tuple[int, int]
) -> bytes:
    """A kit image's final bytes, in its original's format, marked as AI-made and signed like
    every export (gallery.credentials): c2pa.cropped, with the full original (and so any
    provider manifest in it) as the ingredient. Every image a kit carries is made here."""
    save_as = SAVE_AS.get(image.format.lower(), "PNG")
    out = io.BytesIO()
    if save_as == "PNG":
        crop.save(out, format="PNG")
    else:  # JPEG has no alpha; WebP keeps it, but portraits have none to keep
        crop.convert("RGB").save(out, format=save_as, quality=95)
    cut = credentials.Crop(out.getvalue(), save_as, f"{ratio[0]}:{ratio[1]}")
    return credentials.exported(image, source, crop=cut)
