"""The galleries in Debian's Chromium: the workspace gallery's grid, filters, search and infinite
scroll, selecting by shift-click and "select all matching", and a persona's gallery on its page.
Portraits are drawn by the built-in renderer in this process (no worker needed); the rows beyond
the first page reuse those files, so fifty cards cost four renders."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.forms.models import model_to_dict
from playwright.sync_api import Browser, Page, expect

from avatarapp.workspaces.models import Membership
from gallery.models import Favourite
from generation.models import Image
from tests.browser.portraits import draw_portraits
from tests.browser.support import check_page, wait_for_images
from tests.conftest import PASSWORD, make_user
from tests.generation.conftest import make_persona

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TOTAL = 50  # more than a page of 48


def make_gallery(owner: Membership) -> None:
    """Maya and Leo, 2 styles each, drawn for real; then copies of Maya's first portrait, older."""
    maya = make_persona(owner, name="Maya Costa", occupation="product manager")
    leo = make_persona(owner, name="Leo Park", occupation="lighthouse keeper")
    image_ids = draw_portraits(owner, [maya, leo], ["builtin:corporate", "builtin:fashion"])
    first = Image.objects.filter(pk__in=image_ids, persona=maya).earliest("created_at")
    assert first.status == Image.Status.SUCCEEDED, first.error_message
    copied = model_to_dict(first, exclude=["id", "job", "workspace", "persona", "deleted_by"])
    Image.objects.bulk_create(
        Image(
            **{
                **copied,
                "job_id": first.job_id,
                "workspace_id": first.workspace_id,
                "persona_id": first.persona_id,
                "created_at": first.created_at - timedelta(minutes=n + 1),
            }
        )
        for n in range(TOTAL - len(image_ids))
    )


@pytest.fixture
def mia(live_server, browser: Browser) -> tuple[Page, Any]:
    """Mia, signed in, with the gallery above in her workspace."""
    user = make_user("mia@example.com")
    make_gallery(user.memberships.get())
    page = browser.new_context().new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill("mia@example.com")
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Personas", exact=True)).to_be_visible()
    return page, user


def settle(page: Page) -> None:
    """Let the last thumbnails arrive and close the browser, so no request of this page is
    still reading the database when the test's tables are emptied."""
    wait_for_images(page.locator(".gallery-card img").last)
    page.context.close()


def test_browse_filter_search_scroll_and_select(mia: tuple[Page, Any]) -> None:
    page, user = mia

    page.get_by_role("link", name="Gallery").click()
    cards = page.locator(".gallery-card")
    expect(cards).to_have_count(48)
    # The panel's choices and counts arrive after the grid, and the bulk bar learns the total.
    expect(page.get_by_role("checkbox", name="Leo Park 2")).to_be_visible()
    expect(page.get_by_text(f"Select all {TOTAL} matching this filter")).to_be_visible()
    wait_for_images(page.locator(".gallery-card img").first)
    check_page(page, "30-gallery")

    # Filter by persona: the grid and the address follow.
    page.get_by_role("checkbox", name="Leo Park 2").check()
    expect(cards).to_have_count(2)
    expect(page).to_have_url(re.compile(r"/gallery/\?persona="))
    expect(page.get_by_role("checkbox", name="Leo Park 2")).to_be_checked()
    page.get_by_role("checkbox", name="Leo Park 2").uncheck()
    expect(cards).to_have_count(48)

    # Search a word of a persona's brief.
    page.get_by_label("Search").fill("lighthouse")
    expect(cards).to_have_count(2)
    expect(page).to_have_url(re.compile(r"q=lighthouse"))
    expect(cards.first).to_contain_text("Leo Park")
    page.get_by_label("Search").fill("")
    expect(cards).to_have_count(48)

    # Shift-click ticks the range between two clicks.
    boxes = page.locator("input.pick-box")
    boxes.nth(1).click()
    boxes.nth(5).click(modifiers=["Shift"])
    expect(page.get_by_text("5 selected")).to_be_visible()
    assert [boxes.nth(i).is_checked() for i in range(7)] == [False] + [True] * 5 + [False]

    # Select every portrait matching the filter, not only the 48 loaded, and favourite them.
    page.get_by_role("checkbox", name=f"Select all {TOTAL} matching this filter").check()
    expect(page.get_by_text(f"{TOTAL} selected")).to_be_visible()
    page.get_by_role("button", name="Favourite", exact=True).click()
    expect(page.get_by_text(f"Added {TOTAL} portraits to your favourites.")).to_be_visible()
    assert Favourite.objects.filter(user=user).count() == TOTAL

    # The end of the grid scrolls into view: the next page arrives in place of the sentinel.
    more = page.get_by_role("link", name="More portraits")
    expect(more).to_have_attribute("href", re.compile(r"cursor="))
    more.scroll_into_view_if_needed()
    expect(cards).to_have_count(TOTAL)
    expect(more).to_have_count(0)
    settle(page)


def test_a_personas_gallery_and_its_cover(mia: tuple[Page, Any]) -> None:
    page, _ = mia

    page.get_by_role("link", name=re.compile("Leo Park")).click()
    portraits = page.locator("#portraits")
    expect(portraits.locator(".gallery-card")).to_have_count(2)
    expect(portraits.get_by_role("checkbox", name="Fashion 1")).to_be_visible()
    portraits.locator(".gallery-grid").scroll_into_view_if_needed()  # thumbnails load lazily
    wait_for_images(portraits.locator(".gallery-card img"))
    check_page(page, "31-persona-gallery")

    portraits.get_by_role("checkbox", name="Fashion 1").check()
    expect(portraits.locator(".gallery-card")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/personas/[0-9a-f-]+/\?style=builtin%3Afashion"))

    portraits.get_by_role("button", name=re.compile("Use as cover")).click()
    expect(page.get_by_text("Leo Park's cover portrait is chosen.")).to_be_visible()
    expect(page.locator("#portraits .badge", has_text="Cover")).to_be_visible()
    expect(portraits.get_by_role("checkbox", name="Fashion 1")).to_be_checked()
    settle(page)
