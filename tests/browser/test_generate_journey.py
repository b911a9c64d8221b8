"""Journeys 2 to 5 in Debian's Chromium, against a real worker, Redis, PostgreSQL, the S3 server
and the emulator: add a key, create a persona, set a budget, generate 2 styles x 2 models x 2
images, watch the cards fill in, and see estimate vs actual and the budget move."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Browser, expect

from avatarapp.money import usd
from generation.models import Image
from tests.browser.support import check_page, wait_for_images
from tests.conftest import PASSWORD, make_user
from tests.generation.conftest import providers, worker  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_key_persona_generate_and_watch(live_server, browser: Browser, providers, worker) -> None:  # noqa: F811
    base = live_server.url
    make_user("mia@example.com")
    page = browser.new_context().new_page()
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill("mia@example.com")
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    # Journey 2: bring a key.
    page.get_by_text("Settings").click()
    page.get_by_role("link", name="Provider keys").click()
    page.get_by_label("Provider").select_option("openai")
    page.get_by_label("Name").fill("Mia's OpenAI")
    page.get_by_label("API key").fill("sk-" + "journey" + secrets.token_hex(12))
    page.get_by_role("button", name="Check and save").click()
    expect(page.get_by_text("is valid")).to_be_visible()

    # Journey 3: a persona.
    page.get_by_role("link", name="Personas", exact=True).click()
    page.get_by_role("link", name="Create your first persona").click()
    page.locator("#id_name").fill("Maya Costa")
    page.locator("#id_occupation").fill("Product manager")
    page.locator("#id_skin_tone").fill("medium brown")
    page.locator("#id_hair_colour").fill("black")
    page.locator("#id_hair_style").fill("curly bob")
    page.get_by_role("button", name="Save persona").click()
    expect(page.get_by_role("heading", name="Maya Costa")).to_be_visible()

    # A budget, so the page can show it move.
    page.get_by_role("link", name="Costs").click()
    page.get_by_label("Monthly budget (USD)").fill("10")
    page.get_by_role("button", name="Save budget").click()
    expect(page.get_by_text("Budget saved.")).to_be_visible()

    # Journeys 4 and 5: pick styles and models, see the price before the click.
    page.get_by_role("link", name="Generate").click()
    page.get_by_role("checkbox", name="Maya Costa").check()
    page.get_by_role("checkbox", name="Professional headshot").check()
    page.get_by_role("checkbox", name="Editorial").check()
    page.get_by_role("checkbox", name="GPT Image 2", exact=True).check()
    page.get_by_role("checkbox", name=re.compile("Built-in")).check()
    page.get_by_text("Settings:").click()  # folded away until wanted
    page.get_by_label("Images per combination").select_option("2")
    page.get_by_label("Quality").select_option("low")
    estimate = page.locator("#estimate")
    expect(estimate).to_contain_text("8 portraits, at most $0.")
    expect(estimate).to_contain_text("Maya Costa with the built-in renderer and OpenAI key sk-…")
    expect(estimate).to_contain_text("(Mia's OpenAI).")
    expect(estimate).to_contain_text("Budget left this month: $10.00")
    check_page(page, "20-generate-estimate")
    page.get_by_role("button", name="Generate", exact=True).click()

    # The cards fill in by themselves, polling every 2 s until done.
    expect(page.get_by_role("heading", name=re.compile("^Maya Costa - 2 styles, "))).to_be_visible()
    expect(page.locator(".image-card")).to_have_count(8)
    expect(page.locator(".image-card.status-succeeded")).to_have_count(8, timeout=60_000)
    expect(page.locator("#job-progress")).to_contain_text("8 of 8 ready")
    expect(page.locator(".image-card img")).to_have_count(8)
    wait_for_images(page.locator("img"))
    check_page(page, "21-job-done")
    spent = sum(image.actual_usd for image in Image.objects.all())
    assert spent > 0
    expect(page.locator("#job-progress .cost-actual")).to_have_text(usd(spent))

    page.get_by_role("link", name="Costs").click()
    expect(page.get_by_text(f"{usd(spent)} spent")).to_be_visible()
    check_page(page, "22-costs")
