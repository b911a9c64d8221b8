""" "Compare these models" (issue 17, item 6) in Debian's Chromium, against a real worker, Redis,
PostgreSQL, the S3 server and the emulator: tick one persona, one style and three models, see what
the button itself costs (one portrait per model, though Generate is set to two), press it, wait on
the batch page, and land on the compare view with three columns once the batch is done."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.compare_support import MODELS, three_models_ticked
from tests.browser.support import check_page, wait_for_images
from tests.generation.conftest import providers, worker  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_compare_these_models_opens_the_comparison_when_the_batch_is_done(
    live_server,
    browser: Browser,
    providers,  # noqa: F811
    worker,  # noqa: F811
) -> None:
    page = three_models_ticked(live_server.url, browser, ["Professional headshot"])
    page.get_by_label("Images per combination").select_option("2")
    # Generate would make six; the comparison, priced beside its own button, makes three.
    expect(page.locator(".estimate-sentence")).to_contain_text("6 portraits")
    note = page.locator("#compare-note")
    expect(note).to_contain_text("One portrait per model for each persona and style: 3 images")
    button = page.get_by_role("button", name="Compare these models")
    expect(button).to_be_enabled()
    check_page(page, "172-compare-shortcut-generate")

    button.click()
    expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f-]+/$"))
    # The batch page, then the comparison on its own once the last portrait is done.
    expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f-]+/compare/$"), timeout=60_000)
    expect(page.get_by_role("heading", name="Compare models")).to_be_visible()
    totals = page.locator(".compare-total")
    expect(totals).to_have_count(3)
    for total in totals.all():
        expect(total).to_contain_text("1 of 1 ready")
    row = page.locator(".compare-row")
    expect(row).to_have_count(1)
    expect(row.locator(".compare-model")).to_have_text(MODELS)
    wait_for_images(row.locator("img"))
    check_page(page, "173-compare-shortcut-result")

    # Back on the batch page later: the page itself, with the way to the comparison.
    page.go_back()
    expect(page.get_by_text("Your comparison is ready.")).to_be_visible()
    expect(page.get_by_role("link", name="Compare the models side by side")).to_be_visible()
