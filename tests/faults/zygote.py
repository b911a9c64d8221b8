"""A fork server for the fault suite's Celery processes: `python -m tests.faults.zygote`.

A cold `celery -A avatarapp worker` spends ~3.5 s importing Django, Celery and the provider SDKs,
and the fault suite starts dozens of workers (each SIGKILL needs a new one). This process imports
all of that once, then for every JSON line on stdin forks a child that runs the real Celery
command line (`app.start(["worker", "--pool", "threads", ...])` is what `celery -A avatarapp
worker ...` calls) in a session of its own, with its output in a log file. It answers each line
with the child's pid, reaps children as they die and writes each exit status to `<log>.exit`
(negative: killed by that signal), so the test can tell a SIGKILL from a crash.

Request: {"argv": [...], "log": "/path", "broker": "redis://...", "env": {"NAME": "value"}}
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import sys
import threading
from types import FrameType
from typing import Any

logs: dict[int, str] = {}


def die_with_parent() -> None:
    """Linux: SIGKILL this process when its parent dies (prctl PR_SET_PDEATHSIG), so even a
    pytest that is itself killed leaves no worker, beat, zygote or Redis behind."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)


def _reap(signum: int, frame: FrameType | None) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        log = logs.pop(pid, None)
        if log:
            with open(f"{log}.exit", "w") as out:
                out.write(str(code))


def _child(request: dict[str, Any]) -> None:
    code = 1
    try:
        os.setsid()  # its own process group: the test kills the group
        die_with_parent()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
        out = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(out, 1)
        os.dup2(out, 2)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.environ.update(request["env"])
        from avatarapp.celery import app

        app.conf.update(broker_url=request["broker"])
        code = app.start(request["argv"]) or 0
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def main() -> None:
    die_with_parent()
    import django

    django.setup()
    from avatarapp.celery import app

    app.loader.import_default_modules()  # the tasks, and through them the whole pipeline

    assert threading.active_count() == 1, "fork only from a single-threaded process"
    signal.signal(signal.SIGCHLD, _reap)
    sys.stdout.write("zygote ready\n")
    sys.stdout.flush()
    for line in sys.stdin:
        request = json.loads(line)
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
        pid = os.fork()
        if pid == 0:
            _child(request)
        logs[pid] = request["log"]
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
        sys.stdout.write(f"{pid}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
