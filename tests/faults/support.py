"""Real processes for the fault suite, always cleaned up.

- `RedisServer`: a redis-server of a test's own on a free port, so the test can stop and restart
  the broker, and no message of its leaks into another test.
- `Zygote` (tests/faults/zygote.py): forks Celery worker and beat processes that run the real
  Celery command line, pointed at pytest-django's test database, the in-process provider emulator
  and short timings, without paying a 3.5 s cold import for each of the dozens of restarts.
- `Stack`: one test's Redis plus the processes it started; `stop()` SIGKILLs each one's process
  group (also when the test failed). Liveness is read from /proc and the exit status the zygote
  writes when it reaps a child (zombies are not reaped on this machine); nothing is found by name.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import kombu.pools
from django.db import connection

from avatarapp.celery import app
from tests.emulator import Emulator
from tests.faults.zygote import die_with_parent
from tests.providers.conftest import (
    bfl_host_settings,
    fal_host_settings,
    gateway_settings,
    gemini_root,
)

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 45
QUEUES = "providers,maintenance,default"
LOG_TAIL_CHARS = 12_000
BEAT_TICK = "Sending due task"
LOG_RECORD = re.compile(r"\d{4}-\d\d-\d\d ")  # a log line's own start, not a traceback's


@dataclass(frozen=True)
class Timing:
    """Short timings for the worker processes. A running or storing row counts as dead once it
    has been untouched for the task time limit; 10 s leaves a live task room on a loaded machine.
    The start-up check (avatarapp/broker_timing.py) wants the visibility timeout >= 2 x the
    longest time limit, countdown and backoff, so it follows from them."""

    time_limit: int = 10
    countdown: int = 1
    backoff: int = 2
    stale: int = 1
    sweep: int = 1

    @property
    def visibility(self) -> int:
        return 2 * max(self.time_limit, self.countdown, self.backoff)

    @property
    def recovery(self) -> float:
        """A killed worker's images move again within this long."""
        return self.visibility + self.sweep

    def env(self) -> dict[str, str]:
        values = {
            "CELERY_TASK_TIME_LIMIT": self.time_limit,
            "CELERY_TASK_SOFT_TIME_LIMIT": self.time_limit - 1,
            "CELERY_VISIBILITY_TIMEOUT": self.visibility,
            "GENERATION_MAX_COUNTDOWN": self.countdown,
            "GENERATION_MAX_RETRY_BACKOFF": self.backoff,
            "GENERATION_STALE_SECONDS": self.stale,
            "GENERATION_SWEEP_SECONDS": self.sweep,
        }
        return {name: str(value) for name, value in values.items()}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), 0.2).close()
    except OSError:
        return False
    return True


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> float:
    """Wait until `condition()`; returns the seconds it took."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if condition():
            return time.monotonic() - start
        time.sleep(0.1)
    raise AssertionError(f"timed out after {seconds:.0f}s waiting for {what}")


class Child:
    """A process forked by the zygote, in a session of its own (process group id == pid)."""

    def __init__(self, name: str, pid: int, log: Path) -> None:
        self.name, self.pid, self.log = name, pid, log

    @property
    def returncode(self) -> int | None:
        """Written by the zygote when it reaps the child; negative: killed by that signal."""
        done = Path(f"{self.log}.exit")
        return int(done.read_text()) if done.exists() else None

    def alive(self) -> bool:
        if self.returncode is not None:
            return False
        try:  # a zombie (state Z) has died; so has a pid that is gone
            return Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except (FileNotFoundError, IndexError):
            return False

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_for_line(self, text: str, seconds: float = STARTUP_SECONDS) -> None:
        def seen() -> bool:
            if text in self.output():
                return True
            if not self.alive():
                raise AssertionError(f"{self.name} exited early:\n{self.output()[-3000:]}")
            return False

        wait_for(seen, seconds, f"{self.name} to log {text!r}")

    def kill(self) -> None:
        try:
            os.killpg(self.pid, signal.SIGKILL)  # the whole group, children too
        except ProcessLookupError:
            return
        wait_for(lambda: not self.alive(), 10, f"{self.name} to die")


class Zygote:
    """The client side of tests/faults/zygote.py: one per Timing, for the whole session."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder = folder
        with (folder / "zygote.log").open("wb") as log:
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "tests.faults.zygote"], cwd=folder, env=env,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, start_new_session=True,
                preexec_fn=die_with_parent,
            )  # fmt: skip
        self.lock = threading.Lock()
        assert self._answer() == "zygote ready"

    def _answer(self, seconds: float = STARTUP_SECONDS) -> str:
        assert self.popen.stdout is not None
        line, deadline = b"", time.monotonic() + seconds
        while not line.endswith(b"\n"):
            if select.select([self.popen.stdout], [], [], 0.2)[0]:
                chunk = os.read(self.popen.stdout.fileno(), 1)
                line += chunk
                if chunk:
                    continue
            if self.popen.poll() is not None or time.monotonic() > deadline:
                log = (self.folder / "zygote.log").read_text(errors="replace")
                raise AssertionError(f"the zygote did not answer:\n{log[-3000:]}")
        return line.decode().strip()

    def spawn(
        self, name: str, argv: list[str], log: Path, broker: str, env: dict[str, str]
    ) -> Child:
        request = {"argv": argv, "log": str(log), "broker": broker, "env": env}
        assert self.popen.stdin is not None
        with self.lock:
            self.popen.stdin.write(json.dumps(request).encode() + b"\n")
            self.popen.stdin.flush()
            return Child(name, int(self._answer()), log)

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)


