"""The image page as a lightbox in Debian's Chromium: walk a filtered selection with the arrow
keys, favourite, add a tag from the suggestions, and reuse the image's settings on Generate."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from avatarapp.workspaces.models import Membership
from gallery.models import Favourite, ImageTag, Tag
from generation.models import Image
from tests.browser.portraits import draw_portraits
from tests.browser.support import check_page, press_page_key, signed_in, wait_for_images
from tests.conftest import make_user
from tests.gallery.lightbox_support import image_url
from tests.generation.conftest import make_persona

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _portraits(membership: Membership) -> None:
    """Two personas x two styles by the built-in renderer, drawn in this process."""
    maya = make_persona(membership, name="Maya Costa")
    leo = make_persona(membership, name="Leo Park", occupation="founder")
    draw_portraits(membership, [maya, leo], ["builtin:corporate", "builtin:editorial"], "4:5")


def test_walk_favourite_tag_and_reuse(live_server, browser: Browser) -> None:
    base = live_server.url
    user = make_user("mia@example.com")
    membership = Membership.objects.get(user=user)
    _portraits(membership)
    Tag.objects.create(workspace_id=membership.workspace_id, name="Campaign")
    maya = Image.objects.filter(persona_name="Maya Costa").order_by("-created_at", "-id")
    walk = list(maya)
    query = f"persona={walk[0].persona_id}"

    page = signed_in(browser, base, user)
    page.goto(base + image_url(walk[0], query))
    expect(page.get_by_role("heading", name=re.compile("Maya Costa"))).to_be_visible()
    wait_for_images(page.locator("figure img"))
    expect(page.get_by_text("Newest in this selection")).to_be_visible()
    check_page(page, "30-lightbox")

    # The arrow keys walk Maya's portraits only (the filter), and come back.
    press_page_key(page, "ArrowRight")
    expect(page).to_have_url(base + image_url(walk[1], query))
    expect(page.get_by_text("Oldest in this selection")).to_be_visible()
    press_page_key(page, "ArrowRight")  # the end of the selection: nowhere further
    press_page_key(page, "ArrowLeft")
    expect(page).to_have_url(base + image_url(walk[0], query))

    # Favourite, in place.
    favourite = page.get_by_role("button", name="Favourite")
    expect(favourite).to_have_attribute("aria-pressed", "false")
    favourite.click()
    expect(page.get_by_role("button", name="Favourite")).to_have_attribute("aria-pressed", "true")
    assert Favourite.objects.filter(user=user, image=walk[0]).exists()

    # A tag from the suggestions as you type; arrows in the field stay in the field.
    field = page.get_by_label("Add a tag")
    field.fill("")
    field.press_sequentially("cam")
    field.press("ArrowRight")  # outside a field this would go to the next portrait
    expect(page).to_have_url(base + image_url(walk[0], query))
    page.get_by_role("button", name="Add the tag Campaign").click()
    expect(page.locator("#image-tags").get_by_role("link", name="Campaign")).to_be_visible()
    expect(page.get_by_role("button", name="Remove the tag Campaign")).to_be_visible()
    assert ImageTag.objects.filter(image=walk[0], tag__name="Campaign").exists()
    check_page(page, "31-lightbox-tagged")

    # Reuse these settings: Generate, prefilled with this portrait's choices and seed.
    page.get_by_role("link", name="Reuse these settings").click()
    expect(page.get_by_role("heading", name="Generate", exact=True)).to_be_visible()
    expect(page.get_by_role("checkbox", name="Maya Costa")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Leo Park")).not_to_be_checked()
    expect(page.get_by_role("checkbox", name=walk[0].style_name, exact=True)).to_be_checked()
    expect(page.get_by_role("checkbox", name=re.compile("Built-in"))).to_be_checked()
    expect(page.get_by_label("Aspect ratio")).to_have_value("4:5")
    expect(page.get_by_role("spinbutton", name="Seed")).to_have_value(str(walk[0].seed))
    expect(page.locator("#estimate")).to_contain_text("1 portrait")
    check_page(page, "32-generate-reused")
