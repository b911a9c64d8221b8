"""A test-only fault injection point for tests/faults (a worker killed mid-job, a poison task).
Inert unless AVATARAPP_TEST_CRASH_AT is set in the worker's environment; never set it in
production."""

from __future__ import annotations

import os
import signal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generation.models import Image


def crash_point(name: str, image: Image | None = None) -> None:
    """TEST-ONLY fault injection for tests/faults; inert unless AVATARAPP_TEST_CRASH_AT is set.

    AVATARAPP_TEST_CRASH_AT="after_submit" SIGKILLs this worker process at the point of that name
    (a worker killed mid-job); "after_submit:raise" raises instead (a bug in
    our own code). With AVATARAPP_TEST_CRASH_PROMPT set, only images whose prompt contains it
    crash (a poison image among healthy ones). Points: before_submit, before_call, after_submit,
    while_polling, during_upload (storage.py), before_settle. Never set it in production."""
    wanted = os.environ.get("AVATARAPP_TEST_CRASH_AT")
    if not wanted:
        return
    point, _, mode = wanted.partition(":")
    only = os.environ.get("AVATARAPP_TEST_CRASH_PROMPT")
    if point != name or (only and (image is None or only not in image.prompt)):
        return
    if mode == "raise":
        raise RuntimeError(f"test crash at {name}")
    os.kill(os.getpid(), signal.SIGKILL)
