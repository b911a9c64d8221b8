"""What leaves the product carries what it is: every exported image (download, ZIP entry, share-
link download, persona kit) goes through `exported`.

Two markings, written on a copy (the stored original stays the provider's bytes):
- the IPTC DigitalSourceType "trainedAlgorithmicMedia" in XMP, always, for tools that do not read
  C2PA (provenance.xmp);
- a C2PA manifest signed with the installation's certificate, when there is one
  (avatarapp.content_credentials): c2pa.created by the model, the provider's own manifest as an
  ingredient where its file had one, and for an edit or added text a c2pa.edited with the
  parent's stored file as an ingredient (provenance.signing).

Signing reads the whole image (C2PA hashes it, and needs to seek), so a caller holds one image
at a time: at most the 10 MB the safety checks allow, plus its parent's.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from avatarapp.content_credentials import signing_chain
from avatarapp.imagesafety import CONTENT_TYPES
from catalog import model_name
from generation import storage
from generation.models import Image, Origin
from provenance.signing import Claim, Edit, Ingredient, SigningError, sign
from provenance.xmp import with_digital_source_type

log = logging.getLogger(__name__)

GENERATOR_NAME = "avatarapp"
TEXT_ADDED = "Text added"


@dataclass(frozen=True)
class Crop:
    """A crop of an image's original (a persona kit's 1:1, 4:5 ...), to export in its place."""

    data: bytes
    fmt: str  # PNG, JPEG or WEBP
    ratio: str  # "4:5": said in the manifest ("Cropped to 4:5")


def exported(image: Image, original: bytes, *, crop: Crop | None = None) -> bytes:
    """The bytes to hand out for `image`, given its stored original's bytes (`original`, read by
    the caller: `b"".join(generation.storage.open_chunks(image.original.name))`): the original,
    or `crop` when given, with the XMP marking and, when the installation can sign, our C2PA
    manifest (the marking alone, logged, if the C2PA library refuses the file). A crop's
    manifest says c2pa.cropped with the full original (and so any provider manifest in it) as
    its ingredient. The image must be a finished one (`is_done`). Never changes storage.

    Share-link downloads call `download_response`; persona kits call this per crop."""
    fmt = image.format.upper()
    if crop is not None:
        full = Ingredient("The full portrait", original, fmt)
        claim = Claim(
            model_name(image.model_id),
            edit=Edit(GENERATOR_NAME, f"Cropped to {crop.ratio}", full, "c2pa.cropped"),
        )
        return _marked_and_signed(image, crop.data, crop.fmt, claim)
    return _marked_and_signed(image, original, fmt, _claim(image, original, fmt))


def _marked_and_signed(image: Image, data: bytes, fmt: str, claim: Claim) -> bytes:
    marked = with_digital_source_type(data, fmt)
    chain = signing_chain()
    if chain is None:
        return marked
    try:
        return sign(marked, fmt, claim, chain)
    except SigningError as error:
        # A file the C2PA library will not sign still leaves marked as AI-made: better than a
        # failed download or a ZIP cut off halfway. Logged, so it does not pass unseen.
        log.warning("Content Credentials not added to image %s: %s", image.pk, error)
        return marked


def download_response(image: Image, filename: str) -> HttpResponse:
    """`image` as an attachment saved under `filename`, marked and signed (`exported`). Built
    here rather than redirected to storage, because the stored original is the provider's
    file, not what we hand out. Raises FileNotFoundError when the original is gone."""
    data = exported(image, b"".join(storage.open_chunks(image.original.name)))
    response = HttpResponse(data, content_type=CONTENT_TYPES[image.format.upper()])
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


def _claim(image: Image, original: bytes, fmt: str) -> Claim:
    agent = model_name(image.model_id)
    credentials = image.credentials or {}
    made_from = None
    if image.origin != Origin.OVERLAY and credentials.get("has_manifest"):
        made_from = Ingredient("The provider's image", original, fmt)
    if image.origin == Origin.GENERATED:
        return Claim(software_agent=agent, made_from=made_from)
    if image.origin == Origin.OVERLAY:
        edit = Edit(GENERATOR_NAME, TEXT_ADDED, _parent(image))
    else:
        edit = Edit(agent, parent=_parent(image))
    return Claim(software_agent=agent, made_from=made_from, edit=edit)


def _parent(image: Image) -> Ingredient | None:
    """The parent's stored original, when it is still there."""
    parent = image.parent
    if parent is None or not parent.original.name:
        return None
    try:
        data = b"".join(storage.open_chunks(parent.original.name))
    except FileNotFoundError:
        return None
    return Ingredient("The image it was made from", data, parent.format.upper())
