"""An OpenRouter portrait through the real pipeline: web submit -> Redis -> a real worker -> the
emulator's chat completions -> the S3 server -> the ledger, settled to the cost OpenRouter's answer
reported. An answer without a usable image fails with a sentence a person can act on, stores
nothing and gives the reservation back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from PIL import Image as PILImage

from generation import services
from generation.model_lists import latest
from generation.models import BudgetPeriod, Image, LedgerEntry, ProviderModelList
from tests.conftest import World
from tests.emulator import Emulator, validate_recorded
from tests.emulator.catalog import OPENROUTER_MODELS
from tests.emulator.openrouter_api import INPUT_USD_PER_TOKEN
from tests.generation.conftest import add_keys, all_terminal, make_persona, wait_for
from tests.providers.conftest import OPENROUTER_KEY

pytestmark = pytest.mark.django_db(transaction=True)

MODEL = "openrouter-gemini-2.5-flash-image"


def generate(world: World, occupation: str = "product marketer") -> Image:
    add_keys(world.membership("owner"))
    editor = world.membership("editor")
    persona = make_persona(editor, occupation=occupation)
    batch = services.BatchRequest(
        [str(persona.pk)], ["builtin:corporate"], [MODEL], 1, "3:4", "1K", "medium"
    )
    job = services.batch_submit(membership=editor, batch=batch)
    wait_for(lambda: all_terminal(job.pk), what="the image to finish")
    return job.images.get()


def test_an_openrouter_portrait_is_stored_and_settled_at_the_reported_cost(
    world: World, providers: Emulator, worker: None
) -> None:
    image = generate(world)
    assert (image.status, image.error_message) == ("succeeded", "")
    with default_storage.open(image.original.name) as handle:
        original = PILImage.open(handle)
        original.load()
    assert original.format == "PNG"
    assert original.width < original.height  # 3:4

    [call] = [r for r in providers.requests if r.operation == "chat.completions"]
    assert (call.alias, call.api_key, call.model) == (
        "openrouter",
        OPENROUTER_KEY,
        "google/gemini-2.5-flash-image",
    )
    assert validate_recorded(call) == []
    reported = OPENROUTER_MODELS["google/gemini-2.5-flash-image"].prices["1K"] + (
        len(call.prompt) // 4 * INPUT_USD_PER_TOKEN
    )
    assert image.actual_usd == reported  # not the table's $0.039
    assert image.actual_usd != Decimal("0.039")
    settlement = LedgerEntry.objects.get(image=image, kind="settlement")
    assert settlement.amount_usd == reported
    assert "reported by the provider" in settlement.detail
    assert settlement.price_rule == "openrouter-gemini-2.5-flash-image-per-image"
    period = BudgetPeriod.objects.get(workspace=world.team)
    assert (period.spent_usd, period.reserved_usd) == (reported, 0)


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        ("[fault:no_image]", "OpenRouter answered without an image"),
        ("[fault:bad_data_url]", "not a PNG, JPEG or WEBP image"),
        ("[fault:oversize_image]", "not an image under the 10 MB limit"),
    ],
    ids=["no image", "not an image", "over the size cap"],
)
def test_an_answer_without_a_usable_image_fails_clearly_and_releases_the_reservation(
    marker: str, message: str, world: World, providers: Emulator, worker: None
) -> None:
    image = generate(world, occupation=f"marketer {marker}")
    assert (image.status, image.error_kind) == ("failed", "failed")
    assert message in image.error_message
    assert "Retry" in image.error_message
    assert not image.original
    assert image.actual_usd is None
    assert providers.count(operation="chat.completions") == 1  # not sent again
    assert not LedgerEntry.objects.filter(image=image, kind="settlement").exists()
    release = LedgerEntry.objects.get(image=image, kind="release")
    assert release.amount_usd == image.estimated_usd
    period = BudgetPeriod.objects.get(workspace=world.team)
    assert (period.spent_usd, period.reserved_usd) == (0, 0)


def test_the_key_check_keeps_openrouters_image_model_list_for_the_catalog_watch(
    world: World, providers: Emulator
) -> None:
    add_keys(world.membership("owner"))
    row = ProviderModelList.objects.get(workspace=world.team, provider="openrouter")
    image_models = {n for n, m in OPENROUTER_MODELS.items() if "image" in m.output_modalities}
    assert set(row.model_ids) == image_models
    assert latest(world.team.pk, "openrouter") == image_models
    assert providers.count(provider="openrouter", operation="models.list") == 1
