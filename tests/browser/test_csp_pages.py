"""In Debian's Chromium: every page of tests/site_pages.py, anonymous and as a
workspace owner with something on each page, loads under the Content-Security-Policy without a
single violation; so do the fragments htmx swaps in, and the small scripts that stand in for
inline handlers and styles do their work."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from avatarapp.workspaces.services import workspace_create_team
from tests.browser.support import check_page, csp_violations, wait_for_images
from tests.conftest import PASSWORD, make_user
from tests.keys.conftest import keyring_entry
from tests.site_pages import ANONYMOUS_PAGES, MEMBER_PAGES, Site, build_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class CspWatch:
    """Both of Chromium's reports of a refusal: the console line and the DOM event."""

    def __init__(self, page: Page) -> None:
        self.page = page  # its context records the events (tests/conftest.py)
        self.console: list[str] = []
        page.on("console", self._on_console)

    def _on_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    def visit(self, url: str) -> None:
        self.page.goto(url)
        wait_for_images(self.page.locator("img:not([loading=lazy])"))  # a refused one fails
        self.assert_clean(url)

    def assert_clean(self, where: str) -> None:
        assert (self.console, csp_violations(self.page)) == ([], []), where


@pytest.fixture
def site(settings: Any) -> Site:
    settings.KEY_ENCRYPTION_KEYS = keyring_entry(1)
    settings.KEY_FINGERPRINT_SECRET = "a-test-fingerprint-secret-of-enough-length-0123456789"
    owner = make_user("alice@example.com")
    team = workspace_create_team(user=owner, name="Acme marketing")
    return build_site(team.memberships.get(user=owner))


def test_no_page_breaks_the_content_security_policy(
    live_server: Any, browser: Browser, site: Site
) -> None:
    base = live_server.url
    page = browser.new_context().new_page()
    watch = CspWatch(page)
    for anonymous_page in ANONYMOUS_PAGES:
        watch.visit(base + site.url(anonymous_page))

    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill("alice@example.com")
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.locator(".switcher summary").click()
    page.get_by_role("button", name=re.compile("Acme marketing")).click()
    expect(page.locator(".switcher summary")).to_contain_text("Acme marketing")
    watch.assert_clean("after signing in")

    for member_page in MEMBER_PAGES:
        watch.visit(base + site.url(member_page))

    # Swapped-in fragments: the live estimate (it also loads itself when the page opens).
    watch.visit(base + "/generate/")
    page.get_by_role("checkbox", name="Maya Costa").check()
    page.get_by_role("checkbox", name="Professional headshot").check()
    page.get_by_role("checkbox", name=re.compile("Built-in")).check()
    expect(page.locator("#estimate")).to_contain_text("1 portrait")
    watch.assert_clean("the live estimate")

    # The prompt previews, whose colour swatches a static script paints (no style attribute).
    watch.visit(base + site.url(("personas:detail", "persona")))
    page.locator("#style-picker input[type=checkbox]").first.check()
    swatch = page.locator("#prompt-preview .swatch[data-swatch]").first
    expect(swatch).to_be_visible()
    assert swatch.evaluate("e => e.style.getPropertyValue('--swatch') === e.dataset.swatch")
    watch.assert_clean("the prompt previews")

    # A new invitation link arrives by htmx; a click selects it whole (once an inline onclick).
    watch.visit(base + site.url(("workspaces:members", "team")))
    page.get_by_role("button", name="Create invitation").click()
    link = page.get_by_label("Invitation link")
    link.click()
    assert link.evaluate("e => e.selectionStart === 0 && e.selectionEnd === e.value.length")
    watch.assert_clean("the invitation link")

    # The progress bar and the style colours, without inline styles, still look right.
    watch.visit(base + site.url(("generation:job", "job")))
    expect(page.get_by_role("progressbar", name="Batch progress")).to_have_attribute("value", "1")
    check_page(page, "40-job-under-csp")
    watch.visit(base + site.url(("personas:styles",)))
    card = page.locator(".style-card[data-swatch]").first
    assert card.evaluate("e => e.style.getPropertyValue('--swatch') === e.dataset.swatch")
    check_page(page, "41-styles-under-csp")
    watch.assert_clean("the accessibility checks")
