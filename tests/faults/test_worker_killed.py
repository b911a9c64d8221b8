"""QUALITY.md section 1: a worker SIGKILLed at each point of an image's life.

Every case gets a Redis and a one-thread worker process of its own, with AVATARAPP_TEST_CRASH_AT
naming the point (generation.crashpoints.crash_point), so exactly one image of its batch is in hand
when the worker kills itself there. Then each case's worker is restarted healthy, beat starts
sweeping, and every image must end in one terminal state within the visibility timeout plus the
sweep interval: a provider call at most once per recorded attempt, an image whose submit outcome
is unknown flagged rather than resubmitted, exactly one settlement per success, at most one stored
original. The cases run side by side (each waits on the sweeper, not on the CPU). They share one
database, so beat starts only once every doomed worker is dead: the sweeper re-enqueues any
stale row onto its own broker, and would hand one case's image to another case's doomed worker.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from generation import services
from generation.models import Image, Job
from tests.conftest import World
from tests.emulator import Emulator
from tests.faults.checks import (
    all_terminal,
    check_outcomes,
    describe,
    requests_by_prompt,
    stored_files,
)
from tests.faults.support import Child, Stack, point_producer_at, wait_for
from tests.generation.conftest import make_persona

BATCH = 2
IN_HAND = {"running", "polling", "storing"}  # the states of an image a worker is working on

CASES = [
    # crash point, model, how the image that was in hand ends
    ("before_submit", "gpt-image-2", "succeeded"),  # nothing sent: queued again
    ("before_call", "gpt-image-2", "needs_reconciliation"),  # call recorded: may have been sent
    ("after_submit", "gpt-image-2", "needs_reconciliation"),  # billed, the answer died
    ("after_submit", "flux-2-pro", "needs_reconciliation"),  # task id never stored
    ("while_polling", "flux-2-pro", "succeeded"),  # polls are idempotent GETs
    ("during_upload", "flux-2-pro", "succeeded"),  # the result is fetched again, re-stored
    ("during_upload", "gpt-image-2", "needs_reconciliation"),  # the bytes died with the worker
    ("before_settle", "flux-2-pro", "succeeded"),
    ("before_settle", "gpt-image-2", "needs_reconciliation"),
    ("before_submit", "gemini-2.5-flash-image", "succeeded"),
    ("after_submit", "gemini-2.5-flash-image", "needs_reconciliation"),  # billed, answer lost
    ("during_upload", "gemini-2.5-flash-image", "needs_reconciliation"),
]


@dataclass
class Case:
    point: str
    model: str
    crashed_ends: str
    stack: Stack
    doomed: Child | None = None
    job: Job | None = None
    in_hand: dict = field(default_factory=dict)  # image id -> status when the worker died

    @property
    def name(self) -> str:
        return f"{self.point}/{self.model}"

    def batch(self, team: World) -> services.BatchRequest:
        editor = team.membership("editor")
        personas = [
            make_persona(editor, name=f"{self.name} {n}", occupation=f"{self.name} marketer {n}")
            for n in range(BATCH)
        ]
        ids = [str(p.pk) for p in personas]
        return services.BatchRequest(
            ids, ["builtin:corporate"], [self.model], 1, "1:1", "1K", "low"
        )


def check(case: Case, images: list[Image], emulator: Emulator) -> None:
    """The image the worker died holding ends as the case says; every other one succeeds."""
    ends = {image.pk: image.status for image in images}
    if case.crashed_ends == "succeeded":  # BFL images may all be polling: which one was in hand
        expected = dict.fromkeys(ends, "succeeded")  # does not matter, each must succeed
    else:  # a one-thread worker holding a synchronous call, or BFL's submit, holds one image
        held = [pk for pk, status in case.in_hand.items() if status in IN_HAND]
        assert len(held) == 1, (case.name, case.in_hand)
        expected = {pk: case.crashed_ends if pk in held else "succeeded" for pk in ends}
    assert ends == expected, describe(images)
    prompts = {image.prompt for image in images}
    submits = {p: t for p, t in requests_by_prompt(emulator).items() if p in prompts}
    assert all(len(times) == 1 for times in submits.values()), "nothing was submitted twice"
    assert len(submits) == BATCH - (case.point == "before_call"), submits
    if case.point == "before_submit":  # the crashed attempt counts; the next made the image
        assert sorted(image.attempts for image in images) == [1] * (BATCH - 1) + [2]
    if case.point == "during_upload":  # the original was written before the kill
        [crashed] = [i for i in images if case.in_hand.get(i.pk) == "storing"]
        assert sum(f.startswith("original.") for f in stored_files(crashed)) == 1


def test_a_worker_killed_at_each_point_loses_nothing_and_charges_once(
    team: World, stacks: Callable[..., Stack], providers: Emulator
) -> None:
    cases = [Case(point, model, ends, stacks()) for point, model, ends in CASES]
    for case in cases:
        case.doomed = case.stack.start_worker(concurrency=1, crash_at=case.point, wait=False)
    editor = team.membership("editor")
    for case in cases:
        assert case.doomed is not None
        case.doomed.wait_for_line(" ready.")
        point_producer_at(case.stack.redis.url)
        case.job = services.submit(editor, case.batch(team))
    for case in cases:
        assert case.doomed is not None
        case.stack.wait_killed(case.doomed)
        case.in_hand = {
            i.pk: i.status for i in Image.objects.filter(job=case.job).exclude(status="queued")
        }
        assert IN_HAND & set(case.in_hand.values()), case.name

    cases[0].stack.start_beat()
    healthy = [case.stack.start_worker(concurrency=2, wait=False) for case in cases]
    for worker in healthy:
        worker.wait_for_line(" ready.")
    restarted = time.monotonic()
    jobs = [case.job.pk for case in cases if case.job]
    bound = cases[0].stack.timing.recovery
    wait_for(lambda: all_terminal(jobs), bound, "every image to end")
    assert time.monotonic() - restarted <= bound

    failures = []
    for case in cases:
        try:
            images = check_outcomes([case.job.pk] if case.job else [], providers)
            check(case, images, providers)
        except AssertionError as error:
            failures.append(f"{case.name}: {error}")
    assert not failures, "\n\n".join(failures)
