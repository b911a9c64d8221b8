"""HiAPI and APIMart through the whole pipeline on the emulator: one image each end to end, a
result link on a private address, and a task that never finishes."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from generation import ledger, pipeline, queue, services
from generation.models import Image, LedgerEntry
from tests.conftest import World
from tests.emulator import Emulator
from tests.generation.conftest import add_gateway_keys, all_terminal, make_persona, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def team(world: World, providers: Emulator) -> World:
    add_gateway_keys(world.membership("owner"))
    return world


def submit_one(team: World, model: str) -> Image:
    editor = team.membership("editor")
    persona = make_persona(editor)
    batch = services.BatchRequest(
        [str(persona.pk)], ["builtin:corporate"], [model], 1, "1:1", "1K", "low"
    )
    job = services.batch_submit(membership=editor, batch=batch)
    return Image.objects.get(job=job)


@pytest.mark.parametrize(
    ("model", "gateway", "cost"),
    [
        ("hiapi-gpt-image-2", "hiapi", Decimal("0.03")),
        ("hiapi-flux-1-1-pro", "hiapi", Decimal("0.05")),  # synchronous
        ("apimart-gpt-image-2", "apimart", Decimal("0.006")),
    ],
)
def test_one_image_through_each_gateway_is_made_priced_and_stored(
    model: str, gateway: str, cost: Decimal, team: World, worker: None, providers: Emulator
) -> None:
    image = submit_one(team, model)
    wait_for(lambda: all_terminal(image.job_id), what="the image to finish")
    image.refresh_from_db()
    assert (image.status, image.error_message) == ("succeeded", "")
    assert image.actual_usd == cost
    assert image.price_rule == f"{model}-per-image"
    assert default_storage.exists(image.original.name)
    assert (image.width, image.height) == (1024, 1024)
    settlement = LedgerEntry.objects.get(image=image, kind="settlement")
    assert settlement.amount_usd == cost
    assert providers.count(provider=gateway, operation="delivery") == 1
    assert ledger.budget_status(team.team).reserved == 0


@pytest.fixture
def no_queue(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, float]]:
    """The pipeline's next steps, noted instead of sent to a broker: the test runs them itself."""
    sent: list[tuple[str, float]] = []
    monkeypatch.setattr(
        queue, "enqueue_poll", lambda _id, countdown=0: sent.append(("poll", countdown))
    )
    monkeypatch.setattr(
        queue, "enqueue_image", lambda _id, countdown=0: sent.append(("image", countdown))
    )
    return sent


def run_and_poll(image_id: uuid.UUID, capture: Any) -> Image:
    with capture(execute=True):
        pipeline.run_image(image_id)
        pipeline.poll_image(image_id)
    return Image.objects.get(pk=image_id)


@pytest.mark.parametrize("model", ["hiapi-gpt-image-2", "apimart-gpt-image-2"])
def test_a_result_link_on_a_private_address_fails_clearly_and_gives_the_money_back(
    model: str,
    team: World,
    providers: Emulator,
    no_queue: list[tuple[str, float]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    providers.configure(gateway_result_base="http://169.254.169.254/latest/meta-data")
    image = run_and_poll(submit_one(team, model).pk, django_capture_on_commit_callbacks)
    assert image.status == "failed"
    assert "result link we do not download from" in image.error_message
    assert "cloud metadata service (169.254.169.254)" in image.error_message
    assert providers.count(operation="delivery") == 0
    assert LedgerEntry.objects.filter(image=image, kind="release").exists()
    assert ledger.budget_status(team.team).reserved == 0


@pytest.mark.parametrize(
    ("model", "api_model"),
    [
        ("hiapi-gpt-image-2", "gpt-image-2"),
        ("apimart-gpt-image-2", "gpt-image-2"),
    ],
)
def test_a_task_that_never_finishes_needs_checking_with_its_task_id(
    model: str,
    api_model: str,
    team: World,
    providers: Emulator,
    no_queue: list[tuple[str, float]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    providers.configure(latency_overrides={api_model: 3600})
    image = run_and_poll(submit_one(team, model).pk, django_capture_on_commit_callbacks)
    assert image.status == "polling"  # still running at the gateway
    task_id = image.provider_request_id
    assert providers.state.gateways.find(task_id) is not None  # the gateway's own id
    Image.objects.filter(pk=image.pk).update(deadline_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        pipeline.poll_image(image.pk)
    image.refresh_from_db()
    assert image.status == "needs_reconciliation"
    assert image.provider_request_id == task_id
    assert "had not finished by the deadline" in image.error_message
    assert "check with the provider" in image.error_message
    assert providers.count(operation="submit") == 1  # never submitted again
    assert ledger.budget_status(team.team).reserved == image.estimated_usd  # kept for a person
