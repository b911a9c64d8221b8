"""Cancel on an image waiting on fal, the provider that can cancel: fal is asked to drop the
request (PUT on the cancel_url it returned). One still in fal's queue is dropped and never billed,
so its reservation goes back; one fal has already finished is settled as before; and a cancel fal
refuses or never answers still cancels the image, settled, without a server error. A provider
that cannot cancel (BFL) is settled as before: test_pipeline.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from generation import ledger, pipeline, services
from generation.cancellation import image_cancel
from generation.models import Image, LedgerEntry
from tests.conftest import World
from tests.emulator import Emulator
from tests.generation.conftest import add_fal_key, make_persona

pytestmark = pytest.mark.django_db

ENDPOINT = "fal-ai/qwen-image-2/text-to-image"
PRICE = Decimal("0.035")  # Qwen Image 2.0 via fal, per image (the table's)


def polling_at_fal(world: World, providers: Emulator, *, seconds_at_fal: float) -> Image:
    """A Qwen image submitted to fal (the emulator) and waiting there. The test's transaction
    never commits, so the first poll is never sent: the image stays polling until cancelled."""
    providers.configure(latency_overrides={ENDPOINT: seconds_at_fal})
    editor = world.membership("editor")
    add_fal_key(world.membership("owner"))
    persona = make_persona(editor)
    batch = services.BatchRequest(
        [str(persona.pk)], ["builtin:editorial"], ["fal-qwen-image-2"], 1, "3:4", "1K", "low"
    )
    image = services.batch_submit(membership=editor, batch=batch).images.get()
    pipeline.run_image(image.pk)
    image.refresh_from_db()
    assert image.status == "polling"
    return image


def ledger_kinds(image: Image) -> list[str]:
    return sorted(LedgerEntry.objects.filter(image=image).values_list("kind", flat=True))


def cancels_sent(providers: Emulator) -> list[Any]:
    return [r for r in providers.requests if r.operation == "cancel"]


def test_an_image_still_queued_at_fal_is_dropped_there_and_released(
    world: World, providers: Emulator
) -> None:
    image = polling_at_fal(world, providers, seconds_at_fal=60)  # 18 s in fal's queue
    assert image_cancel(membership=world.membership("editor"), image=image) is True
    image.refresh_from_db()
    assert (image.status, image.error_kind, image.actual_usd) == ("cancelled", "cancelled", None)
    assert ledger_kinds(image) == ["release", "reservation"]  # no settlement line
    release = LedgerEntry.objects.get(image=image, kind="release")
    assert "dropped it unbilled" in release.detail
    budget = ledger.budget_status(world.team)
    assert (budget.reserved, budget.spent) == (0, 0)
    [cancel] = cancels_sent(providers)
    # fal's own cancel_url: the app's path without the model's sub-path
    assert (cancel.method, cancel.status) == ("PUT", 202)
    assert cancel.path == f"/fal-ai/qwen-image-2/requests/{image.provider_request_id}/cancel"
    pipeline.poll_image(image.pk)  # what the next scheduled poll does: nothing
    assert Image.objects.get(pk=image.pk).status == "cancelled"


def test_an_image_fal_has_already_finished_is_settled_as_billed(
    world: World, providers: Emulator
) -> None:
    image = polling_at_fal(world, providers, seconds_at_fal=0)  # done at fal before we poll
    assert image_cancel(membership=world.membership("editor"), image=image) is True
    image.refresh_from_db()
    assert (image.status, image.actual_usd) == ("cancelled", PRICE)
    assert ledger_kinds(image) == ["release", "reservation", "settlement"]
    assert LedgerEntry.objects.get(image=image, kind="settlement").amount_usd == PRICE
    budget = ledger.budget_status(world.team)
    assert (budget.reserved, budget.spent) == (0, PRICE)
    assert [r.status for r in cancels_sent(providers)] == [400]  # ALREADY_COMPLETED


@pytest.mark.parametrize("fault", ["server_error", "drop"])
def test_a_cancel_fal_refuses_or_drops_still_cancels_the_image_settled(
    world: World, providers: Emulator, in_team: Any, fault: str
) -> None:
    image = polling_at_fal(world, providers, seconds_at_fal=60)
    providers.add_fault(fault, provider="fal", operation="cancel")
    response = in_team("editor").post(reverse("generation:image_cancel", args=[image.pk]))
    assert response.status_code == 302  # back to the job page, not a server error
    image.refresh_from_db()
    assert (image.status, image.actual_usd) == ("cancelled", PRICE)
    assert ledger_kinds(image) == ["release", "reservation", "settlement"]
    assert len(cancels_sent(providers)) == 1
