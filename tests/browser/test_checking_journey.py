"""In Debian's Chromium: an owner opens Costs, follows "2 images need checking", resolves one as
billed at its estimate and one as not billed, and sees the month's spent and reserved move on
Costs. The queue is screenshotted at desktop and phone widths and axe-clean."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Browser, expect

from avatarapp.money import usd
from avatarapp.workspaces.models import Membership
from generation.models import Budget
from tests.browser.support import PHONE, check_page, signed_in
from tests.conftest import make_user
from tests.generation.flagged import flagged_images

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resolving_flagged_images_moves_the_budget(live_server, browser: Browser) -> None:
    user = make_user("mia@example.com")
    owner = Membership.objects.get(user=user)
    Budget.objects.create(workspace_id=owner.workspace_id, monthly_cap_usd=Decimal(10))
    billed, released = flagged_images(owner, owner)
    held = billed.estimated_usd + released.estimated_usd
    page = signed_in(browser, live_server.url, user)

    page.goto(live_server.url + "/costs/")
    expect(page.get_by_text(f"$0 spent, {usd(held)} reserved of $10.00")).to_be_visible()
    page.get_by_role("link", name="2 images need checking").click()
    expect(page.get_by_role("heading", name="Images that need checking")).to_be_visible()
    check_page(page, "checking")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    cards = page.locator("section.card").filter(
        has=page.get_by_role("button", name="Save decision")
    )
    first = cards.first
    expect(first.get_by_label("Amount billed (USD)")).to_have_value(
        f"{billed.estimated_usd.normalize():f}"
    )
    first.get_by_label("Billed", exact=True).check()
    first.get_by_label("Why (kept with the decision)").fill("On the OpenAI usage page")
    first.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Maya Costa, Corporate: settled as billed.")).to_be_visible()

    second = cards.first
    second.get_by_label("Not billed").check()
    second.get_by_label("Why (kept with the decision)").fill("Nothing billed at that time")
    second.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("reservation released, not billed.")).to_be_visible()
    expect(page.get_by_text("No images need checking.")).to_be_visible()
    decided = page.get_by_role("table")
    expect(decided).to_contain_text(f"Billed {usd(billed.estimated_usd)}")
    expect(decided).to_contain_text("Nothing billed at that time")
    check_page(page, "checking-decided")

    page.get_by_role("link", name="Costs").first.click()
    spent = usd(billed.estimated_usd)
    expect(page.get_by_text(f"{spent} spent, $0 reserved of $10.00")).to_be_visible()
    expect(page.get_by_text("No images need checking.")).to_be_visible()
