"""Image processing for generated images, in a small pool of processes beside the worker.

The provider pool is a threads pool: a hundred threads waiting on providers in one process. The
safety check and the thumbnail (full decode, resize, WebP encode) are CPU work; run in
those threads they competed with every other thread for the process's interpreter and made the
provider calls behind them wait (make bench: dispatch and finalise p95 of seconds). Here they run
in `GENERATION_IMAGE_PROCESSES` child processes (one per core by default) and the provider thread
only waits on a pipe, which holds no lock.

Why a process pool inside the worker rather than a Celery task on an "images" queue: a task takes
ids only, so the provider's bytes would have to be written to storage and read back (two more
round trips per image, and a third object to clean up), and the row's states would gain a
hand-over that a crash can split. The pool keeps the bytes in memory for the few milliseconds the
work takes, and a decoder that crashes on a hostile file takes down one child, not the worker
with a hundred calls in flight: that image fails as unsafe and a fresh pool serves the rest.

Children are started by a fork server (never forked from the threaded worker), preload only
generation.provider_images (the checks and the C2PA reader; no Django in it) and exit on their
own when the worker is gone, even when it was killed and could not stop them (Linux: they watch
the worker in /proc).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool

from django.conf import settings

from avatarapp.imagesafety import UnsafeImageError
from generation.provider_images import Prepared, check_and_read

log = logging.getLogger(__name__)

# How long one image may take once a child has it, not counting the wait behind other images:
# far above the ~0.15 s of a photo-like megapixel (make bench) or the few seconds of a 40 MP
# one; only a decoder stuck on a hostile file gets here.
WORK_TIMEOUT_SECONDS = 60.0
WAIT_STEP_SECONDS = 1.0

PARENT_CHECK_SECONDS = 1.0

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_pid = 0


def _process_identity(pid: int) -> str | None:
    """A live process's start time (so a reused pid is not mistaken for it); None once it is
    gone or a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] in ("Z", "X") else fields[19]


def _exit_with_worker(worker_pid: int) -> None:
    """Child initializer. A worker killed with SIGKILL cannot stop its pool, and the children
    cannot wait for their parent instead: that is the fork server, which itself only exits once
    every child has let go of its liveness pipe. So each child watches the worker and leaves
    with it."""
    if not os.path.exists("/proc/self/stat"):
        return  # no /proc here: the children end with the fork server only
    identity = _process_identity(worker_pid)
    if identity is None:
        os._exit(0)  # the worker died while this child was being started

    def watch() -> None:
        while _process_identity(worker_pid) == identity:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-worker", daemon=True).start()


def _current_pool() -> ProcessPoolExecutor:
    global _pool, _pool_pid
    with _lock:
        if _pool is None or _pool_pid != os.getpid():  # none yet, or inherited through a fork
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["generation.provider_images"])
            _pool = ProcessPoolExecutor(
                max_workers=int(settings.GENERATION_IMAGE_PROCESSES),
                mp_context=context,
                initializer=_exit_with_worker,
                initargs=(os.getpid(),),
            )
            _pool_pid = os.getpid()
        return _pool


def _discard(pool: ProcessPoolExecutor) -> None:
    """Throw a pool away (broken, or a child stuck); the next call starts a new one."""
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    for process in list(getattr(pool, "_processes", {}).values()):  # a stuck child never ends
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def prepare(data: bytes, thumbnail_side: int) -> Prepared:
    """The checked original (the provider's bytes), its WebP thumbnail and what its Content
    Credentials say, made in a child process. Raises UnsafeImageError as sanitize_image does,
    also when the bytes crash or hang the decoder."""
    if not settings.GENERATION_IMAGE_PROCESSES:
        return check_and_read(data, thumbnail_side)
    for attempt in (1, 2):
        pool = _current_pool()
        try:
            return _result(pool.submit(check_and_read, data, thumbnail_side))
        except BrokenProcessPool:
            # One child died, and with it every job in the pool: maybe this image's, maybe
            # another's. Once more in a fresh pool tells them apart.
            _discard(pool)
            if attempt == 2:
                log.warning("image processing crashed twice on the same bytes")
                raise UnsafeImageError("This image crashed the image decoder.") from None
        except FutureTimeout:
            _discard(pool)
            raise UnsafeImageError("This image took too long to decode.") from None
    raise AssertionError("unreachable")


def _result(future: Future[Prepared]) -> Prepared:
    """The future's result, allowing WORK_TIMEOUT_SECONDS from when it left the queue: under a
    burst an image may wait a while behind others, which says nothing about its bytes. (The pool
    marks a job running when it hands it to the children's queue, at most one ahead of them.)"""
    started: float | None = None
    while True:
        try:
            return future.result(timeout=WAIT_STEP_SECONDS)
        except FutureTimeout:
            if not future.running():
                continue
            started = started or time.monotonic()
            if time.monotonic() - started > WORK_TIMEOUT_SECONDS:
                raise


def warm() -> None:
    """Start the children now (worker start-up), so the first image does not wait for them."""
    if settings.GENERATION_IMAGE_PROCESSES:
        pool = _current_pool()
        started = [pool.submit(os.getpid) for _ in range(settings.GENERATION_IMAGE_PROCESSES)]
        for future in started:
            future.result(timeout=WORK_TIMEOUT_SECONDS)


def shutdown() -> None:
    """Stop the children (worker shutdown; tests)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)
