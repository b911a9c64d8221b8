"""Images flagged "needs checking" the way the pipeline flags them, each holding its real
reservation: submitted (reserved by generation.ledger), claimed, then flagged by
failed_attempts.reconcile as after a worker died mid-call. No provider is called."""

from __future__ import annotations

from avatarapp.workspaces.models import Membership
from generation import failed_attempts, pipeline, services
from generation.models import Image
from tests.generation.conftest import make_persona, store_every_key

Status = Image.Status


def flag(image: Image) -> Image:
    assert pipeline.claim(image.pk)
    assert failed_attempts.reconcile(
        image, Status.RUNNING, "The worker stopped while the provider was working."
    )
    image.refresh_from_db()
    return image


def flagged_images(
    owner: Membership, editor: Membership, count: int = 2, model: str = "gpt-image-2"
) -> list[Image]:
    """`count` GPT Image 2 portraits made by `editor`, flagged, with their reservations."""
    store_every_key(owner)
    persona = make_persona(editor, name="Maya Costa")
    batch = services.BatchRequest(
        [str(persona.pk)], ["builtin:corporate"], [model], count, "1:1", "1K", "low"
    )
    _, image_ids = services.batch_create(membership=editor, batch=batch)
    return [flag(image) for image in Image.objects.filter(pk__in=image_ids)]
