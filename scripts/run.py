"""`make run`: migrate, seed the demo (a login, personas and a finished batch), then serve the app
and a Celery worker (with beat) on embedded defaults until Ctrl-C, which stops everything this
started.

What a person needs, the address and the demo login, is printed last before the web server's own
lines: after the worker's start-up banner (its output is passed through here, so its "ready"
line can be waited for), not above it where it scrolls away."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDRESS = os.environ.get("RUN_ADDRESS", "127.0.0.1:8000")
VAR_DIR = Path(os.environ.get("AVATARAPP_VAR_DIR") or ROOT / "var")
LOGIN_LINE = re.compile(r"^Demo login: ")
WORKER_READY = re.compile(r"\bready\.\s*$")  # Celery's "celery@host ready."
WORKER_START_SECONDS = 120  # then the login is printed anyway


def say(line: str) -> None:
    print(line, flush=True)


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def seed_demo() -> list[str]:
    """Seed the demo; print what it did, and return its login line(s) for later."""
    seeded = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"], cwd=ROOT, capture_output=True, text=True
    )
    sys.stderr.write(seeded.stderr)
    lines = seeded.stdout.splitlines()
    for line in lines:
        if not LOGIN_LINE.match(line):
            say(line)
    seeded.check_returncode()
    return [line for line in lines if LOGIN_LINE.match(line)]


# Provider calls are slow I/O (seconds to minutes): a threads pool keeps 100 images in flight.
WORKER = [
    *("-m", "celery", "-A", "avatarapp", "worker", "--beat", "--pool", "threads"),
    *("--concurrency", "16", "--queues", "default,providers,maintenance", "--loglevel", "INFO"),
]


def start_worker() -> tuple[subprocess.Popen[str], threading.Event]:
    """The worker, its output passed through to ours; the event is set once it is ready (or has
    ended: then there is nothing to wait for)."""
    schedule = ("--schedule", str(VAR_DIR / "celerybeat-schedule"))
    worker = subprocess.Popen(
        [sys.executable, *WORKER, *schedule],
        cwd=ROOT,
        # Unbuffered: its banner and log lines come through in the order it writes them.
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    ready = threading.Event()

    def relay() -> None:
        assert worker.stdout is not None
        for line in worker.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            if WORKER_READY.search(line):
                ready.set()
        ready.set()

    threading.Thread(target=relay, daemon=True).start()
    return worker, ready


def main() -> int:
    os.environ.setdefault("DEBUG", "True")
    manage("migrate", "--noinput", "-v0")
    login = seed_demo()
    children: list[subprocess.Popen[str]] = []

    def stop(*_: object) -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        worker, ready = start_worker()
        children.append(worker)
        ready.wait(WORKER_START_SECONDS)
        say(f"\navatarapp is running at http://{ADDRESS}/ (Ctrl-C stops the app and the worker)")
        for line in login:
            say(line)
        say("")
        server = [sys.executable, "manage.py", "runserver", ADDRESS, "--noreload"]
        children.append(subprocess.Popen(server, cwd=ROOT, text=True))
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
