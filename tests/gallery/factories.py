"""Image rows made directly (no worker, no files) for tests of what lists and filters them."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from avatarapp.workspaces.models import Membership
from generation.models import Image, Job
from personas.models import Persona


def make_job(membership: Membership) -> Job:
    return Job.objects.create(workspace_id=membership.workspace_id, created_by=membership.user)


def make_image(
    job: Job,
    persona: Persona,
    *,
    created_at: datetime | None = None,
    status: str = Image.Status.SUCCEEDED,
    **fields: Any,
) -> Image:
    created_at = created_at or timezone.now()
    values: dict[str, Any] = {
        "style_key": "builtin:corporate",
        "style_name": "Corporate",
        "model_id": "gpt-image-2",
        "provider": "openai",
        "aspect_ratio": "1:1",
        "resolution": "1K",
        "quality": "low",
        "seed": 7,
        "prompt": f"A corporate portrait of {persona.name}, a {persona.occupation}.",
        "estimated_usd": Decimal("0.01"),
        "deadline_at": created_at + timedelta(minutes=30),
        **fields,
    }
    return Image.objects.create(
        job=job,
        workspace_id=job.workspace_id,
        persona=persona,
        persona_name=persona.name,
        status=status,
        created_at=created_at,
        **values,
    )
