"""In Debian's Chromium: the live estimate names the field at fault, and a
rate-limited estimate (a 429, which htmx 2 does not swap by itself) still shows its sentence."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.support import check_page
from tests.conftest import PASSWORD, make_user
from tests.generation.conftest import make_persona
from tests.keys.factories import bfl_key, store_key
from tests.ratelimits import Limits

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_estimate_names_the_field_and_says_when_to_try_again(
    live_server: Any, browser: Browser, limits: Limits
) -> None:
    user = make_user("mia@example.com")
    membership = user.memberships.get(workspace__is_personal=True)
    make_persona(membership, name="Maya Costa")
    store_key(membership, bfl_key(), provider="bfl", label="Mia's BFL")  # FLUX can be picked
    page = browser.new_context().new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill("mia@example.com")
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("link", name="Generate").click()

    page.get_by_role("checkbox", name="Maya Costa").check()
    page.get_by_role("checkbox", name="Professional headshot").check()
    page.get_by_role("checkbox", name="FLUX.2 [pro]", exact=True).check()
    page.get_by_text("Settings:").click()
    page.get_by_label("Resolution").select_option("4K")
    estimate = page.locator("#estimate")
    expect(estimate).to_contain_text(
        "Resolution: FLUX.2 [pro] cannot make 4K images; it goes up to 4 megapixels "
        "(2048x2048). Choose 1K or 2K."
    )
    expect(estimate.get_by_role("button", name="Generate")).to_be_disabled()
    check_page(page, "30-generate-field-error")
    # Posted anyway (a page left open, a double click): the page marks the field itself.
    page.eval_on_selector("#generate-button", "button => { button.disabled = false; }")
    page.get_by_role("button", name="Generate", exact=True).click()
    resolution = page.get_by_label("Resolution")
    expect(resolution).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_resolution_error")).to_have_text(
        "FLUX.2 [pro] cannot make 4K images; it goes up to 4 megapixels (2048x2048). "
        "Choose 1K or 2K."
    )
    check_page(page, "31-generate-field-error-posted")

    # Every estimate so far counted; from now on one a minute, so the next change is refused.
    limits("estimate", user="1/minute")
    page.get_by_label("Resolution").select_option("1K")
    expect(estimate).to_contain_text(
        "You are pricing batches faster than this workspace allows. Try again in 40 seconds."
    )
    check_page(page, "32-generate-estimate-rate-limited")
    limits.clock.advance(40)  # the window turns: the next change is priced again
    page.get_by_label("Quality").select_option("high")
    expect(estimate).to_contain_text("1 portrait, at most $0.03, about 15 s; Maya Costa with Black")
    expect(estimate).not_to_contain_text("faster than")
