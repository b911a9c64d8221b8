"""The peer: what a team would run instead of our pipeline, as a cookiecutter-django project
sets Celery up. A default prefork worker (concurrency = cores), one task per image, and in
each task one blocking provider call followed by the same decode, thumbnail and two PUTs as the
bare client (bench/bare.py make_one). Celery's defaults otherwise: early acks, a prefetch of
four per process, no result backend.

Each task pushes its moments onto a Redis list that bench/phases.py run_peer reads, so the
peer is timed from the same wall clock as the bare client. Configured from the environment
(the bench sets it when it starts the worker):

    REDIS_URL            the broker (the bench's own Redis), and where the moments go
    BENCH_PEER_BASE_URL  the emulator's OpenAI base URL, BENCH_PEER_KEY its key
    BENCH_PEER_BUCKET    the S3 bucket, BENCH_PEER_RESULTS the Redis list for the moments
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any

import httpx
import redis
from celery import Celery

from bench.bare import Ask, make_one, openai_client, s3_client

QUEUE = "bench-peer"

app = Celery("bench_peer", broker=os.environ.get("REDIS_URL", "redis://"))
app.conf.task_default_queue = QUEUE
app.conf.task_ignore_result = True
app.conf.worker_hijack_root_logger = False


@cache
def _clients() -> tuple[httpx.Client, Any, redis.Redis]:
    """Made once per worker process (after the fork), as a module-level client would be."""
    return (
        openai_client(os.environ["BENCH_PEER_BASE_URL"], os.environ["BENCH_PEER_KEY"]),
        s3_client(1),
        redis.Redis.from_url(os.environ["REDIS_URL"]),
    )


@app.task(name="bench_peer.portrait")
def portrait(index: int, prompt: str, ask: dict[str, str]) -> None:
    http, s3, results = _clients()
    record = make_one(http, s3, Ask(**ask), prompt, f"peer-{index:05d}")
    results.rpush(os.environ["BENCH_PEER_RESULTS"], json.dumps({"index": index, **record}))
