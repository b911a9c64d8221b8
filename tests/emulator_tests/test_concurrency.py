"""Slow requests sleep in their own thread: N parallel requests take about one latency."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.emulator import Emulator
from tests.emulator_tests.helpers import OPENAI_KEY, gemini_body, gemini_post

LATENCY = 0.5


def test_fifty_parallel_slow_openai_requests(emulator: Emulator) -> None:
    emulator.configure(latency_seconds=LATENCY)
    url = f"{emulator.openai_base_url}/images/generations"
    headers = {"Authorization": f"Bearer {OPENAI_KEY}"}
    body = {"model": "gpt-image-2", "prompt": "x", "size": "1024x1024", "quality": "low"}
    limits = httpx.Limits(max_connections=100)
    with httpx.Client(limits=limits, timeout=30) as client, ThreadPoolExecutor(50) as pool:
        started = time.monotonic()
        statuses = list(
            pool.map(lambda _: client.post(url, json=body, headers=headers).status_code, range(50))
        )
        elapsed = time.monotonic() - started
    assert statuses == [200] * 50
    assert elapsed < 4 * LATENCY, f"50 requests of {LATENCY}s took {elapsed:.2f}s"
    assert emulator.submit_count(OPENAI_KEY) == 50


def test_slow_requests_do_not_block_other_providers(emulator: Emulator) -> None:
    emulator.configure(latency_overrides={"gemini-2.5-flash-image": 1.0})
    with ThreadPoolExecutor(20) as pool:
        slow = [pool.submit(gemini_post, emulator, gemini_body()) for _ in range(15)]
        time.sleep(0.05)
        started = time.monotonic()
        response = httpx.get(f"{emulator.bfl_base_url}/v1/credits", headers={"x-key": "bfl-test-1"})
        assert time.monotonic() - started < 0.5
        assert response.status_code == 200
        assert all(f.result().status_code == 200 for f in slow)
