"""Which portrait stands for a persona on its card, its page and the Generate picker.

Its cover portrait, chosen in the gallery, unless that image has been deleted; else its newest
finished portrait; else nothing, and the built-in render of the look is shown. One annotation on
the persona query, so a list of personas costs no query per persona.

The cover (gallery.PersonaCover) and the portraits (generation.Image) live in higher layers; they
are reached here through the reverse relations Django adds to Persona ("cover", "images"), by
name, so this layer imports neither.
"""

from __future__ import annotations

from django.db.models import Case, F, OuterRef, Subquery, When
from django.db.models.functions import Coalesce

from personas.models import Persona

SUCCEEDED = "succeeded"  # generation.Image.Status.SUCCEEDED


def face_image_id() -> Coalesce:
    """Annotate a Persona query with this: the id of the image to show, or None."""
    cover = Case(When(cover__image__deleted_at__isnull=True, then=F("cover__image_id")))
    return Coalesce(cover, _newest_portrait_id())


def _newest_portrait_id() -> Subquery:
    newest = (
        Persona.objects.filter(
            pk=OuterRef("pk"), images__status=SUCCEEDED, images__deleted_at__isnull=True
        )
        .order_by("-images__created_at", "-images__id")  # the gallery's order: newest first
        .values("images__id")[:1]
    )
    return Subquery(newest)
