"""Fixtures of the fault suite: PostgreSQL, a Redis of each test's own, real worker and beat
processes (forked by tests/faults/zygote.py) and the provider emulator on loopback.

The broker-timing rule (the start-up check refuses a visibility timeout shorter than twice the
longest countdown, backoff or time limit, in a real worker process) is proved by
tests/test_settings.py::test_worker_refuses_to_start_with_a_short_visibility_timeout.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connection

from avatarapp.celery import app
from tests.conftest import World
from tests.emulator import Emulator
from tests.faults.support import Stack, Timing, Zygote, point_producer_at, process_env
from tests.generation.conftest import add_keys, providers

__all__ = ["providers"]


@pytest.fixture(scope="session")
def zygotes(
    django_db_setup: None, provider_emulator: Emulator, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[Timing], Zygote]]:
    """One fork server per Timing (settings are read once, at its start), for the session."""
    if connection.vendor != "postgresql" or shutil.which("redis-server") is None:
        pytest.skip("The fault suite needs PostgreSQL and redis-server; make test provides both.")
    started: dict[Timing, Zygote] = {}

    def get(timing: Timing) -> Zygote:
        if timing not in started:
            folder = tmp_path_factory.mktemp("zygote")
            started[timing] = Zygote(folder, process_env(provider_emulator, timing))
        return started[timing]

    try:
        yield get
    finally:
        for zygote in started.values():
            zygote.stop()


@pytest.fixture
def team(world: World, providers: Emulator) -> World:
    add_keys(world.membership("owner"))
    return world


@pytest.fixture
def stacks(
    transactional_db: None, team: World, zygotes: Callable[[Timing], Zygote], tmp_path: Path
) -> Iterator[Callable[..., Stack]]:
    """stacks(timing=Timing()) -> a new Stack: its own Redis, which this process publishes to
    from then on (point_producer_at switches). Every process is killed at teardown."""
    made: list[Stack] = []
    previous = app.conf.broker_url

    def new(timing: Timing = Timing()) -> Stack:  # noqa: B008 - frozen dataclass
        stack = Stack(tmp_path / f"stack{len(made)}", zygotes(timing), timing)
        made.append(stack)
        point_producer_at(stack.redis.url)
        return stack

    try:
        yield new
    finally:
        for stack in made:
            stack.stop()
        point_producer_at(previous)
        for stack in made:
            sys.stdout.write(stack.logs())  # pytest shows it only when the test failed


@pytest.fixture
def stack(stacks: Callable[..., Stack]) -> Stack:
    return stacks()
