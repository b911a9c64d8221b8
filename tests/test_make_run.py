"""`make run`'s script on embedded defaults (filesystem broker, SQLite, local media, a threads-pool
worker with image processes beside it): it serves the login page, prints the address and the demo
login after the worker's start-up lines, the first screen after logging in already has the seeded
portraits, a gallery and a cost line (seeding again adds nothing), the worker it started makes a
portrait of the demo persona, bursts of Generate posts are all answered without a server error
while the worker writes, and one Ctrl-C stops everything it started. The tests share one running
app (starting it is most of their time), in this order."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import httpx
import pytest

from tests.make_run_support import (
    ROOT,
    START_SECONDS,
    RunningApp,
    generate_form,
    make_run,
    post_generate,
    signed_in,
    wait_until,
)

BURST = 25
BURST_SECONDS = 2.5
# Deadlines on conditions, generous for a busy 2-core machine; the run takes far less.
BATCH_STARTS_SECONDS = 60
IMAGES_END_SECONDS = 240


def _burst(browser: httpx.Client, form: dict[str, str | list[str]]) -> list[httpx.Response]:
    """BURST posts of the form from one signed-in user, one every BURST_SECONDS / BURST seconds,
    each on its own connection (a person clicking Generate faster than the page answers)."""
    with ThreadPoolExecutor(max_workers=BURST) as pool:
        sent = []
        for _ in range(BURST):
            sent.append(pool.submit(post_generate, browser, form))
            time.sleep(BURST_SECONDS / BURST)  # pacing the clicks, not waiting for an outcome
        return [answer.result() for answer in sent]


def _accepted_jobs(answers: list[httpx.Response]) -> list[str]:
    """The job pages of the posts: every one is accepted (rate limits are off for this app), so
    anything else, a server error above all, fails."""
    statuses = [answer.status_code for answer in answers]
    errors = [status for status in statuses if status >= 500]
    assert errors == [], f"{len(errors)} of {len(statuses)} posts failed: {statuses}"
    assert set(statuses) == {302}, statuses
    return [answer.headers["location"] for answer in answers]


def _progress(browser: httpx.Client, job_page: str) -> tuple[int, int, int]:
    """(ended, total, succeeded) as the job page's progress line reads them: "6 of 8 ready,
    2 still being made"."""
    text = browser.get(f"{job_page}progress/").text
    ready, total = map(int, re.search(r"(\d+) of (\d+) ready", text).groups())  # type: ignore[union-attr]
    working = re.search(r"(\d+) still being made", text)
    return total - (int(working.group(1)) if working else 0), total, ready


def _finished(browser: httpx.Client, job_page: str) -> bool:
    ended, total, _ = _progress(browser, job_page)
    return ended == total


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    with make_run(tmp_path_factory.mktemp("make-run")) as running:
        yield running


def test_the_address_and_login_come_after_the_workers_start_up_lines(app: RunningApp) -> None:
    """Printed above the worker's banner, they would scroll away."""
    lines = app.output().splitlines()

    def first(pattern: str) -> int:
        found = [i for i, line in enumerate(lines) if re.search(pattern, line)]
        assert found, f"make run printed no line matching {pattern}"
        return found[0]

    worker_ready = first(r"\bready\.$")
    address = first(rf"avatarapp is running at http://127\.0\.0\.1:{app.port}/")
    login = first(r"^Demo login: \S+ / \S+$")
    server = first(r"Performing system checks|Starting development server")
    assert worker_ready < address < login < server, (worker_ready, address, login, server)
    assert sum("Demo login:" in line for line in lines) == 1


def _thumbnails(page: str) -> list[str]:
    return sorted(set(re.findall(r'src="(/images/[0-9a-f-]+/thumbnail)"', page)))


