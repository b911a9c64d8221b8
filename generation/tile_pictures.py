"""The pictures on the Generate page's persona and style tiles.

A persona shows its cover portrait (personas.faces), else the built-in render of its look. A
built-in style shows the example the built-in renderer made for it (personas.style_examples); a
workspace style shows its best portrait so far - the most favourited, then the newest - or, before
it has any, its backdrop colour. Two queries however many styles: the styles, then one windowed
query for all their examples.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.templatetags.static import static
from django.urls import reverse

from generation.models import Image
from personas.models import Persona, Style
from personas.style_examples import static_path
from personas.style_specs import BUILTIN_STYLES, WORKSPACE_PREFIX

PERSONA_SIDE = 192  # twice the tile's 96 CSS pixels
NO_EXAMPLE_SWATCH = "#e0e7ff"


@dataclass(frozen=True)
class Tile:
    value: str  # what the checkbox posts
    name: str
    picture: str  # a URL, or "" for a swatch
    swatch: str = ""


def thumbnail_url(image_id: uuid.UUID) -> str:
    return reverse("generation:image_file", args=[image_id, "thumbnail"])


def persona_tiles(personas: Sequence[Persona]) -> list[Tile]:
    """`personas` annotated with face_image_id (personas.faces)."""
    return [
        Tile(
            str(persona.pk),
            persona.name,
            thumbnail_url(persona.face_image_id)  # type: ignore[attr-defined]
            if persona.face_image_id  # type: ignore[attr-defined]
            else persona.portrait_url(PERSONA_SIDE),
        )
        for persona in personas
    ]


def _examples(styles: list[Style]) -> dict[str, uuid.UUID]:
    """style key -> its best portrait's id, for the styles that have one."""
    if not styles:
        return {}
    keys = [f"{WORKSPACE_PREFIX}{style.pk}" for style in styles]
    # "favourites" is gallery.Favourite's relation to Image, reached by name (gallery is a
    # higher layer, as personas.faces explains).
    best = (
        Image.objects.filter(
            workspace_id=styles[0].workspace_id,
            style_key__in=keys,
            status=Image.Status.SUCCEEDED,
            deleted_at=None,
        )
        .annotate(likes=Count("favourites"))
        .annotate(
            place=Window(
                RowNumber(),
                partition_by=[F("style_key")],
                order_by=[F("likes").desc(), F("created_at").desc(), F("id").desc()],
            )
        )
        .filter(place=1)
        .values_list("style_key", "pk")
        .order_by()
    )
    return dict(best)


def style_tiles(workspace_styles: list[Style]) -> list[Tile]:
    """The workspace's styles (all of one workspace), then the built-in library."""
    examples = _examples(workspace_styles)
    tiles = []
    for style in workspace_styles:
        key = f"{WORKSPACE_PREFIX}{style.pk}"
        example = examples.get(key)
        picture = thumbnail_url(example) if example else ""
        tiles.append(Tile(key, style.name, picture, style.backdrop_colour or NO_EXAMPLE_SWATCH))
    tiles += [Tile(s.key, s.name, static(static_path(s))) for s in BUILTIN_STYLES]
    return tiles
