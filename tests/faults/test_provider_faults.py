"""Every provider fault the emulator can play, OpenAI, BFL, Gemini, fal.ai, OpenRouter, HiAPI and
APIMart side by
side in one batch on a real worker process. Each image ends succeeded, failed with a reason a person
can act on, or flagged for reconciliation, by its deadline; retries stay within the bound and
never come sooner than the provider's retry-after; polls never wait longer than the backoff cap
(the broker would re-deliver them)."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from django.utils import timezone

from generation import failed_attempts, pipeline, queue, services
from generation.models import Image
from generation.queue import enqueue_image
from tests.conftest import World
from tests.emulator import Emulator
from tests.emulator.recorder import SUBMIT_OPERATIONS
from tests.faults.checks import all_terminal, check_outcomes, describe
from tests.faults.support import Stack, wait_for
from tests.generation.conftest import add_fal_key, add_gateway_keys, make_persona

OK = ("succeeded", "")
FLAGGED = ("needs_reconciliation", "ambiguous")


def everywhere(outcome: tuple[str, str]) -> dict[str, tuple[str, str]]:
    """The same end for the image of each provider."""
    return {
        "openai": outcome,
        "google": outcome,
        "bfl": outcome,
        "fal": outcome,
        "openrouter": outcome,
        **gateways(outcome),
    }


def gateways(outcome: tuple[str, str]) -> dict[str, tuple[str, str]]:
    """The same end for the image of each task gateway (submit and poll, as BFL)."""
    return {"hiapi": outcome, "apimart": outcome}


# persona -> (prompt marker, {provider: (status, error kind)}, retry-after the provider asks for)
FAULTS: dict[str, tuple[str, dict[str, tuple[str, str]], float]] = {
    "rate limited": ("[fault:rate_limit=1*2]", everywhere(OK), 1.0),
    "5xx once": ("[fault:server_error=502*1]", everywhere(OK), 0),
    "overloaded": ("[fault:unavailable*1]", everywhere(OK), 0),
    "always 5xx": ("[fault:server_error]", everywhere(("failed", "retries_exhausted")), 0),
    "slow": ("[fault:slow=2]", everywhere(OK), 0),
    "dropped": ("[fault:drop]", everywhere(FLAGGED), 0),
    "moderated": ("[fault:moderation_input]", everywhere(("failed", "moderation")), 0),
    "no credits": ("[fault:insufficient_quota]", everywhere(("failed", "quota")), 0),
    "output withheld": ("[fault:moderation_output]", everywhere(("failed", "moderation")), 0),
    "prohibited": (
        "[fault:prohibited_content]",
        everywhere(OK)
        | {"google": ("failed", "moderation"), "openrouter": ("failed", "moderation")},
        0,
    ),
    # A gateway task that succeeds with no output: failed, as Gemini's text-only answer.
    "text only": (
        "[fault:no_image]",
        everywhere(("failed", "failed")) | {"openai": OK, "bfl": OK},
        0,
    ),
    "expired url": (
        "[fault:expired_url]",
        everywhere(OK) | {"bfl": FLAGGED, "fal": FLAGGED, **gateways(FLAGGED)},
        0,
    ),
    "task not found": (
        "[fault:task_not_found]",
        everywhere(OK) | {"bfl": FLAGGED, "fal": FLAGGED, **gateways(FLAGGED)},
        0,
    ),
    "poll 503": ("[fault:poll_unavailable=2]", everywhere(OK), 0),
    # Polls answer 503 until long after a short deadline: flagged (the task was accepted, and may
    # be billed), with its task id. Only the polled images (BFL, fal, the gateways) are given the
    # short deadline: the others have nothing to poll.
    "past deadline": (
        "[fault:poll_unavailable=1000]",
        everywhere(OK) | {"bfl": FLAGGED, "fal": FLAGGED, **gateways(FLAGGED)},
        0,
    ),
}
SHORT_DEADLINE = 3  # from the first 503 to a poll: a few more such polls, then the end
PROVIDER_RETRY_AFTER = 10  # what the 503s ask for: longer than our backoff cap
POLLED = ("bfl", "fal", "hiapi", "apimart")


def emulated(provider: str) -> str:
    """The emulator's name for a provider of ours (it speaks Gemini for Google)."""
    return "gemini" if provider == "google" else provider


