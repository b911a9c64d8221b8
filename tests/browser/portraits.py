"""Portraits for browser journeys, drawn by the built-in renderer in the test process (no worker
needed: the journeys are about what comes after an image is made)."""

from __future__ import annotations

import uuid

from avatarapp.workspaces.models import Membership
from generation import pipeline, services
from personas.models import Persona


def draw_portraits(
    membership: Membership, personas: list[Persona], styles: list[str], aspect_ratio: str = "1:1"
) -> list[uuid.UUID]:
    """One built-in portrait per persona and style, made and stored; their image ids."""
    batch = services.BatchRequest(
        [str(persona.pk) for persona in personas],
        styles,
        ["builtin"],
        1,
        aspect_ratio,
        "1K",
        "low",
    )
    _job, image_ids = services.batch_create(membership=membership, batch=batch)
    for image_id in image_ids:
        pipeline.run_image(image_id)
    return list(image_ids)
