"""A batch to vote on, made directly (no worker): Mia Chen in Corporate by the built-in renderer,
GPT Image 2 and FLUX.2 [pro], all finished; Mia in Editorial, where only GPT Image 2 finished
(FLUX.2 [pro] failed), so that row has one candidate and is left out of the vote."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from avatarapp.workspaces.models import Membership
from generation.models import Image, Job
from personas.models import Persona
from tests.gallery.factories import make_image, make_job
from tests.generation.conftest import make_persona

BUILTIN, GPT, FLUX = "builtin", "gpt-image-2", "flux-2-pro"
MODELS = [BUILTIN, GPT, FLUX]
NAMES = ["Built-in renderer", "GPT Image 2", "FLUX.2 [pro]"]
PROVIDERS = {BUILTIN: "builtin", GPT: "openai", FLUX: "bfl"}


@dataclass
class Batch:
    job: Job
    mia: Persona


def make_batch(membership: Membership) -> Batch:
    mia = make_persona(membership, name="Mia Chen")
    job = make_job(membership)
    job.parameters = {
        "persona_ids": [str(mia.pk)],
        "style_keys": ["builtin:corporate", "builtin:editorial"],
        "model_ids": MODELS,
        "aspect_ratio": "3:4",
        "resolution": "1K",
        "quality": "high",
    }
    job.save()
    for model_id in MODELS:
        make_image(job, mia, model_id=model_id, provider=PROVIDERS[model_id])
    editorial: dict[str, Any] = {"style_key": "builtin:editorial", "style_name": "Editorial"}
    make_image(job, mia, model_id=GPT, provider="openai", **editorial)
    make_image(job, mia, model_id=FLUX, provider="bfl", status=Image.Status.FAILED, **editorial)
    return Batch(job, mia)
