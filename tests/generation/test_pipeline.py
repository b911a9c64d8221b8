"""The worker's side with a real worker: retries, refusals, ambiguity, cancel, retry, the sweeper,
and keys or personas that change while a job runs."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from avatarapp.keys.models import ProviderKey
from avatarapp.keys.services import key_revoke
from generation import ledger, pipeline, services, sweeper, tasks
from generation.cancellation import image_cancel
from generation.models import Image, LedgerEntry
from tests.conftest import World
from tests.emulator import Emulator
from tests.generation.conftest import add_keys, all_terminal, make_persona, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def one_image(
    world: World, prompt_marker: str = "", model: str = "gpt-image-2", count: int = 1
) -> services.BatchRequest:
    editor = world.membership("editor")
    persona = make_persona(editor, occupation=f"product marketer {prompt_marker}".strip())
    return services.BatchRequest(
        [str(persona.pk)], ["builtin:corporate"], [model], count, "1:1", "1K", "low"
    )


@pytest.fixture
def team(world: World, providers: Emulator) -> World:
    add_keys(world.membership("owner"))
    return world


def finished(job_id: uuid.UUID) -> list[Image]:
    wait_for(lambda: all_terminal(job_id), what="the job to finish")
    return list(Image.objects.filter(job_id=job_id))


def test_rate_limit_is_retried_after_the_delay_then_succeeds(team: World, worker: None) -> None:
    job = services.batch_submit(
        membership=team.membership("editor"), batch=one_image(team, "[fault:rate_limit=0.2*1]")
    )
    [image] = finished(job.pk)
    assert image.status == "succeeded"
    assert image.attempts == 2


def test_moderation_fails_at_once_and_releases_the_reservation(
    team: World, worker: None, providers: Emulator
) -> None:
    job = services.batch_submit(
        membership=team.membership("editor"), batch=one_image(team, "[fault:moderation_input]")
    )
    [image] = finished(job.pk)
    assert image.status == "failed"
    assert "safety system refused the prompt" in image.error_message
    assert image.attempts == 1
    assert LedgerEntry.objects.filter(image=image, kind="release").exists()
    assert ledger.budget_status(team.team).reserved == 0


def test_a_dropped_answer_is_flagged_not_resubmitted(
    team: World, worker: None, providers: Emulator
) -> None:
    job = services.batch_submit(
        membership=team.membership("editor"), batch=one_image(team, "[fault:drop]")
    )
    [image] = finished(job.pk)
    assert image.status == "needs_reconciliation"
    assert providers.count(operation="images.generate") == 1
    assert ledger.budget_status(team.team).reserved == image.estimated_usd  # kept for a person


def test_a_key_revoked_after_submit_fails_the_image_clearly(
    team: World, providers: Emulator
) -> None:
    job = services.batch_submit(membership=team.membership("editor"), batch=one_image(team))
    for key in ProviderKey.objects.filter(provider="openai"):
        key_revoke(key=key, actor=team.owner)
    [image] = Image.objects.filter(job=job)
    pipeline.run_image(image.pk)
    image.refresh_from_db()
    assert image.status == "failed"
    assert "revoked" in image.error_message
    assert providers.count(operation="images.generate") == 0
    assert ledger.budget_status(team.team).reserved == 0


def test_a_persona_deleted_while_its_job_runs(team: World, providers: Emulator) -> None:
    job = services.batch_submit(membership=team.membership("editor"), batch=one_image(team))
    [image] = Image.objects.filter(job=job)
    image.persona.delete()  # type: ignore[union-attr]
    pipeline.run_image(image.pk)
    image.refresh_from_db()
    assert image.status == "succeeded"
    assert image.persona_name == "Mia Chen"


def test_a_second_delivery_of_the_same_task_does_nothing(team: World, providers: Emulator) -> None:
    job = services.batch_submit(membership=team.membership("editor"), batch=one_image(team))
    [image] = Image.objects.filter(job=job)
    pipeline.run_image(image.pk)
    pipeline.run_image(image.pk)
    assert providers.count(operation="images.generate") == 1
    assert LedgerEntry.objects.filter(image=image, kind="settlement").count() == 1


def test_an_attempt_the_sweeper_took_for_dead_does_not_call_the_provider(
    team: World, providers: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker starved of CPU between its claim and its call: the sweeper re-queues the quiet
    row and another attempt makes the image; the slow attempt, waking up, must not call too."""
    job = services.batch_submit(membership=team.membership("editor"), batch=one_image(team))
    [image] = Image.objects.filter(job=job)
    real_crash_point = pipeline.crash_point
    handed_on: list[int] = []

    def starve_then_sweep(point: str, held: Image) -> None:
        if point == "before_submit" and not handed_on:
            handed_on.append(held.attempts)
            long_ago = timezone.now() - timedelta(minutes=10)
            Image.objects.filter(pk=held.pk).update(updated_at=long_ago)
            assert sweeper.sweep()["requeued"] == 1
            pipeline.run_image(held.pk)  # the message the sweeper sent, on another worker
        real_crash_point(point, held)

    monkeypatch.setattr(pipeline, "crash_point", starve_then_sweep)
    pipeline.run_image(image.pk)

    image.refresh_from_db()
    assert handed_on == [1]
    assert (image.status, image.attempts) == ("succeeded", 2)
    assert providers.count(operation="images.generate") == 1
    assert LedgerEntry.objects.filter(image=image, kind="settlement").count() == 1


