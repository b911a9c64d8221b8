"""fal.ai through the real pipeline: submit -> Redis -> a real worker -> the emulator's queue ->
its CDN -> the S3 server -> the ledger, priced from the table (no fal answer carries a cost). And
fal's bad answers: each ends with a sentence, the reservation settled, kept or released as what
fal may have billed says, and nothing else changed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.storage import default_storage
from PIL import Image as PILImage

from generation import ledger, services
from generation.models import Image, LedgerEntry
from tests.conftest import World
from tests.emulator import Emulator
from tests.generation.conftest import add_fal_key, all_terminal, make_persona, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def generate(world: World, occupation: str = "product marketer") -> Image:
    editor = world.membership("editor")
    add_fal_key(world.membership("owner"))
    persona = make_persona(editor, occupation=occupation)
    batch = services.BatchRequest(
        [str(persona.pk)], ["builtin:editorial"], ["fal-qwen-image-2"], 1, "3:4", "1K", "low"
    )
    job = services.batch_submit(membership=editor, batch=batch)
    wait_for(lambda: all_terminal(job.pk), what="the image to finish")
    return Image.objects.get(job=job)


def test_a_qwen_image_is_made_stored_and_settled_at_the_table_price(
    world: World, providers: Emulator, worker: None
) -> None:
    image = generate(world)
    assert (image.status, image.error_message) == ("succeeded", "")
    assert image.provider == "fal"
    assert image.actual_usd == Decimal("0.035")  # fal's price for Qwen Image 2.0, per image
    assert image.price_rule == "fal-qwen-image-2-per-image"
    with default_storage.open(image.original.name) as handle:
        stored = PILImage.open(handle)
        stored.load()
    assert (
        (stored.width, stored.height) == (image.width, image.height) == (864, 1152)
    )  # 3:4 at 1K on the grid
    settlement = LedgerEntry.objects.get(image=image, kind="settlement")
    assert settlement.amount_usd == Decimal("0.035")
    assert ledger.budget_status(world.team).reserved == 0
    [submit] = [r for r in providers.requests if r.operation == "submit"]
    assert submit.path == "/fal-ai/qwen-image-2/text-to-image"
    assert image.provider_request_id in submit_ids(providers)


def submit_ids(emulator: Emulator) -> set[str]:
    return {
        r.path.split("/requests/")[1].split("/")[0]
        for r in emulator.requests
        if "/requests/" in r.path
    }


def test_an_image_on_a_host_that_is_not_fals_is_not_downloaded_and_the_image_is_flagged(
    world: World, providers: Emulator, worker: None, settings: Any
) -> None:
    settings.FAL_DELIVERY_ORIGINS = []  # the emulator's CDN is no longer one of fal's hosts
    image = generate(world)
    assert image.status == "needs_reconciliation"
    assert "not one of fal's servers, so it was not downloaded" in image.error_message
    assert "may have been billed" in image.error_message
    assert providers.count(operation="delivery") == 0
    assert not image.original
    # fal bills a finished image: the reservation is kept for a person to settle.
    assert ledger.budget_status(world.team).reserved == image.estimated_usd
    assert not LedgerEntry.objects.filter(image=image, kind="settlement").exists()


@pytest.mark.parametrize(
    ("marker", "kind", "words"),
    [
        ("[fault:no_image]", "failed", "fal.ai finished without an image"),
        ("[fault:moderation_output]", "moderation", "content checker refused"),
    ],
)
def test_an_answer_without_an_image_fails_and_releases_the_reservation(
    marker: str, kind: str, words: str, world: World, providers: Emulator, worker: None
) -> None:
    image = generate(world, occupation=f"marketer {marker}")
    assert (image.status, image.error_kind) == ("failed", kind)
    assert words in image.error_message
    assert not image.original
    status = ledger.budget_status(world.team)
    assert (status.reserved, status.spent) == (0, 0)
    assert LedgerEntry.objects.get(image=image, kind="release").amount_usd == image.estimated_usd
