"""A task that always crashes is retried a bounded number of times, counted
on the image's row (failed_attempts.MAX_ATTEMPTS), not by the broker, then failed with its
reservation released; a crash after the provider may have billed is flagged, never retried
blindly. The crash comes from generation.crashpoints.crash_point, limited to one persona's prompt
with AVATARAPP_TEST_CRASH_PROMPT so a healthy image runs alongside."""

from __future__ import annotations

import signal
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from generation import failed_attempts, ledger, services
from generation.models import Image, Job, LedgerEntry
from generation.queue import enqueue_image
from tests.conftest import World
from tests.emulator import Emulator
from tests.faults.checks import all_terminal, check_outcomes, describe, requests_by_prompt
from tests.faults.support import Child, Stack, Timing, wait_for
from tests.generation.conftest import make_persona

POISON = "poison-pill"
# Only the poison image runs under this timing, so a two-second time limit cannot mistake a
# healthy image that is slow on a loaded machine for a dead one.
QUICK = Timing(time_limit=2)


def batch(team: World, occupations: list[str], models: list[str]) -> services.BatchRequest:
    editor = team.membership("editor")
    ids = [str(make_persona(editor, name=o, occupation=o).pk) for o in occupations]
    return services.BatchRequest(ids, ["builtin:corporate"], models, 1, "1:1", "1K", "low")


def images_of(job: Job) -> dict[str, Image]:
    return {image.persona_name: image for image in Image.objects.filter(job=job)}


def test_an_image_that_always_raises_fails_after_the_bounded_attempts(
    team: World, stack: Stack, providers: Emulator
) -> None:
    stack.start_worker(crash_at="before_submit:raise", crash_prompt=POISON)
    job = services.batch_submit(
        membership=team.membership("editor"),
        batch=batch(team, [POISON, "healthy"], ["gpt-image-2"]),
    )
    wait_for(lambda: all_terminal([job.pk]), 30, "the batch to end")
    check_outcomes([job.pk], providers)
    poison, healthy = images_of(job)[POISON], images_of(job)["healthy"]
    assert healthy.status == "succeeded", describe([healthy])
    assert poison.status == "failed", describe([poison])
    assert poison.attempts == failed_attempts.MAX_ATTEMPTS
    assert f"Gave up after {failed_attempts.MAX_ATTEMPTS} attempt(s)" in poison.error_message
    assert LedgerEntry.objects.filter(image=poison, kind="release").count() == 1
    assert poison.prompt not in requests_by_prompt(providers)  # it crashed before any call


def test_an_image_that_kills_its_worker_every_time_is_failed_after_the_bounded_attempts(
    team: World, stacks: Callable[..., Stack], providers: Emulator
) -> None:
    """acks_late + reject_on_worker_lost bring the message back after every kill; the row's
    attempts, not the broker, must end the loop."""
    stack = stacks(QUICK)
    stack.start_beat()
    job = services.batch_submit(
        membership=team.membership("editor"), batch=batch(team, [POISON], ["gpt-image-2"])
    )
    kills = 0
    while not all_terminal([job.pk]):
        assert kills <= failed_attempts.MAX_ATTEMPTS, (
            f"still {describe(Image.objects.filter(job=job))}"
        )
        worker = stack.start_worker(crash_at="before_submit", crash_prompt=POISON)

        def killed_or_ended(worker: Child = worker) -> bool:
            return worker.returncode is not None or all_terminal([job.pk])

        try:  # dies as soon as it claims the poison image, unless the image has ended
            wait_for(killed_or_ended, 30, "a kill")
            kills += worker.returncode == -signal.SIGKILL
        finally:
            worker.kill()
    [poison] = check_outcomes([job.pk], providers)
    assert poison.status == "failed", describe([poison])
    assert poison.attempts == kills == failed_attempts.MAX_ATTEMPTS
    assert LedgerEntry.objects.filter(image=poison, kind="release").count() == 1
    assert ledger.budget_status(team.team).reserved == 0
    assert poison.prompt not in requests_by_prompt(providers)


def test_a_crash_after_the_provider_answered_is_flagged_not_resubmitted(
    team: World, stack: Stack, providers: Emulator
) -> None:
    """Our own code raising after the provider accepted the work (a bug, or a soft time limit in
    the middle of the answer): retrying would bill again."""
    stack.start_worker(crash_at="after_submit:raise")
    job = services.batch_submit(
        membership=team.membership("editor"),
        batch=batch(team, ["answered"], ["gpt-image-2", "flux-2-pro"]),
    )
    wait_for(lambda: all_terminal([job.pk]), 30, "the batch to end")
    images = check_outcomes([job.pk], providers)
    assert [i.status for i in images] == ["needs_reconciliation"] * 2, describe(images)
    submits = requests_by_prompt(providers)
    assert [len(submits[i.prompt]) for i in images] == [1, 1]


def test_a_poll_that_always_crashes_is_flagged_by_its_deadline(
    team: World, stacks: Callable[..., Stack], providers: Emulator
) -> None:
    stack = stacks(QUICK)
    job, [image_id] = services.batch_create(
        membership=team.membership("editor"), batch=batch(team, [POISON], ["flux-2-pro"])
    )
    stack.start_beat()
    stack.start_worker(crash_at="while_polling:raise", crash_prompt=POISON)
    # The deadline starts once the worker is ready: a slow start on a loaded machine would eat the
    # whole three seconds, and the image would then fail unstarted instead of being flagged.
    deadline = timezone.now() + timedelta(seconds=3)
    Image.objects.filter(pk=image_id).update(deadline_at=deadline)
    enqueue_image(image_id)
    bound = 3 + QUICK.recovery + 2 * QUICK.countdown
    wait_for(lambda: all_terminal([job.pk]), bound, "the image to be flagged")
    [image] = check_outcomes([job.pk], providers)
    assert image.status == "needs_reconciliation", describe([image])
    assert image.finished_at is not None
    assert image.finished_at <= deadline + timedelta(seconds=QUICK.recovery)
    assert len(requests_by_prompt(providers)[image.prompt]) == 1  # submitted once, billed once