def test_cancel_a_queued_image(team: World) -> None:
    editor = team.membership("editor")
    job = services.batch_submit(membership=editor, batch=one_image(team))
    [image] = Image.objects.filter(job=job)
    assert image_cancel(membership=editor, image=image)
    image.refresh_from_db()
    assert image.status == "cancelled"
    assert ledger.budget_status(team.team).reserved == 0
    assert not image_cancel(membership=editor, image=image)  # already ended


@pytest.mark.parametrize(
    ("model", "credits_on_submit", "charged"),
    [
        ("flux-2-pro", True, Decimal("0.03")),  # the 3 credits BFL reported at submit
        ("flux-pro-1.1", False, Decimal("0.04")),  # no credits yet: the catalog's list price
    ],
)
def test_cancel_while_a_bfl_task_is_polling_settles_what_bfl_bills(
    team: World,
    worker: None,
    providers: Emulator,
    model: str,
    credits_on_submit: bool,
    charged: Decimal,
) -> None:
    providers.configure(latency_overrides={model: 60}, bfl_flux1_cost_on_submit=credits_on_submit)
    editor = team.membership("editor")
    job = services.batch_submit(membership=editor, batch=one_image(team, model=model))
    [stale] = Image.objects.filter(job=job)  # loaded before the submit, as a page might hold it
    wait_for(lambda: Image.objects.get(pk=stale.pk).status == "polling", what="polling")
    assert image_cancel(membership=editor, image=stale)
    image = Image.objects.get(pk=stale.pk)
    assert (image.status, image.actual_usd) == ("cancelled", charged)
    settlement = LedgerEntry.objects.get(image=image, kind="settlement")
    assert settlement.amount_usd == charged
    status = ledger.budget_status(team.team)
    assert (status.reserved, status.spent) == (0, charged)
    polls = providers.count(operation="poll")
    pipeline.poll_image(image.pk)  # what the next scheduled poll does: nothing
    assert providers.count(operation="poll") == polls
    assert Image.objects.get(pk=image.pk).status == "cancelled"
    assert LedgerEntry.objects.filter(image=image, kind="settlement").count() == 1
    assert providers.count(operation="submit") == 1


def test_retry_makes_a_new_attempt_reserved_again(team: World, worker: None) -> None:
    editor = team.membership("editor")
    job = services.batch_submit(
        membership=editor, batch=one_image(team, "[fault:moderation_input*1]")
    )
    [failed] = finished(job.pk)
    assert failed.status == "failed"
    again = services.image_retry(membership=editor, image=failed)
    assert again.retry_of_id == failed.pk
    wait_for(lambda: Image.objects.get(pk=again.pk).is_final, what="the retry")
    again.refresh_from_db()
    assert again.status == "succeeded"
    with pytest.raises(services.SubmitError, match="Only a failed or cancelled image"):
        services.image_retry(membership=editor, image=again)


