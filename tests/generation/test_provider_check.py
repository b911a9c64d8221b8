""" "Check with the provider" on a flagged image, against the emulator: BFL's get_result by the
stored request, fal's request status. A finished task pre-fills what it billed (BFL's credits,
fal's table price) without resolving the image or collecting its picture; one still working, or
one the provider has forgotten, says so. One question per press."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from generation import failed_attempts, ledger, pipeline, provider_check, services
from generation.models import Image
from tests.conftest import World
from tests.emulator import Emulator
from tests.generation.conftest import add_fal_key, add_keys, make_persona

pytestmark = pytest.mark.django_db

Status = Image.Status


def flagged_while_polling(world: World, providers: Emulator, model: str, seconds: float) -> Image:
    """Submitted to the provider (the emulator), then flagged as when its result could not be
    collected by the deadline. The test's transaction never commits, so no poll is ever sent."""
    providers.configure(latency_overrides={model: seconds})
    add_keys(world.membership("owner"))
    add_fal_key(world.membership("owner"))
    editor = world.membership("editor")
    batch = services.BatchRequest(
        [str(make_persona(editor).pk)], ["builtin:corporate"], [model], 1, "1:1", "1K", "low"
    )
    image = services.batch_submit(membership=editor, batch=batch).images.get()
    pipeline.run_image(image.pk)
    image.refresh_from_db()
    assert image.status == Status.POLLING
    assert failed_attempts.reconcile(image, Status.POLLING, "The result was not collected.")
    return Image.objects.select_related("job").get(pk=image.pk)


def test_bfl_says_a_finished_task_was_billed_its_credits(world: World, providers: Emulator) -> None:
    image = flagged_while_polling(world, providers, "flux-2-pro", 0)
    assert provider_check.can_ask(image)
    answer = provider_check.ask(image)
    assert answer.billed_usd == Decimal("0.03")  # the 3 credits BFL reported
    assert answer.sentence.startswith("Black Forest Labs says it finished the image")
    assert providers.count(operation="poll") == 1
    assert providers.count(operation="delivery") == 0  # the picture is not collected
    assert Image.objects.get(pk=image.pk).status == Status.NEEDS_RECONCILIATION


def test_bfl_still_working_and_forgotten_tasks_pre_fill_nothing(
    world: World, providers: Emulator
) -> None:
    image = flagged_while_polling(world, providers, "flux-2-pro", 60)
    answer = provider_check.ask(image)
    assert (answer.billed_usd, answer.sentence) == (
        None,
        "Black Forest Labs is still working on it. Ask again in a minute.",
    )
    image.polling_url = image.polling_url.replace(image.provider_request_id, "unknown-task")
    answer = provider_check.ask(image)
    assert answer.billed_usd is None
    assert "no longer knows this request" in answer.sentence


def test_fal_says_a_completed_request_was_billed_at_the_table_price(
    world: World, providers: Emulator
) -> None:
    image = flagged_while_polling(world, providers, "fal-qwen-image-2", 0)
    answer = provider_check.ask(image)
    assert answer.billed_usd == Decimal("0.035")  # Qwen Image 2.0's price per image
    assert "(price table)" in answer.sentence
    assert providers.count(operation="result") == 0


def test_the_button_shows_the_answer_and_pre_fills_the_amount(
    world: World, providers: Emulator, in_team: Callable[[str], Client]
) -> None:
    image = flagged_while_polling(world, providers, "flux-2-pro", 0)
    admin = in_team("admin")
    assert (
        "Check with Black Forest Labs" in admin.get(reverse("generation:checking")).content.decode()
    )
    response = admin.post(reverse("generation:checking_ask", args=[image.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Black Forest Labs says it finished the image, so it was billed: $0.03" in page
    assert f'name="image-{image.pk}-amount_usd" value="0.03"' in page
    assert Image.objects.get(pk=image.pk).status == Status.NEEDS_RECONCILIATION
    assert ledger.budget_status(world.team).spent == 0
