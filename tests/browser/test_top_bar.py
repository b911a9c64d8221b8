"""In Debian's Chromium: the top bar's menus close on Escape and close each other, and at 375 px the
navigation is one row (not wrapped, with an item alone on a second line), with every link reachable
and the Settings menu whole on screen."""

from __future__ import annotations

from itertools import pairwise

import pytest
from playwright.sync_api import Browser, FloatRect, Locator, Page, expect

from avatarapp.workspaces.services import workspace_create_team
from tests.browser.support import PHONE, check_page, log_in
from tests.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(live_server, browser: Browser) -> Page:
    user = make_user("mia@example.com")
    workspace_create_team(user=user, name="Northwind Traders marketing and communications")
    page = browser.new_context().new_page()
    log_in(page, live_server.url, "mia@example.com", PASSWORD)
    expect(page.get_by_role("heading", name="Personas", exact=True)).to_be_visible()
    return page


def _box(locator: Locator) -> FloatRect:
    box = locator.bounding_box()
    assert box is not None, "the element is on screen"
    return box


def _rows(locators: list[Locator]) -> int:
    """How many rows the elements sit on: their vertical middles, a few pixels apart at most
    within a row (a bordered button is a little taller than a link)."""
    middles = sorted(_box(item)["y"] + _box(item)["height"] / 2 for item in locators)
    return 1 + sum(1 for above, below in pairwise(middles) if below - above > 8)


def test_menus_close_on_escape_and_close_each_other(page: Page) -> None:
    switcher, account = page.locator("details.switcher"), page.locator("details.usermenu")
    settings = page.locator(".mainnav details.menu")
    switcher.locator("summary").click()
    expect(switcher).to_have_attribute("open", "")
    account.locator("summary").click()
    expect(account).to_have_attribute("open", "")
    expect(switcher).not_to_have_attribute("open", "")
    # The keyboard way: Tab into the open menu, Escape closes it and keeps the focus on its button.
    page.keyboard.press("Tab")
    expect(account.get_by_role("link", name="Email addresses")).to_be_focused()
    page.keyboard.press("Escape")
    expect(account).not_to_have_attribute("open", "")
    expect(account.locator("summary")).to_be_focused()
    settings.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(settings).to_have_attribute("open", "")
    page.keyboard.press("Escape")
    expect(settings).not_to_have_attribute("open", "")
    # A click elsewhere closes an open menu too.
    switcher.locator("summary").click()
    page.mouse.click(1200, 700)  # an empty part of the page, far from the menu
    expect(switcher).not_to_have_attribute("open", "")


def test_the_phone_navigation_is_one_row(page: Page) -> None:
    page.set_viewport_size(PHONE)
    nav = page.get_by_role("navigation", name="Main")
    items = [*nav.get_by_role("link").all(), nav.locator("summary")]
    assert _rows(items) == 1, "the navigation wraps into a second line"
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= PHONE["width"], "the top bar makes the page scroll sideways"
    # The brand, the (long) workspace name and the account menu share the first row.
    header = page.locator("header.topbar")
    assert _rows([header.locator(part) for part in (".brand", ".switcher", ".usermenu")]) == 1
    # A link scrolled out of the row comes into view with the keyboard, and Settings opens whole.
    costs = nav.get_by_role("link", name="Costs")
    costs.focus()
    expect(costs).to_be_in_viewport()
    nav.locator("summary").click()
    panel = _box(nav.locator(".menu-panel"))
    assert panel["x"] >= 0
    assert panel["x"] + panel["width"] <= PHONE["width"]
    nav.get_by_role("link", name="Members").click()
    expect(page.get_by_role("heading", name="Members")).to_be_visible()
    check_page(page, "52-members-phone-nav")
