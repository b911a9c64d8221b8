"""The offline guard (tests/offline.py) for a pytest session: on in this process and in every
Python process it starts; a test during which anything tried to reach outside fails at teardown,
with what was attempted, even when the code under test swallowed the OSError.

Children: tests/offline_site goes first on PYTHONPATH and its sitecustomize.py installs the guard
in every Python process that inherits the environment (the fault suite's zygote and the worker
and beat processes it forks, make run's script with its web server, worker and image processes,
the manage.py and celery commands tests start); all of them append to the one record named by
AVATARAPP_OFFLINERECORD. A test that builds a child's environment must keep both variables.
Chromium is not Python: tests/conftest.py gives it resolver rules and records its pages' requests.

What the platform does not allow: cutting the children off in the kernel. A network namespace
(unshare -n) has a loopback of its own, so the children would lose this machine's PostgreSQL,
Redis, S3 server and emulator, which they need; a firewall rule per process needs root. C
libraries with sockets of their own (libpq) are outside the Python guard: they only ever get the
loopback addresses make test gives them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import offline

SITE = str(Path(__file__).resolve().parent / "offline_site")


class Record:
    """The session's record file; `unread()` returns what was added since the last call."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="avatarapp-offline-"))
        self.path = self.folder / "attempts.log"
        self.path.touch()
        self.read_up_to = 0

    def unread(self) -> str:
        with self.path.open("rb") as record:
            record.seek(self.read_up_to)
            added = record.read()
        self.read_up_to += len(added)
        return added.decode(errors="replace")


RECORD = pytest.StashKey[Record]()


def pytest_configure(config: pytest.Config) -> None:
    record = config.stash[RECORD] = Record()
    os.environ[offline.RECORD_ENV] = str(record.path)
    others = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != SITE]
    os.environ["PYTHONPATH"] = os.pathsep.join([SITE, *others])
    offline.install()


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(config.stash[RECORD].folder, ignore_errors=True)


def _message(attempts: str) -> str:
    return f"Tried to reach outside the machine (tests are offline; use the emulator):\n{attempts}"


@pytest.fixture(autouse=True)
def offline_guard(request: pytest.FixtureRequest) -> Iterator[None]:
    """Anything recorded since the previous test's check (this test, or the fixtures set up for
    it) fails this test."""
    yield
    attempts = request.config.stash[RECORD].unread()
    if attempts:
        pytest.fail(_message(attempts), pytrace=False)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """What was recorded after the last test (session fixtures tearing down) fails the run."""
    attempts = session.config.stash[RECORD].unread()
    if attempts:
        session.config.get_terminal_writer().line(_message(attempts), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
