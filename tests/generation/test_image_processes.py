"""Generated images are checked and thumbnailed in child processes beside the worker: the same
result as in the calling thread, a crash in the decoder costs one image and not the worker, and
the children never outlive a worker that was killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from avatarapp.imagesafety import (
    UnsafeImageError,
    check_with_thumbnail,
    sanitize_image,
    thumbnail,
)
from generation import image_processes
from tests.personas import images


@pytest.fixture
def fresh_pool(settings: Any) -> Iterator[None]:
    settings.GENERATION_IMAGE_PROCESSES = 2
    image_processes.shutdown()
    yield
    image_processes.shutdown()


def crash_the_child(data: bytes, side: int) -> Any:
    """Stands in for a decoder that dies on a hostile file (a segfault in C code)."""
    os._exit(70)


def child_pid(data: bytes, side: int) -> int:
    return os.getpid()


HANG_SECONDS = 60
SLOW_SECONDS = 0.25


def hang_the_child(data: bytes, side: int) -> Any:
    """Stands in for a decoder stuck in a loop on a hostile file."""
    time.sleep(HANG_SECONDS)


def slowly(data: bytes, side: int) -> int:
    time.sleep(SLOW_SECONDS)
    return os.getpid()


def test_children_make_what_the_calling_thread_would(fresh_pool: None) -> None:
    data = images.png(1024, 1024)
    original, small, credentials = image_processes.prepare(data, 384)
    assert (original, small) == check_with_thumbnail(data, 384)
    assert credentials == {"has_manifest": False}
    assert original.data == data  # the provider's bytes, kept as they came
    assert small.format == "WEBP"
    assert (small.width, small.height) == (384, 384)
    # From the checked pixels, not from a second decode: the same pixels as before, so the same
    # thumbnail as the two-decode path made.
    assert small == thumbnail(sanitize_image(data), 384)


def test_the_work_runs_in_another_process(
    fresh_pool: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(image_processes, "check_and_read", child_pid)
    assert image_processes.prepare(b"", 384) != os.getpid()


def test_inline_when_no_processes_are_configured(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.GENERATION_IMAGE_PROCESSES = 0
    monkeypatch.setattr(image_processes, "check_and_read", child_pid)
    assert image_processes.prepare(b"", 384) == os.getpid()


def test_refusals_come_back_as_they_would_inline(fresh_pool: None) -> None:
    with pytest.raises(UnsafeImageError, match="too many pixels"):
        image_processes.prepare(images.png_bomb(), 384)


def test_a_crashing_decoder_fails_that_image_and_the_pool_recovers(
    fresh_pool: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patched:
        patched.setattr(image_processes, "check_and_read", crash_the_child)
        with pytest.raises(UnsafeImageError, match="crashed the image decoder"):
            image_processes.prepare(images.png(64, 64), 32)
    original, _, _ = image_processes.prepare(images.png(64, 64), 32)
    assert (original.width, original.height) == (64, 64)


def test_a_stuck_decoder_fails_that_image_and_the_pool_recovers(
    fresh_pool: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    image_processes.warm()  # starting the children is not what is timed (nor held to the 1 s below)
    monkeypatch.setattr(image_processes, "WAIT_STEP_SECONDS", 0.1)
    with monkeypatch.context() as patched:
        patched.setattr(image_processes, "WORK_TIMEOUT_SECONDS", 1.0)
        patched.setattr(image_processes, "check_and_read", hang_the_child)
        started = time.monotonic()
        with pytest.raises(UnsafeImageError, match="took too long"):
            image_processes.prepare(images.png(64, 64), 32)
        # Given up long before the stuck decoder would have let go (HANG_SECONDS): the bound is
        # that property, with room for any machine, not the timeout's exact length.
        assert time.monotonic() - started < HANG_SECONDS / 2
    # A fresh pool makes the next image, with the usual time allowed: on a busy machine its
    # child's start alone can take longer than the 1 s above.
    original, _, _ = image_processes.prepare(images.png(64, 64), 32)
    assert original.width == 64


def test_waiting_behind_other_images_does_not_count_as_too_long(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Images of SLOW_SECONDS each, one after another on one child: the last is done later than
    the time allowed per image, but most of that was waiting its turn, so it is made."""
    settings.GENERATION_IMAGE_PROCESSES = 1
    image_processes.shutdown()
    image_processes.warm()  # the child's start-up is not what this is about
    monkeypatch.setattr(image_processes, "WAIT_STEP_SECONDS", 0.1)
    monkeypatch.setattr(image_processes, "check_and_read", slowly)
    try:
        image_processes.prepare(b"", 32)  # the child imports this module to find `slowly`
        started = time.monotonic()
        image_processes.prepare(b"", 32)
        one = time.monotonic() - started  # one image on this machine now, hand-over included
        # The pool marks an image running when it queues it for the child, behind at most two
        # others (the child's, and one more in a queue of max_workers + 1): its own span is at
        # most three images. Add two more (at least a second) of room for a busier moment; enough
        # images follow that the last one waits longer than that in all.
        timeout = 3 * one + max(2 * one, 1.0)
        monkeypatch.setattr(image_processes, "WORK_TIMEOUT_SECONDS", timeout)
        count = int(timeout / SLOW_SECONDS) + 2
        started = time.monotonic()
        with ThreadPoolExecutor(count) as threads:
            made = list(threads.map(lambda _: image_processes.prepare(b"", 32), range(count)))
        assert time.monotonic() - started > timeout  # the last one did wait that long
        assert len(set(made)) == 1  # one child made them all, one after the other
    finally:
        image_processes.shutdown()


WORKER = textwrap.dedent(
    """
    import django, os, sys
    os.environ["DJANGO_SETTINGS_MODULE"] = "avatarapp.settings"
    django.setup()
    from generation import image_processes
    if sys.argv[1] == "warm":
        image_processes.warm()
    else:  # killed while the children are still being started
        for _ in range(4):
            image_processes._current_pool().submit(os.getpid)
    print(os.getpid(), flush=True)
    sys.stdin.read()  # stays up until killed
    """
)


def _descendants(pid: int) -> list[int]:
    """Every process below pid: the fork server, the resource tracker and the pool's children."""
    parents = {int(p): _ppid(int(p)) for p in os.listdir("/proc") if p.isdigit()}
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        children = [child for child, parent in parents.items() if parent == current]
        found += children
        todo += children
    return found


def _ppid(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            state = stat.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # nothing reaps here, so the dead linger as zombies


@pytest.mark.parametrize("start", ["warm", "cold"])
def test_nothing_outlives_a_killed_worker(start: str) -> None:
    env = dict(os.environ, GENERATION_IMAGE_PROCESSES="2")
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, start],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
    )
    try:
        assert worker.stdout is not None
        assert int(worker.stdout.readline()) == worker.pid
        below = _descendants(worker.pid)
        if start == "warm":
            assert len(below) >= 3  # fork server, resource tracker, two children (one may lag)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        deadline = time.monotonic() + 10 * image_processes.PARENT_CHECK_SECONDS
        while any(_alive(pid) for pid in below) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in below if _alive(pid)]
    finally:
        worker.kill()
