"""`make run`'s script on embedded defaults: it serves the login page, the printed demo login works,
a portrait of the demo persona is made by the worker it started (filesystem broker, SQLite, local
media, image processes beside the worker), and one Ctrl-C stops everything it started."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SERVER_ONLY = ("DATABASE_URL", "REDIS_URL", "S3_BUCKET", "DJANGO_ALLOW_ASYNC_UNSAFE")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def _generate_with_the_builtin_renderer(browser: httpx.Client, base: str) -> str:
    """Submit the Generate form as a person would: the first persona, one style, the built-in
    renderer. Returns the job page's path."""
    page = browser.get("/generate/").text
    persona = re.search(r'name="personas" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    style = re.search(r'name="styles" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    submitted = browser.post(
        "/generate/",
        data={
            "csrfmiddlewaretoken": _csrf(page),
            "personas": persona,
            "styles": style,
            "models": "builtin",
            "per_combination": "1",
            "aspect_ratio": "1:1",
            "resolution": "1K",
            "quality": "medium",
        },
        headers={"Referer": f"{base}/generate/"},
    )
    assert "/jobs/" in submitted.url.path, submitted.text[:500]
    return submitted.url.path


def test_run_serves_the_app_with_a_working_demo_login(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in SERVER_ONLY}
    env.update({"AVATARAPP_VAR_DIR": str(tmp_path), "RUN_ADDRESS": f"127.0.0.1:{port}"})
    log = (tmp_path / "run.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "scripts/run.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        login_page = None
        while time.monotonic() < deadline and login_page is None:
            try:
                login_page = httpx.get(f"{base}/accounts/login/", timeout=2)
            except httpx.TransportError:
                time.sleep(0.5)
        assert login_page is not None
        assert login_page.status_code == 200
        output = Path(log.name).read_text()
        email, password = re.search(r"Demo login: (\S+) / (\S+)", output).groups()  # type: ignore[union-attr]

        with httpx.Client(base_url=base, follow_redirects=True) as browser:
            form = browser.get("/accounts/login/")
            token = _csrf(form.text)
            landed = browser.post(
                "/accounts/login/",
                data={"login": email, "password": password, "csrfmiddlewaretoken": token},
                headers={"Referer": f"{base}/accounts/login/"},
            )
            assert landed.url.path == "/personas/"
            assert "Demo team" in landed.text
            assert "Maya Costa" in landed.text  # a demo persona, ready for the built-in renderer
            while time.monotonic() < deadline and " ready." not in Path(log.name).read_text():
                time.sleep(0.5)
            assert " ready." in Path(log.name).read_text(), "the worker started beside the web"
            job_page = _generate_with_the_builtin_renderer(browser, base)
            card = ""
            while time.monotonic() < deadline and "status-succeeded" not in card:
                time.sleep(0.5)
                card = browser.get(job_page).text
            assert "status-succeeded" in card, "the worker made the portrait"
            thumbnail = re.search(r'<img src="([^"]+/thumbnail/?)"', card).group(1)  # type: ignore[union-attr]
            image = browser.get(thumbnail)
            assert image.status_code == 200
            assert image.content[8:12] == b"WEBP"
    finally:
        os.killpg(process.pid, signal.SIGINT)  # what one Ctrl-C in the terminal sends
        process.wait(timeout=30)
        log.close()
    time.sleep(1)
    leftovers = subprocess.run(
        ["pgrep", "-f", f"(runserver 127.0.0.1:{port}|celerybeat-schedule.*{tmp_path})"],
        capture_output=True,
        text=True,
    )
    assert leftovers.stdout.strip() == "", "Ctrl-C left processes running"
