"""Helpers for the image page's tests: a finished image with its file in storage, and URLs."""

from __future__ import annotations

from django.urls import reverse

from avatarapp.workspaces.models import Membership
from generation import pipeline, services
from generation.models import Image
from personas.models import Persona
from tests.generation.conftest import make_persona


def finished_image(membership: Membership, persona: Persona | None = None) -> Image:
    """An image drawn by the built-in renderer in this process (no worker) and stored: on the
    S3 server under make test."""
    persona = persona or make_persona(membership)
    batch = services.BatchRequest(
        [str(persona.pk)], ["builtin:corporate"], ["builtin"], 1, "1:1", "1K", "low"
    )
    _job, image_ids = services.batch_create(membership=membership, batch=batch)
    pipeline.run_image(image_ids[0])
    image = Image.objects.get(pk=image_ids[0])
    assert image.status == Image.Status.SUCCEEDED, image.error_message
    return image


def image_url(image: Image, query: str = "") -> str:
    return action_url("image", image, query=query)


def action_url(name: str, image: Image, *args: object, query: str = "") -> str:
    """gallery:image_favourite, gallery:image_tag_add ... for `image`, with the filter query."""
    return reverse(f"gallery:{name}", args=[image.pk, *args]) + (f"?{query}" if query else "")
