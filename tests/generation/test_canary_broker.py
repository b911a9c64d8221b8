"""The canary sweep's broker leg: jobs made with known fake keys leave no
trace of them in broker messages (every Redis key and value), in the rows the pipeline writes,
or in the log, and task arguments carry ids only."""

from __future__ import annotations

import json
import logging
import os
import secrets
from typing import Any

import pytest
import redis

from avatarapp.celery import app
from generation import pipeline, services
from generation.models import Image
from generation.provider_keys.services import NewKey, key_add
from tests.conftest import World
from tests.emulator import Emulator
from tests.generation.conftest import make_persona

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="Needs the Redis broker; make test starts one."
)


def _redis_dump(client: redis.Redis) -> list[bytes]:
    values: list[Any] = []
    for key in client.scan_iter():
        values.append(key)
        kind = client.type(key)
        if kind == b"list":
            values += client.lrange(key, 0, -1)
        elif kind == b"hash":
            for field, value in client.hgetall(key).items():
                values += [field, value]
        elif kind == b"set":
            values += list(client.smembers(key))
        elif kind == b"zset":
            values += list(client.zrange(key, 0, -1))
        elif kind == b"string":
            values.append(client.get(key) or b"")
    return [v if isinstance(v, bytes) else str(v).encode() for v in values]


def test_jobs_leave_no_key_in_broker_messages_rows_or_logs(
    world: World,
    providers: Emulator,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks,
) -> None:
    caplog.set_level(logging.DEBUG)
    tag = secrets.token_hex(8)
    canaries = {
        "openai": "sk-" + "brokercanary" + tag,
        "bfl": "bflbrokercanary-" + tag,
        "google": "AIza" + "BrokerCanary" + tag + secrets.token_hex(6),
    }
    owner, editor = world.membership("owner"), world.membership("editor")
    for provider, plain in canaries.items():
        key_add(
            membership=owner,
            new=NewKey(provider, "eu" if provider == "bfl" else "", "", provider, False),
            plain=plain,
        )
    persona = make_persona(editor)
    broker = redis.Redis.from_url(os.environ["REDIS_URL"])
    app.control.purge()
    batch = services.BatchRequest(
        [str(persona.pk)],
        ["builtin:corporate"],
        ["gpt-image-2", "flux-2-pro", "gemini-2.5-flash-image"],
        1,
        "1:1",
        "1K",
        "low",
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = services.batch_submit(membership=editor, batch=batch)
    messages = _redis_dump(broker)
    published = [json.loads(m) for m in messages if m.startswith(b"{") and b'"task"' in m]
    assert len(published) == 3, "the three enqueue messages are in Redis"
    for message in published:
        assert message["headers"]["argsrepr"].strip("(),'\"") in {
            str(i.pk) for i in job.images.all()
        }

    # Run each image in this process, as a worker would, then look everywhere again.
    for image in Image.objects.filter(job=job):
        pipeline.run_image(image.pk)
    for image in Image.objects.filter(job=job, status="polling"):
        for _ in range(50):  # the emulator answers Ready at once at zero latency
            pipeline.poll_image(image.pk)
            if Image.objects.get(pk=image.pk).status != "polling":
                break
    assert (
        sorted(Image.objects.filter(job=job).values_list("status", flat=True)) == ["succeeded"] * 3
    )
    assert {r.api_key for r in providers.requests} >= set(canaries.values())

    haystack = b"\n".join(messages + _redis_dump(broker))
    text = haystack.decode("utf-8", "replace") + caplog.text
    rows = json.dumps(list(Image.objects.filter(job=job).values()), default=str)
    for name, canary in canaries.items():
        assert canary not in text, f"{name} key in broker messages or logs"
        assert canary not in rows, f"{name} key in image rows"
    app.control.purge()
