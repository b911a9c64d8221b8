"""In Debian's Chromium: set a persona's default model and settings on its form, and Generate
starts from them, both from the persona page's Generate button and when the persona is ticked."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from tests.browser.support import check_page, log_in
from tests.conftest import PASSWORD, make_user
from tests.generation.conftest import make_persona

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_personas_default_is_preselected_on_generate(live_server: Any, browser: Browser) -> None:
    user = make_user("mia@example.com")
    persona = make_persona(user.memberships.get(workspace__is_personal=True), name="Maya Costa")
    page = browser.new_context().new_page()
    log_in(page, live_server.url, "mia@example.com", PASSWORD)

    page.goto(live_server.url + reverse("personas:edit", args=[persona.pk]))
    page.get_by_label("Default model").select_option(label="Built-in renderer")
    page.get_by_label("Default aspect ratio").select_option("3:4")
    page.get_by_label("Default resolution").select_option("2K")
    page.get_by_label("Default quality").select_option("high")
    page.get_by_role("button", name="Save persona").click()
    # The built-in renderer stops at 1K: the catalog's sentence, beside the field.
    expect(page.get_by_text("Built-in renderer cannot make 2K images")).to_be_visible()
    check_page(page, "60-persona-default-refused")
    page.get_by_label("Default resolution").select_option("1K")
    page.get_by_role("button", name="Save persona").click()
    expect(page.get_by_text("3:4, 1K, high quality")).to_be_visible()

    page.get_by_role("link", name="Generate", exact=True).last.click()
    expect(page.get_by_role("checkbox", name="Built-in renderer")).to_be_checked()
    expect(page.locator("#id_aspect_ratio")).to_have_value("3:4")
    page.get_by_role("checkbox", name="Professional headshot").check()
    expect(page.locator("#estimate")).to_contain_text("1 portrait, free")
    check_page(page, "61-generate-persona-default")

    # Ticking the persona on a fresh page does the same, through the live estimate.
    page.goto(live_server.url + reverse("generation:generate"))
    expect(page.get_by_role("checkbox", name="Built-in renderer")).not_to_be_checked()
    page.get_by_role("checkbox", name="Maya Costa").check()
    expect(page.get_by_role("checkbox", name="Built-in renderer")).to_be_checked()
    expect(page.locator("#id_aspect_ratio")).to_have_value("3:4")
    expect(page.locator("#id_quality")).to_have_value("high")
    check_page(page, "62-generate-persona-ticked")