def by_provider_and_prompt(emulator: Emulator, operations: set[str]) -> dict:
    times: dict[tuple[str, str], list[float]] = defaultdict(list)
    for record in emulator.requests:
        if record.operation in operations:
            # A poll names its task in the query (BFL) or the path (fal, the gateways).
            key = record.prompt if record.operation != "poll" else f"{record.path}?{record.query}"
            times[(record.provider, key)].append(record.time)
    return {key: sorted(found) for key, found in times.items()}


def gaps(times: list[float]) -> list[float]:
    return [later - earlier for earlier, later in itertools.pairwise(times)]


def test_every_provider_fault_ends_in_a_clear_state_within_the_deadline(
    team: World, stack: Stack, providers: Emulator
) -> None:
    providers.configure(default_retry_after=PROVIDER_RETRY_AFTER)
    editor = team.membership("editor")
    add_fal_key(team.membership("owner"))
    add_gateway_keys(team.membership("owner"))
    personas = [
        make_persona(editor, name=name, occupation=f"marketer {marker}")
        for name, (marker, *_) in FAULTS.items()
    ]
    models = [
        "gpt-image-2",
        "gemini-2.5-flash-image",
        "flux-2-pro",
        "fal-qwen-image-2",
        "openrouter-gemini-2.5-flash-image",
        "hiapi-gpt-image-2",
        "apimart-gpt-image-2",
    ]
    jobs, image_ids = [], []
    for start in range(0, len(models), services.MAX_MODELS):  # a batch compares up to 4 models
        batch = services.BatchRequest(
            [str(p.pk) for p in personas],
            ["builtin:corporate"],
            models[start : start + services.MAX_MODELS],
            1,
            "1:1",
            "1K",
            "low",
        )
        job, ids = services.batch_create(membership=editor, batch=batch)
        jobs.append(job.pk)
        image_ids.extend(ids)
    stack.start_beat()
    stack.start_worker(concurrency=12)  # 105 images (7 providers x 15 faults), as 6 did for 45
    hurried = list(
        Image.objects.filter(job__in=jobs, persona_name="past deadline", provider__in=POLLED)
    )
    hurried_ids = {image.pk for image in hurried}
    for image_id in sorted(image_ids, key=lambda i: i not in hurried_ids):  # those first
        enqueue_image(image_id)
    # The short deadline starts once the provider has accepted (and may bill) the task and
    # answered a poll with 503, so however long a loaded machine takes to get there, the image
    # lives what the row is about: polls that do not succeed, then the deadline. (Started
    # earlier, a slow start could spend it before the submit, and the image would end "failed:
    # deadline", another path.)
    for image in hurried:
        wait_for(partial(was_polled, image, providers), 120, f"a poll of {image.provider}")
        short = timezone.now() + timedelta(seconds=SHORT_DEADLINE)
        Image.objects.filter(pk=image.pk).update(deadline_at=short)

    # A deadline on the condition only: on a busy machine the batch just takes longer.
    wait_for(lambda: all_terminal(jobs), 180, "every image to end")
    images = check_outcomes(jobs, providers)
    for image in images:
        _marker, expected, _asked = FAULTS[image.persona_name]
        assert (image.status, image.error_kind) == expected[image.provider], describe([image])
        if image.status == "failed":
            assert len(image.error_message) > 30, describe([image])  # a sentence, not a code
        assert image.finished_at is not None
        if image.pk not in hurried_ids:  # 30 minutes: ended by it with room to spare
            assert image.finished_at <= image.deadline_at, describe([image])
        if image.persona_name == "always 5xx":
            assert image.attempts == failed_attempts.MAX_ATTEMPTS
    for image in hurried:
        check_flagged_at_the_deadline(Image.objects.get(pk=image.pk), providers)

    prompts = {image.prompt: image for image in images}
    submits = by_provider_and_prompt(providers, SUBMIT_OPERATIONS)
    for image in images:
        if image.status == "needs_reconciliation":  # never resubmitted blindly
            assert len(submits[(emulated(image.provider), image.prompt)]) == 1, describe([image])
    for (provider, prompt), times in submits.items():
        if prompt not in prompts:
            continue
        asked = FAULTS[prompts[prompt].persona_name][2]
        assert all(gap >= asked - 0.05 for gap in gaps(times)), (prompts[prompt], provider, times)
    # No poll waited as long as BFL's Retry-After asked: polls are scheduled no later than the
    # countdown cap (1 s here; the scheduled countdown itself is checked by the next test), and
    # the sweeper re-polls a row quiet for 2 x countdown + stale (3 s) anyway. A wait as long as
    # the provider asked means both failed; everything below it is room for a loaded machine.
    for (_provider, task), times in by_provider_and_prompt(providers, {"poll"}).items():
        assert all(gap < PROVIDER_RETRY_AFTER for gap in gaps(times)), (task, gaps(times))


