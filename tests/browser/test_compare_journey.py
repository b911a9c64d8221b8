"""Compare models (issue 17, item 1) in Debian's Chromium, against a real worker, Redis, PostgreSQL,
the S3 server and the emulator: generate one persona in two styles with the built-in renderer,
GPT Image 2 and FLUX.2 [pro], open the batch's comparison from its page, then one row large, and
move between the rows with the arrow keys. Two styles, because the arrow keys need a second row."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.compare_support import MODELS, three_models_ticked
from tests.browser.support import check_page, press_page_key, wait_for_images
from tests.generation.conftest import providers, worker  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_compare_a_batch_and_walk_its_rows_with_the_keyboard(
    live_server,
    browser: Browser,
    providers,  # noqa: F811
    worker,  # noqa: F811
) -> None:
    page = three_models_ticked(live_server.url, browser, ["Professional headshot", "Editorial"])
    page.get_by_role("button", name="Generate", exact=True).click()
    expect(page.locator(".image-card.status-succeeded")).to_have_count(6, timeout=60_000)

    page.get_by_role("link", name="Compare the models side by side").click()
    expect(page.get_by_role("heading", name="Compare models")).to_be_visible()
    totals = page.locator(".compare-total")
    expect(totals).to_have_count(3)
    for total in totals.all():
        expect(total).to_contain_text("2 of 2 ready")
        expect(total.locator(".total-latency")).to_have_text(re.compile(r"^\d+\.\d s$"))
    rows = page.locator(".compare-row")
    expect(rows).to_have_count(2)
    for row in rows.all():
        expect(row.locator(".compare-model")).to_have_text(MODELS)
        expect(row.locator(".compare-image img")).to_have_count(3)
    wait_for_images(page.locator(".compare-row img"))
    check_page(page, "170-compare-batch")

    # The first row large, reached from the keyboard alone.
    first = page.get_by_role("link", name=re.compile("^View large Maya Costa"))
    first.first.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("row 1 of 2")).to_be_visible()
    wait_for_images(page.locator(".compare-large img"))
    check_page(page, "171-compare-row")
    title = page.get_by_role("heading", level=1).inner_text()

    press_page_key(page, "ArrowRight")
    expect(page.get_by_text("row 2 of 2")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).not_to_have_text(title)
    expect(page.locator(".compare-large .compare-model")).to_have_text(MODELS)
    press_page_key(page, "ArrowRight")  # the last row: nothing further
    expect(page.get_by_text("row 2 of 2")).to_be_visible()
    press_page_key(page, "ArrowLeft")
    expect(page.get_by_text("row 1 of 2")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