def test_the_first_screen_has_the_seeded_portraits_gallery_and_costs(app: RunningApp) -> None:
    with signed_in(app) as browser:
        landing = browser.get("/personas/")  # where the login lands
        assert "Maya Costa" in landing.text
        assert "Leo Park" in landing.text
        covers = _thumbnails(landing.text)
        assert len(covers) == 2, "each demo persona shows a portrait the renderer made"
        for cover in covers:
            image = browser.get(cover)
            assert image.status_code == 200
            assert image.content[8:12] == b"WEBP"
        assert len(_thumbnails(browser.get("/gallery/").text)) == 4
        assert "4 of 4 ready" in browser.get("/jobs/").text
        assert (
            "<td>Built-in renderer</td><td>4</td><td>$0</td><td>$0</td>"
            in browser.get("/costs/").text
        )


def test_seeding_again_adds_nothing(app: RunningApp) -> None:
    again = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"],
        cwd=ROOT,
        env={**app.env, "DEBUG": "True"},  # as scripts/run.py runs it
        capture_output=True,
        text=True,
        timeout=START_SECONDS,
    )
    assert again.returncode == 0, again.stderr[-2000:]
    assert again.stdout.strip() == f"Demo login: {' / '.join(app.demo_login())}"
    with signed_in(app) as browser:
        assert len(_thumbnails(browser.get("/gallery/").text)) == 4
        assert browser.get("/personas/").text.count('class="persona-card-name"') == 2


def test_run_serves_the_app_with_a_working_demo_login(app: RunningApp) -> None:
    with signed_in(app) as browser:
        landing = browser.get("/personas/")
        assert "Demo team" in landing.text
        assert "Maya Costa" in landing.text  # a demo persona, ready for the built-in renderer
        submitted = post_generate(browser, generate_form(browser))
        assert submitted.status_code == 302, submitted.text[:500]
        job_page = submitted.headers["location"]
        assert "/jobs/" in job_page

        def succeeded_card() -> str:
            page = browser.get(job_page).text
            return page if "status-succeeded" in page else ""

        card = wait_until(succeeded_card, 90)
        assert "status-succeeded" in card, "the worker made the portrait"
        thumbnail = re.search(r'<img src="([^"]+/thumbnail/?)"', card).group(1)  # type: ignore[union-attr]
        image = browser.get(thumbnail)
        assert image.status_code == 200
        assert image.content[8:12] == b"WEBP"


def test_bursts_of_generate_posts_on_sqlite_get_no_server_error(app: RunningApp) -> None:
    """Runserver's threads and the worker's threads share one SQLite file."""
    with signed_in(app) as browser:
        jobs = _accepted_jobs(_burst(browser, generate_form(browser)))

        # The demo's two personas x eight styles x four = a 64-image batch.
        big = post_generate(
            browser, generate_form(browser, personas=2, styles=8, per_combination=4)
        )
        assert big.status_code == 302, big.text[:500]
        batch = big.headers["location"]
        started = wait_until(lambda: _progress(browser, batch)[0] > 0, BATCH_STARTS_SECONDS, 0.2)
        assert started, "the worker began the 64-image batch"
        ended, total, _ = _progress(browser, batch)
        assert total == 64
        assert ended < total, "the second burst meets the batch while the worker writes it"
        jobs += _accepted_jobs(_burst(browser, generate_form(browser)))

        for job in [batch, *jobs]:
            assert wait_until(partial(_finished, browser, job), IMAGES_END_SECONDS), job
            ended, total, succeeded = _progress(browser, job)
            assert succeeded == total, f"{job}: {succeeded} of {total} images made"
        assert "database is locked" not in app.output()


def test_one_ctrl_c_stops_everything_it_started(app: RunningApp) -> None:
    app.ctrl_c()

    def leftovers() -> str:
        pattern = f"(runserver 127.0.0.1:{app.port}|celerybeat-schedule.*{app.log.parent})"
        return subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout

    assert wait_until(lambda: not leftovers().strip(), 10), "Ctrl-C left processes running"