def was_polled(image: Image, emulator: Emulator) -> bool:
    return bool(polls_of(image, emulator))


def polls_of(image: Image, emulator: Emulator) -> list[float]:
    """When the image's task was polled (its id is in BFL's polling URL's query, in the path of
    fal's or a gateway's)."""
    image.refresh_from_db(fields=["provider_request_id"])
    task = image.provider_request_id
    return [
        r.time
        for r in emulator.requests
        if r.operation == "poll" and task and task in f"{r.path}?{r.query}"
    ]


def check_flagged_at_the_deadline(image: Image, emulator: Emulator) -> None:
    """Polled until the deadline, then flagged at the first poll after it: not earlier, and not
    polled on. Counted in polls rather than seconds, so a busy machine cannot fail it."""
    assert image.finished_at is not None, describe([image])
    assert image.finished_at >= image.deadline_at, describe([image])
    polls = polls_of(image, emulator)
    deadline = image.deadline_at.timestamp()
    # The poll that found the deadline passed, and at most one duplicate that the sweeper sends a
    # row left quiet by a loaded machine. Polling on would go on until the sweeper's own rule, 10
    # polls later.
    assert len([t for t in polls if t >= deadline]) <= 2, (polls, deadline)


@pytest.mark.django_db
def test_a_long_retry_after_never_delays_a_poll_past_the_countdown_cap(
    team: World, providers: Emulator, settings: Any, monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    """The broker holds a delayed message unacknowledged; one delayed past the visibility timeout
    is delivered twice, and the sweeper expects a poll within GENERATION_MAX_COUNTDOWN."""
    providers.configure(default_retry_after=PROVIDER_RETRY_AFTER)
    settings.GENERATION_MAX_COUNTDOWN = 2
    scheduled: list[float] = []
    monkeypatch.setattr(
        queue, "enqueue_poll", lambda image_id, countdown=0: scheduled.append(countdown)
    )
    persona = make_persona(team.membership("editor"), occupation="[fault:poll_unavailable=3]")
    batch = services.BatchRequest(
        [str(persona.pk)], ["builtin:corporate"], ["flux-2-pro"], 1, "1:1", "1K", "low"
    )
    _job, [image_id] = services.batch_create(membership=team.membership("editor"), batch=batch)
    with django_capture_on_commit_callbacks(execute=True):
        pipeline.run_image(image_id)
        pipeline.poll_image(image_id)  # 503, Retry-After: 10
    assert Image.objects.get(pk=image_id).status == "polling"
    assert len(scheduled) == 2  # the first poll, then the one after the 503
    assert max(scheduled) <= settings.GENERATION_MAX_COUNTDOWN


def test_retry_delays_are_jittered_and_capped(settings: Any) -> None:
    settings.GENERATION_MAX_RETRY_BACKOFF = 30
    delays = [failed_attempts.retry_delay(3) for _ in range(50)]
    assert len(set(delays)) > 40  # full jitter...
    assert all(0 <= d <= 8 for d in delays)  # ...up to 2 s x 2^2
    assert (
        failed_attempts.retry_delay(1, retry_after=12) == 12
    )  # never sooner than the provider asked
    assert failed_attempts.retry_delay(9, retry_after=999) == 30  # never past the broker's cap
