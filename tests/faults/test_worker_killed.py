"""A worker SIGKILLed at each point of an image's life.

Every case gets a Redis and a one-thread worker process of its own, with AVATARAPP_TEST_CRASH_AT
naming the point (generation.crashpoints.crash_point), so exactly one image of its batch is in hand
when the worker kills itself there. Then each case's worker is restarted healthy, beat starts
sweeping, and every image the dead worker held must be taken up again (flagged, or sent to the
provider again) within the visibility timeout plus the sweep interval, then end in one terminal
state: a provider call at most once per recorded attempt, an image whose submit outcome is
unknown flagged rather than resubmitted, exactly one settlement per success, at most one stored
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
from tests.emulator.recorder import SUBMIT_OPERATIONS
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
    dead_by: float = 0.0  # wall clock: the doomed worker had died by then

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
    if case.point == "before_submit":  # the crashed attempt counts; a later one made the image
        # At least one more: on a starved machine a live attempt can sit past the sweeper's
        # dead-worker limit before its call and be handed on again (pipeline.record_call keeps
        # that to one provider call, checked above), so the exact count is not the property.
        [crashed] = [i for i in images if case.in_hand.get(i.pk) in IN_HAND]
        assert crashed.attempts >= 2, describe([crashed])
    if case.point == "during_upload":  # the original was written before the kill
        [crashed] = [i for i in images if case.in_hand.get(i.pk) == "storing"]
        assert sum(f.startswith("original.") for f in stored_files(crashed)) == 1


def sent_again(image: Image, dead_by: float, emulator: Emulator) -> float | None:
    """When the image's request or poll first reached the provider after its worker died."""
    task = image.provider_request_id
    times = [
        r.time
        for r in emulator.requests
        if r.time > dead_by
        and (
            (r.operation in SUBMIT_OPERATIONS and r.prompt == image.prompt)
            or (r.operation == "poll" and task and task in r.query)
        )
    ]
    return min(times, default=None)


def taken_up_at(image: Image, dead_by: float, emulator: Emulator) -> float:
    """When the system first acted on an image whose worker died holding it: flagged it for a
    person, or sent its request or poll to the provider again."""
    if image.status == "needs_reconciliation":
        assert image.finished_at is not None
        return image.finished_at.timestamp()
    again = sent_again(image, dead_by, emulator)
    assert again is not None, describe([image])
    return again


def first_call_lag(case: Case, started: float, emulator: Emulator) -> float:
    """How long after its start a healthy worker, in this run, sent the request of an image that
    needed no recovery (still queued when the doomed worker died): what a just-started worker on
    this machine takes to make its first calls, whatever the sweeper does."""
    unharmed = Image.objects.filter(job=case.job).exclude(pk__in=list(case.in_hand))
    sent = [sent_again(image, case.dead_by, emulator) for image in unharmed]
    assert sent, f"{case.name} needs an image that was still queued when its worker died"
    assert None not in sent, describe(unharmed)
    return max(0.0, max(t for t in sent if t is not None) - started)


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
        case.job = services.batch_submit(membership=editor, batch=case.batch(team))
    for case in cases:
        assert case.doomed is not None
        case.stack.wait_killed(case.doomed)
        case.dead_by = time.time()
        case.in_hand = {
            i.pk: i.status for i in Image.objects.filter(job=case.job).exclude(status="queued")
        }
        assert IN_HAND & set(case.in_hand.values()), case.name

    # Beat publishes to the first case's Redis, so that case's worker gets every image the
    # sweeper hands back, from every case: recovery can start once it is up. A thread for each
    # image keeps an image's time to be taken up the sweeper's, not a wait behind two dozen
    # others' work on two threads.
    cases[0].stack.start_beat()
    healthy = [
        case.stack.start_worker(
            concurrency=BATCH * len(cases) if case is cases[0] else 2, wait=False
        )
        for case in cases
    ]
    healthy[0].wait_for_line(" ready.")
    sweeping = time.time()
    for worker in healthy[1:]:
        worker.wait_for_line(" ready.")
    jobs = [case.job.pk for case in cases if case.job]
    # Taking the images up again is the property, and is checked below from when it happened.
    # The work that follows (two dozen images stored and thumbnailed at once) takes what a busy
    # two-core machine gives it, so its wait is a deadline on the condition only.
    recovery = cases[0].stack.timing.recovery
    wait_for(lambda: all_terminal(jobs), 6 * recovery, "every image to end")

    # The sweeper takes up a row left quiet for the task time limit (10 s; a quiet poll after
    # 3 s), inside the recovery bound counted from when it could start (its worker up; the kills
    # came before). What a loaded machine adds is measured, not guessed: how long that worker
    # took in this run to send the first request of an image with nothing to recover (seconds:
    # a just-started worker's first calls wait while eleven others start beside it).
    bound = recovery + first_call_lag(cases[0], sweeping, providers)
    failures = []
    for case in cases:
        try:
            images = check_outcomes([case.job.pk] if case.job else [], providers)
            check(case, images, providers)
            for image in images:
                if case.in_hand.get(image.pk) in IN_HAND:
                    taken_up = taken_up_at(image, case.dead_by, providers)
                    assert taken_up - sweeping <= bound, (describe([image]), taken_up - sweeping)
        except AssertionError as error:
            failures.append(f"{case.name}: {error}")
    assert not failures, "\n\n".join(failures)
