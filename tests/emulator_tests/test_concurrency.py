"""Slow requests sleep in their own thread: N parallel requests take about one latency, and a slow
request never holds up another. Both are shown against this run's own measurements, not against
fixed wall-clock bounds, so a busy machine slows every request but fails none of these."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.emulator import Emulator
from tests.emulator_tests.helpers import OPENAI_KEY, gemini_body, gemini_post
from tests.generation.conftest import wait_for

LATENCY = 0.5
PARALLEL = 50


def fifty_at_once(emulator: Emulator, latency: float) -> float:
    """Seconds for PARALLEL simultaneous image requests that each take `latency` to answer."""
    emulator.configure(latency_seconds=latency)
    url = f"{emulator.openai_base_url}/images/generations"
    headers = {"Authorization": f"Bearer {OPENAI_KEY}"}
    body = {"model": "gpt-image-2", "prompt": "x", "size": "1024x1024", "quality": "low"}
    limits = httpx.Limits(max_connections=100)
    with httpx.Client(limits=limits, timeout=30) as client, ThreadPoolExecutor(PARALLEL) as pool:
        started = time.monotonic()
        statuses = list(
            pool.map(
                lambda _: client.post(url, json=body, headers=headers).status_code,
                range(PARALLEL),
            )
        )
        elapsed = time.monotonic() - started
    assert statuses == [200] * PARALLEL
    return elapsed


def test_fifty_parallel_slow_openai_requests(emulator: Emulator) -> None:
    # The same fifty requests without latency first: what sending them costs on this machine
    # right now (threads, connections, JSON), which a loaded machine can make seconds long.
    overhead = fifty_at_once(emulator, 0)
    elapsed = fifty_at_once(emulator, LATENCY)
    # In parallel the latency adds about one LATENCY; one at a time it would add fifty (25 s),
    # and a pool of k threads 50/k of them. 4 x LATENCY leaves 1.5 s for the overhead to vary.
    added = elapsed - overhead
    assert added < 4 * LATENCY, f"{LATENCY}s of latency added {added:.2f}s ({overhead:.2f}s base)"
    assert emulator.submit_count(OPENAI_KEY) == 2 * PARALLEL


def test_slow_requests_do_not_block_other_providers(emulator: Emulator) -> None:
    # Long enough that a loaded machine cannot let the slow requests finish on their own while
    # the quick one is on its way; the property is the order, not a number of seconds.
    slow_seconds = 2.0
    emulator.configure(latency_overrides={"gemini-2.5-flash-image": slow_seconds})
    with ThreadPoolExecutor(20) as pool:
        slow = [pool.submit(gemini_post, emulator, gemini_body()) for _ in range(15)]
        sleeping = lambda: emulator.count(provider="gemini", status=None)  # noqa: E731
        wait_for(lambda: sleeping() == 15, seconds=30, what="the slow requests to arrive")
        response = httpx.get(f"{emulator.bfl_base_url}/v1/credits", headers={"x-key": "bfl-test-1"})
        # Answered while every slow request was still being answered: none of them held it up.
        still_sleeping = sleeping()
        assert response.status_code == 200
        assert still_sleeping == 15
        assert all(f.result().status_code == 200 for f in slow)
