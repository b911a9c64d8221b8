"""`make run`'s processes inside a test: scripts/run.py on its embedded defaults (SQLite, kombu's
filesystem broker, local media, a Celery worker with the threads pool) in a temporary folder, and
a browser-like client signed in with the demo login it prints."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import httpx

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent
# Set by make test for the suite; make run is the app without them.
SERVER_ONLY = ("DATABASE_URL", "REDIS_URL", "S3_BUCKET", "DJANGO_ALLOW_ASYNC_UNSAFE")
START_SECONDS = 240  # migrate, seed, web and worker start: slow on a busy 2-core machine


@dataclass(frozen=True)
class RunningApp:
    process: subprocess.Popen[bytes]  # scripts/run.py, leader of its own process group
    port: int
    log: Path  # everything scripts/run.py and its children printed
    env: dict[str, str]  # the environment it runs in (its var dir, its address)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text()

    def demo_login(self) -> tuple[str, str]:
        email, password = re.search(r"Demo login: (\S+) / (\S+)", self.output()).groups()  # type: ignore[union-attr]
        return email, password

    def ctrl_c(self) -> None:
        """What one Ctrl-C in the terminal sends (SIGINT to the whole group); waits for the end."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            self.process.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def wait_until(condition: Callable[[], T], seconds: float, every: float = 0.5) -> T:
    """Ask `condition()` until its answer is truthy or `seconds` pass; returns its last answer.
    A deadline on a condition, never a timing: a busy machine only makes it wait longer."""
    deadline = time.monotonic() + seconds
    while not (answer := condition()) and time.monotonic() < deadline:
        time.sleep(every)
    return answer


def _login_page(base: str) -> httpx.Response | None:
    try:
        return httpx.get(f"{base}/accounts/login/", timeout=2)
    except httpx.TransportError:
        return None


@contextmanager
def make_run(var_dir: Path) -> Iterator[RunningApp]:
    """Start scripts/run.py as `make run` does and yield once the login page answers and the worker
    is ready; on the way out, Ctrl-C it (unless the test already did)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in SERVER_ONLY}
    env.update({"AVATARAPP_VAR_DIR": str(var_dir), "RUN_ADDRESS": f"127.0.0.1:{port}"})
    # The bursts test the database, not the rate limits (tests/test_ratelimit.py does): every post
    # must reach it.
    env.update({"RATE_LIMIT_GENERATE_USER": "off", "RATE_LIMIT_GENERATE_WORKSPACE": "off"})
    log = var_dir / "run.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "scripts/run.py"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    app = RunningApp(process=process, port=port, log=log, env=env)
    try:
        login_page = wait_until(lambda: _login_page(app.base), START_SECONDS)
        assert login_page is not None, app.output()[-3000:]
        assert login_page.status_code == 200
        assert wait_until(lambda: " ready." in app.output(), START_SECONDS), (
            "the worker started beside the web"
        )
        yield app
    finally:
        app.ctrl_c()


@contextmanager
def signed_in(app: RunningApp) -> Iterator[httpx.Client]:
    """A client holding the demo user's session, as a browser would after signing in. Its timeout
    is generous: a request that is slow on a busy machine is not what these tests look for."""
    email, password = app.demo_login()
    with httpx.Client(base_url=app.base, follow_redirects=True, timeout=60) as browser:
        token = csrf(browser.get("/accounts/login/").text)
        landed = browser.post(
            "/accounts/login/",
            data={"login": email, "password": password, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{app.base}/accounts/login/"},
        )
        assert landed.url.path == "/personas/", landed.text[:500]
        yield browser


def generate_form(
    browser: httpx.Client, *, personas: int = 1, styles: int = 1, per_combination: int = 1
) -> dict[str, str | list[str]]:
    """The Generate form as a person fills it in: the first `personas` personas and `styles`
    styles on the page, the built-in renderer (no key needed), `per_combination` images each."""
    page = browser.get("/generate/").text
    persona_ids = re.findall(r'name="personas" value="([^"]+)"', page)[:personas]
    style_keys = re.findall(r'name="styles" value="([^"]+)"', page)[:styles]
    assert (len(persona_ids), len(style_keys)) == (personas, styles), "the page offers enough"
    return {
        "csrfmiddlewaretoken": csrf(page),
        "personas": persona_ids,
        "styles": style_keys,
        "models": "builtin",
        "per_combination": str(per_combination),
        "aspect_ratio": "1:1",
        "resolution": "1K",
        "quality": "medium",
    }


def post_generate(browser: httpx.Client, form: dict[str, str | list[str]]) -> httpx.Response:
    """Submit the Generate form without following the answer: an accepted batch is a redirect to
    its job page."""
    return browser.post(
        "/generate/",
        data=form,
        headers={"Referer": f"{browser.base_url}generate/"},
        follow_redirects=False,
    )
