"""The broker goes away (Redis stopped mid-batch, every message it held
lost), or the process dies between the commit and the publish: the sweeper re-enqueues the rows,
every image still ends once and is billed once, and a submission that rolled back never runs."""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from generation import services
from generation.models import Image
from generation.queue import enqueue_image
from tests.conftest import World
from tests.emulator import Emulator
from tests.faults.checks import all_terminal, check_outcomes, describe, requests_by_prompt
from tests.faults.support import Stack, wait_for
from tests.generation.conftest import make_persona

# A gap of a minute. A few seconds would already lose the in-flight messages,
# but only a long gap runs the clients' reconnect back-off through its longer intervals (and
# would show a worker or beat that gives up reconnecting), so the test waits the whole minute.
GAP_SECONDS = 60
WITHIN = 60  # the sweeper re-enqueues within 60 s


def batch(team: World, tag: str, personas: int = 3, each: int = 2) -> services.BatchRequest:
    editor = team.membership("editor")
    ids = [
        str(make_persona(editor, name=f"{tag} {n}", occupation=f"{tag} marketer {n}").pk)
        for n in range(personas)
    ]
    return services.BatchRequest(
        ids, ["builtin:corporate"], ["gpt-image-2"], each, "1:1", "1K", "low"
    )


def test_redis_stopped_and_restarted_mid_batch_loses_no_image(
    team: World, stack: Stack, providers: Emulator
) -> None:
    providers.configure(latency_overrides={"gpt-image-2": 0.4})
    stack.start_beat()
    stack.start_worker(concurrency=2)
    editor = team.membership("editor")
    before = services.batch_submit(membership=editor, batch=batch(team, "before the gap"))
    wait_for(
        lambda: Image.objects.filter(job=before, status="succeeded").exists(), 30, "a first image"
    )

    stack.redis.stop()
    started = time.monotonic()
    during = services.batch_submit(
        membership=editor, batch=batch(team, "during the gap", personas=1)
    )  # no error page
    time.sleep(max(0.0, GAP_SECONDS - (time.monotonic() - started)))
    assert Image.objects.filter(job=before, status="queued").exists(), "the gap hit mid-batch"
    stack.redis.start()

    jobs = [before.pk, during.pk]
    took = wait_for(lambda: all_terminal(jobs), WITHIN, "every image after the broker came back")
    images = check_outcomes(jobs, providers)
    assert {i.status for i in images} == {"succeeded"}, describe(images)
    submits = requests_by_prompt(providers)
    assert sum(len(submits[p]) for p in {i.prompt for i in images}) == len(images)
    assert took <= WITHIN


class Boom(Exception):
    pass


def test_a_crash_between_commit_and_publish_is_swept_and_a_rollback_never_runs(
    team: World, stack: Stack, providers: Emulator
) -> None:
    editor = team.membership("editor")
    committed, _ = services.batch_create(
        membership=editor, batch=batch(team, "committed", personas=2, each=1)
    )
    rolled_back: list = []

    def submit_then_fail() -> None:
        with transaction.atomic():
            job = services.batch_submit(
                membership=editor, batch=batch(team, "rolled back", personas=2, each=1)
            )
            rolled_back.extend(Image.objects.filter(job=job).values_list("pk", "prompt"))
            raise Boom

    with pytest.raises(Boom):
        submit_then_fail()
    assert rolled_back
    assert not Image.objects.filter(pk__in=[image_id for image_id, _ in rolled_back]).exists()
    for image_id, _prompt in rolled_back:  # even a message published too early does nothing
        enqueue_image(image_id)

    stack.start_beat()
    stack.start_worker()
    took = wait_for(lambda: all_terminal([committed.pk]), stack.timing.recovery, "the sweeper")
    images = check_outcomes([committed.pk], providers)
    assert {i.status for i in images} == {"succeeded"}, describe(images)
    time.sleep(stack.timing.sweep)  # the early messages were consumed before the sweeper's
    sent = requests_by_prompt(providers)
    assert not any(prompt in sent for _image_id, prompt in rolled_back)
    assert [len(sent.get(image.prompt, [])) for image in images] == [1] * len(images)
    assert took <= stack.timing.recovery
