"""Add text in Debian's Chromium: a headline on a finished built-in portrait becomes a new image
whose page names its parent, and the parent's page lists it; axe-clean at desktop and phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from avatarapp.workspaces.models import Membership
from generation.models import Image
from tests.browser.portraits import draw_portraits
from tests.browser.support import check_page, log_in, wait_for_images
from tests.conftest import PASSWORD, make_user
from tests.gallery.lightbox_support import image_url
from tests.generation.conftest import make_persona

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_add_a_headline_and_see_the_child_with_its_parent(live_server, browser: Browser) -> None:
    base = live_server.url
    user = make_user("mia@example.com")
    membership = Membership.objects.get(user=user)
    maya = make_persona(membership, name="Maya Costa")
    [portrait_id] = draw_portraits(membership, [maya], ["builtin:corporate"], "4:5")
    portrait = Image.objects.get(pk=portrait_id)

    page = browser.new_context().new_page()
    log_in(page, base, user.email, PASSWORD)
    page.goto(base + image_url(portrait))
    page.get_by_role("link", name="Add text").click()
    expect(page.get_by_role("heading", name="Add text")).to_be_visible()
    check_page(page, "40-add-text")

    page.get_by_role("textbox", name="Text").fill("Meet Maya, our head of growth")
    page.get_by_role("group", name="Where").get_by_text("Lower third").click()
    page.get_by_role("group", name="Colour").get_by_text("Yellow").click()
    page.get_by_role("button", name="Add text").click()

    child = Image.objects.get(parent=portrait)
    expect(page).to_have_url(base + image_url(child))
    expect(page.get_by_text("Text added. This is a new image")).to_be_visible()
    parent_link = page.get_by_role("link", name=re.compile("The original: Maya Costa"))
    expect(parent_link).to_be_visible()
    wait_for_images(page.locator("img"))
    check_page(page, "41-text-added")

    parent_link.click()
    expect(page).to_have_url(base + image_url(portrait))
    expect(page.get_by_text("One image was made from this one:")).to_be_visible()
    page.get_by_role("link", name="See every image made from this one in the gallery").click()
    expect(page.get_by_text("Only images made from")).to_be_visible()
    expect(page.locator(".gallery-card")).to_have_count(1)
    check_page(page, "42-made-from-filter")
