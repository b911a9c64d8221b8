"""In Debian's Chromium, against a real worker: Generate as a studio. The page
opens calm, personas and styles are picked by clicking their pictures and a model by its tile,
the estimate says in words what will happen, and the batch arrives under its name. And the
keyboard path: from the top of the page to the Generate button in at most 20 Tab presses,
picking one persona, one style and one model with Space on the way."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.browser.support import check_page, log_in, wait_for_images
from tests.conftest import PASSWORD, make_user
from tests.generation.conftest import make_persona, worker  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TAB_BUDGET = 20


def open_generate(live_server: Any, browser: Browser) -> Page:
    """Mia, with two personas in her own workspace and no provider key, on Generate."""
    user = make_user("mia@example.com")
    membership = user.memberships.get(workspace__is_personal=True)
    make_persona(membership, name="Maya Costa")
    make_persona(membership, name="Leo Park", skin_tone="light", hair_colour="red")
    page = browser.new_context().new_page()
    log_in(page, live_server.url, "mia@example.com", PASSWORD)
    page.get_by_role("link", name="Generate").click()
    expect(page.get_by_role("heading", name="Generate", exact=True)).to_be_visible()
    return page


def tile(page: Page, name: str) -> Any:
    return page.locator("label.tile").filter(has_text=re.compile(rf"^\s*{re.escape(name)}"))


def test_generate_by_picking_pictures(live_server: Any, browser: Browser, worker: None) -> None:  # noqa: F811
    page = open_generate(live_server, browser)
    # Calm: no error anywhere before the person has done anything.
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.locator("#estimate")).to_contain_text("Pick at least one persona")
    wait_for_images(page.locator(".tile img"))
    # Models that need a key are shown, greyed, with the way to add one.
    expect(page.get_by_role("checkbox", name="GPT Image 2", exact=True)).to_be_disabled()
    expect(page.get_by_role("link", name="Add a key")).to_be_visible()
    check_page(page, "40-generate-studio-calm")
    # The skip link jumps over the tiles to the batch's name and the Generate button.
    page.get_by_role("link", name="Skip to Generate").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Batch name")).to_be_focused()
    # A setting re-prices every model's tile as it changes.
    price = page.locator("#model-gpt-image-2-price")
    at_medium = price.inner_text()
    page.get_by_text("Settings:").click()
    page.get_by_label("Quality").select_option("high")
    expect(page.locator("#settings-summary")).to_contain_text("high quality")
    expect(price).not_to_have_text(at_medium)
    expect(price).to_contain_text(" an image · about 60 s")

    tile(page, "Maya Costa").locator("img").click()
    tile(page, "Professional headshot").locator("img").click()
    page.get_by_text("Free drafts drawn from the persona's look").click()
    expect(page.get_by_role("checkbox", name="Maya Costa")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Professional headshot")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Built-in renderer")).to_be_checked()
    expect(page.locator(".estimate-sentence")).to_have_text(
        "1 portrait, free, about 1 s; Maya Costa with the built-in renderer."
    )
    day = timezone.localdate()
    name = f"Maya Costa - Professional headshot, {day.day} {day:%b %Y}"
    expect(page.locator("#estimate")).to_contain_text(f"Saved as “{name}”.")
    expect(page.get_by_role("alert")).to_have_count(0)
    check_page(page, "41-generate-studio-picked")

    page.get_by_role("button", name="Generate", exact=True).click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    expect(page.locator(".image-card.status-succeeded")).to_have_count(1, timeout=60_000)
    wait_for_images(page.locator(".image-card img"))
    check_page(page, "42-job-named")
    page.get_by_role("link", name="Batches").click()
    expect(page.get_by_role("link", name=name)).to_be_visible()


def test_keyboard_only_reaches_generate_in_at_most_20_tabs(
    live_server: Any, browser: Browser
) -> None:
    page = open_generate(live_server, browser)
    page.locator("body").focus()  # the top of the page, as a fresh load leaves it
    presses = 0

    def tab_to(selector: str) -> None:
        """Press Tab until the focused element matches `selector`, within the budget."""
        nonlocal presses
        while presses < TAB_BUDGET:
            page.keyboard.press("Tab")
            presses += 1
            if page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"{selector} not reached in {TAB_BUDGET} Tab presses")

    tab_to("input[name=personas]")  # the persona tiles are one Tab stop: the first, Leo
    page.keyboard.press("Space")
    tab_to("input[name=styles]")  # so are the style tiles
    page.keyboard.press("Space")
    tab_to("input[name=models]")  # and the models: the first one anyone can run
    page.keyboard.press("Space")
    expect(page.locator(".estimate-sentence")).to_have_text(
        "1 portrait, free, about 1 s; Leo Park with the built-in renderer."
    )
    tab_to("#generate-button")
    assert presses <= TAB_BUDGET
    page.keyboard.press("Enter")
    expect(
        page.get_by_role("heading", name=re.compile("^Leo Park - Professional headshot, "))
    ).to_be_visible()
