"""Search in an image's prompt, its persona's name and the persona's brief.

PostgreSQL: full-text search with English stemming ("marketers" finds "marketer"), web-search
syntax ("quoted phrase", -excluded, or), over the image's stored document of its prompt and
persona name (generation migration 0004: a generated column with a GIN index, so a row the
planner reads on its way through the newest-first index costs no to_tsvector). The brief lives on
the persona, so it is matched there: a workspace has hundreds of personas, not a hundred thousand
images, and an image matches when its persona does. SQLite (the embedded default): every word must
appear, case-insensitively, in one of the same fields.
"""

from __future__ import annotations

import re
import uuid

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from personas.models import Persona

MAX_LENGTH = 200  # characters of a search that count; the rest is ignored, and the page says so
IMAGE_DOCUMENT = "search_document"  # a PostgreSQL-only column the model does not declare
BRIEF_FIELDS = (
    "name",
    "occupation",
    "industry",
    "location",
    "personality",
    "goals",
    "pain_points",
    "backstory",
)
_WORD = re.compile(r"\w+", re.UNICODE)


def has_words(text: str) -> bool:
    """A search of only punctuation or spaces finds nothing; the page says to type a word."""
    return bool(_WORD.search(text))


def matching(images: QuerySet, workspace_id: uuid.UUID, text: str) -> QuerySet:
    """`images` narrowed to those whose prompt, persona name or persona brief match `text`."""
    text = text[:MAX_LENGTH]
    if connection.vendor == "postgresql":
        return _full_text(images, workspace_id, text)
    return _every_word(images, workspace_id, text)


def _full_text(images: QuerySet, workspace_id: uuid.UUID, text: str) -> QuerySet:
    # The SQL is made of constants only; the person's text travels as a query parameter.
    query = "websearch_to_tsquery('english'::regconfig, %s)"
    brief = " || ' ' || ".join(f"coalesce({field}, '')" for field in BRIEF_FIELDS)
    hit: BooleanField = BooleanField()
    image_hit = RawSQL(f"{IMAGE_DOCUMENT} @@ {query}", [text], output_field=hit)  # noqa: S611
    brief_hit = f"to_tsvector('english'::regconfig, {brief}) @@ {query}"
    persona_hit = RawSQL(brief_hit, [text], output_field=hit)  # noqa: S611
    # The personas first, as a list: "persona_id IN (list)" can join the GIN index scan in a
    # bitmap OR, where a subquery would make PostgreSQL evaluate the text match row by row.
    personas = list(
        Persona.objects.filter(persona_hit, workspace_id=workspace_id).values_list("pk", flat=True)
    )
    return images.filter(Q(image_hit) | Q(persona_id__in=personas))


def _every_word(images: QuerySet, workspace_id: uuid.UUID, text: str) -> QuerySet:
    for word in _WORD.findall(text):
        in_brief = Q()
        for field in BRIEF_FIELDS:
            in_brief |= Q(**{f"{field}__icontains": word})
        personas = Persona.objects.filter(in_brief, workspace_id=workspace_id).values("pk")
        images = images.filter(
            Q(prompt__icontains=word) | Q(persona_name__icontains=word) | Q(persona_id__in=personas)
        )
    return images
