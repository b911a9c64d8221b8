"""Browser-test helpers: screenshots a person can look at, and axe-core on every journey page."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import APIResponse, Browser, Locator, Page, ViewportSize

ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS_DIR", "test-artifacts"))
SCREENSHOTS = ARTIFACTS / "screenshots"
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 375, "height": 812}
BLOCKING_IMPACTS = {"serious", "critical"}

_axe = Axe()

# The page's own decode() promises do the waiting. page.wait_for_function would not do: it polls
# with eval inside the page, which the Content-Security-Policy refuses (no 'unsafe-eval').
_DECODE_ALL = """
(images, ms) => Promise.race([
  Promise.all(images.map((image) => image.decode())),
  new Promise((_, reject) => {
    setTimeout(() => reject(new Error(`images not loaded in ${ms} ms`)), ms);
  }),
])
"""


def wait_for_images(images: Locator, timeout_ms: int = 30_000) -> None:
    """Wait until every image `images` finds has arrived and decoded; a broken one (refused,
    missing, not an image) fails the test. Images behind a redirect to the S3 server arrive a
    moment after their element."""
    images.evaluate_all(_DECODE_ALL, timeout_ms)


def press_page_key(page: Page, key: str) -> None:
    """Press `key` on the page's document once its deferred scripts have run. Right after a
    navigation the new URL is there before the scripts that listen for keys (loaded with `defer`,
    run just before DOMContentLoaded); a key pressed in between is lost, as it would be for a
    person typing faster than the page loads."""
    page.wait_for_load_state("domcontentloaded")
    page.keyboard.press(key)


def post_with_own_token(
    page: Page, url: str, form: dict[str, str | float | bool] | None = None
) -> APIResponse:
    """POST `url` from `page`'s browser session with that session's own CSRF token (the one its
    pages give htmx), as a signed-in person's script could. The request passes CSRF, so what
    refuses it is the view's own permission check, which is what an outsider test is about.
    Redirects are not followed: the answer is the view's, not that of the page it sends to."""
    headers = json.loads(page.locator("body").get_attribute("hx-headers") or "{}")
    assert headers.get("X-CSRFToken"), "the page carries no CSRF token"
    token = {"X-CSRFToken": headers["X-CSRFToken"]}
    return page.request.post(url, headers=token, form=form, max_redirects=0)


def accessibility_violations(page: Page) -> list[str]:
    """Serious and critical axe-core violations on the page, one line each."""
    results = _axe.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in BLOCKING_IMPACTS
    ]


# Every browser context the suite opens runs this before any script of each document (tests/
# conftest.py adds it to browser.new_context): it keeps every Content-Security-Policy violation
# the page raises, so check_page can refuse them on every journey page.
RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(
    `${event.violatedDirective} refused ${event.blockedURI || "an inline"} ` +
    `(${event.sourceFile}:${event.lineNumber})`
  );
});
"""


def csp_violations(page: Page) -> list[str]:
    found = page.evaluate("window.cspViolations")
    assert found is not None, "the page was opened outside the suite's browser contexts"
    return list(found)


def check_page(page: Page, name: str) -> None:
    """Screenshot `page` at desktop and phone widths, assert axe finds nothing serious at either
    width (the phone layout has its own menus and reflows), and that the page broke no rule of
    the Content-Security-Policy."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size or DESKTOP
    found = []
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
        found += [f"{label}: {violation}" for violation in accessibility_violations(page)]
    page.set_viewport_size(original)
    assert found == [], f"{name}: " + "; ".join(found)
    refused = csp_violations(page)
    assert refused == [], f"{name}: " + "; ".join(refused)


def signed_in(browser: Browser, base: str, user: Any) -> Page:
    """A page whose browser carries `user`'s session (signing in is other journeys' subject)."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context()
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base}])
    return context.new_page()


def log_in(page: Page, base_url: str, email: str, password: str) -> None:
    """Sign in through the login form, as a person would."""
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password:").fill(password)
    page.get_by_role("button", name="Sign In").click()