def database_url() -> str:
    """pytest-django's test database (test_<name>), as the worker processes must reach it."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def process_env(emulator: Emulator, timing: Timing) -> dict[str, str]:
    """What the worker processes run with: the test database, the emulator, short timings."""
    env = {
        **os.environ,
        **timing.env(),
        "OPENAI_BASE_URL": emulator.openai_base_url,
        "GOOGLE_BASE_URL": gemini_root(emulator),
        "OPENROUTER_BASE_URL": emulator.openrouter_base_url,
        "BFL_GLOBAL_BASE_URL": emulator.bfl_base_url,
        "BFL_EU_BASE_URL": emulator.bfl_eu_base_url,
        "BFL_US_BASE_URL": emulator.bfl_us_base_url,
        **bfl_host_settings(emulator),
        **fal_host_settings(emulator),
        **gateway_settings(emulator),
        "DATABASE_URL": database_url(),
        "REDIS_URL": "redis://127.0.0.1:1/0",  # each process is given its own test's Redis
        "DJANGO_SETTINGS_MODULE": "avatarapp.settings",
        # The repository, and the offline guard's sitecustomize (tests/offline_plugin.py).
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "PYTHONUNBUFFERED": "1",
        "LOG_LEVEL": "INFO",
        "CELERY_SKIP_CHECKS": "1",  # the system checks have tests of their own
    }
    for name in ("AVATARAPP_TEST_CRASH_AT", "AVATARAPP_TEST_CRASH_PROMPT"):
        env.pop(name, None)
    return env


class RedisServer:
    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.popen: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        argv = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        argv += ["--save", "", "--appendonly", "no", "--dir", str(self.folder)]
        with (self.folder / "redis.log").open("ab") as log:
            self.popen = subprocess.Popen(
                argv, stdout=log, stderr=log, start_new_session=True, preexec_fn=die_with_parent
            )
        wait_for(lambda: port_open(self.port), 10, "redis-server to listen")

    def stop(self) -> None:
        """Like a crash of the broker host: every message it held is gone (no persistence)."""
        if self.popen is not None:
            self.popen.kill()
            self.popen.wait(timeout=10)
            self.popen = None
        wait_for(lambda: not port_open(self.port), 10, "redis-server to stop")


def point_producer_at(url: str) -> None:
    """Send this process's task messages (submit, retry) to `url` from now on."""
    app.conf.update(broker_url=url)
    kombu.pools.reset()  # close and forget every pooled connection (kombu keys them by URL)
    app._pool = None  # type: ignore[attr-defined]
    app.amqp._producer_pool = None  # type: ignore[attr-defined]


class Stack:
    """One Redis and the Celery processes started against it."""

    def __init__(self, folder: Path, zygote: Zygote, timing: Timing) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.zygote, self.timing = folder, zygote, timing
        self.redis = RedisServer(folder)
        self.redis.start()
        self.processes: list[Child] = []

    def _start(self, kind: str, argv: list[str], env: dict[str, str] | None = None) -> Child:
        name = f"{kind}-{len(self.processes) + 1}"
        log = self.folder / f"{name}.log"
        child = self.zygote.spawn(name, argv, log, self.redis.url, env or {})
        self.processes.append(child)
        return child

    def start_worker(
        self, concurrency: int = 4, crash_at: str = "", crash_prompt: str = "", wait: bool = True
    ) -> Child:
        env = {"AVATARAPP_TEST_CRASH_AT": crash_at, "AVATARAPP_TEST_CRASH_PROMPT": crash_prompt}
        argv = ["worker", "--pool", "threads", "-c", str(concurrency), "-Q", QUEUES]
        argv += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"]
        worker = self._start("worker", [*argv, "-n", f"w{len(self.processes)}@%h"], env)
        if wait:
            worker.wait_for_line(" ready.")
        return worker

    def start_beat(self) -> Child:
        schedule = str(self.folder / f"beat-schedule-{len(self.processes)}")
        return self._start("beat", ["beat", "-s", schedule, "-l", "INFO"])

    def wait_killed(self, process: Child, seconds: float = 30) -> None:
        """Until the zygote has reaped it; it must have died of SIGKILL."""
        wait_for(lambda: process.returncode is not None, seconds, f"{process.name} to be killed")
        assert process.returncode == -signal.SIGKILL, process.output()[-3000:]

    def stop(self) -> None:
        for process in self.processes:
            process.kill()
        self.redis.stop()

    def logs(self) -> str:
        """The end of each process's log for a failed test, workers first, without beat's
        once-a-second line and the tracebacks beat prints while the broker is away (they would
        push a worker's first traceback out of the part CI shows)."""
        parts = []
        for process in sorted(self.processes, key=lambda p: not p.name.startswith("worker")):
            lines = process.output().splitlines(keepends=True)
            if process.name.startswith("beat"):
                lines = [ln for ln in lines if LOG_RECORD.match(ln) and BEAT_TICK not in ln]
            parts.append(f"--- {process.name}\n{''.join(lines)[-LOG_TAIL_CHARS:]}")
        return "\n".join(parts)