def test_the_sweeper_enqueues_an_image_whose_enqueue_was_lost(team: World, worker: None) -> None:
    # batch_create commits the rows and enqueues nothing: a crash between commit and publish.
    job, _ = services.batch_create(membership=team.membership("editor"), batch=one_image(team))
    Image.objects.filter(job=job).update(updated_at=timezone.now() - timedelta(minutes=5))
    counts = sweeper.sweep()
    assert counts["requeued"] == 1
    [image] = finished(job.pk)
    assert image.status == "succeeded"


def test_the_sweeper_fails_an_image_still_queued_past_its_deadline_and_releases_it(
    team: World, worker: None, providers: Emulator
) -> None:
    # Committed, never enqueued, and now past its deadline and stale: without the deadline rule
    # the sweeper would enqueue it and the worker would call the provider.
    job, _ = services.batch_create(membership=team.membership("editor"), batch=one_image(team))
    long_ago = timezone.now() - timedelta(minutes=5)
    Image.objects.filter(job=job).update(updated_at=long_ago, deadline_at=long_ago)
    [queued] = Image.objects.filter(job=job)
    assert ledger.budget_status(team.team).reserved == queued.estimated_usd > 0
    key_checks = len(providers.requests)  # adding the keys checked them
    tasks.sweep.delay()  # through the broker to the worker, as beat sends it
    [image] = finished(job.pk)
    assert (image.status, image.error_kind, image.attempts) == ("failed", "deadline", 0)
    assert image.error_message == (
        "It could not be started before its deadline. Retry to try again."
    )
    lines = {line.kind: line.amount_usd for line in LedgerEntry.objects.filter(image=image)}
    assert lines == {"reservation": image.estimated_usd, "release": image.estimated_usd}
    assert ledger.budget_status(team.team).reserved == 0
    assert len(providers.requests) == key_checks  # nothing sent to a provider


def test_the_sweeper_flags_a_worker_that_died_after_calling_the_provider(team: World) -> None:
    job = services.batch_submit(membership=team.membership("editor"), batch=one_image(team))
    long_ago = timezone.now() - timedelta(minutes=5)
    Image.objects.filter(job=job).update(
        status="running", provider_call_at=long_ago, updated_at=long_ago
    )
    assert sweeper.sweep()["reconciled"] == 1
    assert Image.objects.get(job=job).status == "needs_reconciliation"


def test_bfl_polls_on_the_regional_host_without_holding_a_worker(
    team: World, worker: None, providers: Emulator
) -> None:
    providers.configure(latency_overrides={"flux-2-pro": 1.5})
    job = services.batch_submit(
        membership=team.membership("editor"), batch=one_image(team, model="flux-2-pro", count=2)
    )
    [first, second] = finished(job.pk)
    assert first.status == second.status == "succeeded"
    polls = [r for r in providers.requests if r.operation == "poll"]
    assert len(polls) >= 4
    assert first.polling_url.split("/v1/")[0] != providers.bfl_base_url


def test_bfl_never_gets_more_than_24_active_tasks_from_one_key(
    team: World, providers: Emulator
) -> None:
    providers.configure(latency_overrides={"flux-2-pro": 30.0})
    editor = team.membership("editor")
    personas = [make_persona(editor, name=f"P{i}") for i in range(13)]
    batch = services.BatchRequest(
        [str(p.pk) for p in personas],
        ["builtin:corporate", "builtin:editorial"],
        ["flux-2-pro"],
        1,
        "1:1",
        "1K",
        "low",
    )
    job = services.batch_submit(membership=editor, batch=batch)
    for image in Image.objects.filter(job=job):  # 26 images, submitted one after another
        pipeline.run_image(image.pk)
    statuses = list(Image.objects.filter(job=job).values_list("status", flat=True))
    assert statuses.count("polling") == 24
    assert statuses.count("queued") == 2
    assert providers.count(operation="submit") == 24
    assert all(i.attempts == 0 for i in Image.objects.filter(job=job, status="queued"))
