"""Journeys 3 and 4 in Debian's Chromium: define a persona with a reference image, pick styles,
read the composed prompts, see the built-in portrait on the persona card, keep a brand style."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from personas.models import Persona
from tests.browser.support import check_page, wait_for_images
from tests.conftest import PASSWORD, make_user
from tests.personas import images

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def private_media(settings: Any, tmp_path: Path) -> None:
    """Uploaded references go to a fresh folder (S3, when configured, is used as it is)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Personas", exact=True)).to_be_visible()


def wait_for_image(page: Page, selector: str) -> None:
    """Wait (failing the test after a while) for the first image `selector` finds to decode."""
    image = page.locator(selector).first
    expect(image).to_be_attached()
    wait_for_images(image)


def test_define_a_persona_pick_styles_and_see_prompts(live_server, browser: Browser) -> None:
    base = live_server.url
    make_user("maya@example.com")
    context = browser.new_context()
    page = context.new_page()
    _log_in(page, base, "maya@example.com")

    # An empty workspace says what to do next.
    expect(page.get_by_text("No personas yet")).to_be_visible()
    check_page(page, "persona-01-empty")
    page.get_by_role("link", name="Create your first persona").click()

    # The server validates in place (the browser itself already insists on a name).
    expect(page.get_by_role("heading", name="New persona")).to_be_visible()
    page.locator("#id_name").fill("Maya Costa")
    page.locator("#id_occupation").fill("Product manager")
    page.get_by_text("Marketing brief").click()  # the folded part of the brief
    page.locator("#id_tags").fill("b2b, a-tag-far-longer-than-thirty-characters")
    page.get_by_role("button", name="Save persona").click()
    expect(page.get_by_text("Keep each tag to 30 characters or fewer")).to_be_visible()
    expect(page.locator("#id_tags")).to_have_attribute("aria-invalid", "true")
    assert not Persona.objects.exists()
    check_page(page, "persona-02-form-errors")
    page.locator("#id_tags").fill("b2b, early adopter")

    # Typing updates the prompt preview live.
    page.get_by_role("group", name="Age range").get_by_role("radio", name="35 to 44").check()
    page.locator("#id_gender").fill("woman")
    page.locator("#id_location").fill("Lisbon, Portugal")
    page.locator("#id_industry").fill("fintech")
    page.locator("#id_personality").fill("warm, analytical")
    page.locator("#id_skin_tone").fill("medium brown")
    page.locator("#id_hair_colour").fill("black")
    page.locator("#id_hair_style").fill("curly bob")
    page.get_by_text("More details: eyes").click()
    page.locator("#id_eye_colour").fill("brown")
    page.locator("#id_accessories").fill("round glasses")
    page.locator("#id_wardrobe").fill("yellow raincoat")
    preview = page.locator("#prompt-preview")
    expect(preview).to_contain_text("yellow raincoat")
    page.locator("#preview-style").select_option(label="Fashion")
    expect(preview).to_contain_text("fashion editorial")
    check_page(page, "persona-03-form-live-preview")
    page.get_by_role("button", name="Save persona").click()

    # The persona page: add a reference image.
    expect(page.get_by_role("heading", name="Maya Costa")).to_be_visible()
    persona = Persona.objects.get()
    page.get_by_label("Add reference images").set_input_files(
        {"name": "face.jpg", "mimeType": "image/jpeg", "buffer": images.jpeg_with_gps(300, 200)}
    )
    page.get_by_role("button", name="Upload").click()
    references = page.locator("#references")
    expect(references).to_contain_text("1 of 8")
    expect(references.get_by_role("img", name="Reference image 1 of Maya Costa")).to_be_visible()
    wait_for_image(page, "#references img")
    assert persona.references.count() == 1

    # Pick two styles: their composed prompts appear, phrased for each style's model.
    page.get_by_role("checkbox", name="Professional headshot").uncheck()
    page.get_by_role("checkbox", name="Corporate", exact=True).check()
    page.get_by_role("checkbox", name="Casual UGC selfie").check()
    cards = page.locator("#prompt-preview .prompt-card")
    expect(cards).to_have_count(2)
    expect(cards.nth(0)).to_contain_text("Corporate portrait: chest-up")
    expect(cards.nth(0)).to_contain_text("GPT Image 2")
    expect(cards.nth(1)).to_contain_text("Use the attached reference images for likeness.")
    expect(cards.nth(1)).to_contain_text("Nano Banana 2")
    wait_for_image(page, ".persona-hero-img")
    check_page(page, "persona-04-detail-with-prompts")

    # The persona card shows the built-in render.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Personas").click()
    card = page.locator(".persona-card", has_text="Maya Costa")
    expect(card).to_be_visible()
    expect(card).to_contain_text("1 reference")
    wait_for_image(page, ".persona-card-img")
    check_page(page, "persona-05-list")

    # The style library: copy a built-in style into the workspace as a brand look.
    page.get_by_role("link", name="Style library").click()
    expect(page.get_by_role("heading", name="Built-in styles")).to_be_visible()
    check_page(page, "persona-06-style-library")
    tech = page.locator(".style-card", has=page.get_by_role("heading", name="Tech startup"))
    tech.get_by_role("button", name=re.compile("^Copy to workspace")).click()
    expect(page.get_by_role("heading", name="Edit Tech startup")).to_be_visible()
    page.locator("#id_name").fill("Acme launch")
    # The copied style's own words fill "More details", so it opens unfolded.
    page.locator("#id_palette").fill("teal and warm white")
    check_page(page, "persona-07-style-form")
    page.get_by_role("button", name="Save style").click()
    expect(page.get_by_role("heading", name="Acme launch")).to_be_visible()
    context.close()
