"""Every provider through the real pipeline: web submit -> Redis -> a real worker -> the emulator
-> the S3 server -> the ledger, settled to the exact actual cost."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from PIL import Image as PILImage

from catalog import actual_cost, resolve_params
from generation import ledger, services
from generation.models import Image, LedgerEntry
from generation.providers.base import Usage
from tests.conftest import World
from tests.emulator import Emulator
from tests.generation.conftest import add_keys, all_terminal, make_persona, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

CASES = [
    # model, style, aspect, resolution, quality
    ("gpt-image-2", "builtin:professional-headshot", "1:1", "1K", "low"),
    ("flux-2-pro", "builtin:editorial", "3:4", "1K", "high"),
    ("gemini-2.5-flash-image", "builtin:casual-ugc-selfie", "1:1", "1K", "medium"),
    ("builtin", "builtin:lifestyle", "4:5", "1K", "medium"),
]


@pytest.mark.parametrize(("model_id", "style", "aspect", "resolution", "quality"), CASES)
def test_each_provider_makes_stored_images_settled_to_the_cent(
    model_id: str,
    style: str,
    aspect: str,
    resolution: str,
    quality: str,
    world: World,
    providers: Emulator,
    worker: None,
) -> None:
    editor = world.membership("editor")
    add_keys(world.membership("owner"), bfl_region="eu")
    persona = make_persona(editor)
    batch = services.BatchRequest(
        [str(persona.pk)], [style], [model_id], 2, aspect, resolution, quality
    )
    job = services.batch_submit(membership=editor, batch=batch)

    wait_for(lambda: all_terminal(job.pk), what="the batch to finish")
    images = list(Image.objects.filter(job=job))
    assert [i.status for i in images] == ["succeeded", "succeeded"], [
        i.error_message for i in images
    ]
    params = resolve_params(model_id, aspect, resolution, quality)
    for image in images:
        with default_storage.open(image.original.name) as handle:
            original = PILImage.open(handle)
            original.load()
        assert (original.width, original.height) == (image.width, image.height)
        with default_storage.open(image.thumbnail.name) as handle:
            assert PILImage.open(handle).format == "WEBP"
        settlement = LedgerEntry.objects.get(image=image, kind="settlement")
        assert settlement.amount_usd == image.actual_usd
        assert settlement.price_rule
        assert settlement.price_as_of
        assert image.actual_usd <= image.estimated_usd
        assert (
            LedgerEntry.objects.get(image=image, kind="release").amount_usd == image.estimated_usd
        )

    # The actual cost is what the provider reported, priced by the catalog.
    submits = [
        r
        for r in providers.requests
        if r.operation in {"images.generate", "submit", "generateContent"}
    ]
    assert len(submits) == (0 if model_id == "builtin" else 2)
    if model_id == "flux-2-pro":
        assert {r.alias for r in providers.requests if r.operation == "poll"} == {"bfl-poll-eu"}
        expected = actual_cost(model_id, Usage(credits=Decimal("3.0")), params).amount_usd
        assert all(i.actual_usd == expected for i in images)
    if model_id == "builtin":
        assert all(i.actual_usd == 0 for i in images)

    status = ledger.budget_status(world.team)
    assert status.reserved == 0
    assert status.spent == sum(i.actual_usd or Decimal(0) for i in images)
