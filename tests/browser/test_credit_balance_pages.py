"""Issue 19 in Debian's Chromium: a BFL key's page shows its credit balance and takes a
low-credit alert (a bad number is explained in place), and the Generate estimate refuses a batch
the key's credits cannot pay for, in words; each page screenshotted and axe-checked at desktop and
phone widths."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from catalog import Provider
from tests.browser.support import check_page, signed_in
from tests.conftest import make_user
from tests.generation.conftest import make_persona
from tests.keys.factories import bfl_key, store_key

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_key_page_shows_credits_and_generate_refuses_a_batch_they_cannot_pay(
    live_server: Any, browser: Browser
) -> None:
    user = make_user("mia@example.com")
    membership = user.memberships.get(workspace__is_personal=True)
    make_persona(membership, name="Maya Costa")
    key = store_key(
        membership, bfl_key(), provider=Provider.BFL, label="Studio BFL", balance=Decimal(10)
    )
    page = signed_in(browser, live_server.url, user)

    page.goto(f"{live_server.url}/settings/keys/{key.pk}/")
    expect(page.locator(".key-facts")).to_contain_text("Credits left")
    expect(page.locator(".key-facts")).to_contain_text("10")
    alert = page.get_by_label("Email me below this many credits")
    alert.fill("-5")
    page.get_by_role("button", name="Save alert").click()
    expect(page.get_by_text("The number of credits cannot be negative.")).to_be_visible()
    page.get_by_label("Email me below this many credits").fill("50")
    page.get_by_role("button", name="Save alert").click()
    expect(page.get_by_text("The key has 10 now, so it went out already.")).to_be_visible()
    expect(page.locator(".key-facts")).to_contain_text("Email below 50")
    check_page(page, "credits-01-key-page")

    page.get_by_role("link", name="Generate").first.click()
    page.get_by_role("checkbox", name="Maya Costa").check()
    page.get_by_role("checkbox", name="Professional headshot").check()
    page.get_by_role("checkbox", name="FLUX.2 [pro]", exact=True).check()
    estimate = page.locator("#estimate")
    expect(estimate).to_contain_text("This batch needs 3 credits; the key has 10.")
    page.get_by_text("Settings:").click()
    page.get_by_label("Images per combination").select_option("4")
    expect(estimate).to_contain_text(
        "This batch needs 12 credits; the key has 10. Top up the key's credits with "
        "Black Forest Labs, or make fewer or smaller images."
    )
    expect(estimate.get_by_role("button", name="Generate")).to_be_disabled()
    check_page(page, "credits-02-generate-refused")
