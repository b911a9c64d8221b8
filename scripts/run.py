"""`make run`: migrate, seed the demo login, then serve the app and a Celery worker (with beat)
on embedded defaults until Ctrl-C, which stops everything this started."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDRESS = os.environ.get("RUN_ADDRESS", "127.0.0.1:8000")
VAR_DIR = Path(os.environ.get("AVATARAPP_VAR_DIR") or ROOT / "var")


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


# Provider calls are slow I/O (seconds to minutes): a threads pool keeps 100 images in flight.
def main() -> int:
    os.environ.setdefault("DEBUG", "True")
    manage("migrate", "--noinput", "-v0")
    manage("seed_demo")
    children = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "avatarapp",
                "worker",
                "--beat",
                "--pool",
                "threads",
                "--concurrency",
                "16",
                "--queues",
                "default,providers,maintenance",
                "--loglevel",
                "INFO",
                "--schedule",
                str(VAR_DIR / "celerybeat-schedule"),
            ],
            cwd=ROOT,
        ),
        subprocess.Popen(
            [sys.executable, "manage.py", "runserver", ADDRESS, "--noreload"], cwd=ROOT
        ),
    ]
    print(f"\navatarapp is starting at http://{ADDRESS}/ (Ctrl-C stops the app and the worker)\n")

    def stop(*_: object) -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
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
