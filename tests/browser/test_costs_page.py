"""In Debian's Chromium: the Costs page of a month with two campaigns and three providers,
switched between breakdowns and to a range of dates, its CSV downloaded through the page's own
link and summed against the ledger; screenshots at desktop and phone widths, axe clean, and at
375 px the page does not scroll sideways."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone
from playwright.sync_api import Browser, expect

from avatarapp.workspaces.models import Membership
from generation.models import Campaign, CostBasis, LedgerEntry
from tests.browser.support import PHONE, check_page, signed_in
from tests.conftest import make_user
from tests.generation.cost_rows import S, batch, key, release, settle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_costs_by_breakdown_and_the_csv_sums_to_the_ledger(live_server, browser: Browser) -> None:
    user = make_user("mia@example.com")
    team = Membership.objects.get(user=user).workspace
    spring = Campaign.objects.create(workspace=team, name="Spring launch")
    autumn = Campaign.objects.create(workspace=team, name="Autumn catalogue")
    made = timezone.now().replace(day=1, hour=8) + timedelta(minutes=5)
    openai, bfl = key(team, "openai", "AbCd"), key(team, "bfl", "WxYz")
    first = batch(
        team,
        user,
        [
            ("gpt-image-1", "openai", openai, "Maya Costa", "0.25"),
            ("flux-pro-1.1", "bfl", bfl, "=cmd|' /C calc'!A0", "0.06"),
            ("flux-pro-1.1", "bfl", bfl, "Leo", "0.06"),
        ],
        campaign=spring,
        made=made,
    )
    second = batch(
        team,
        user,
        [
            ("builtin", "builtin", None, "Leo", "0"),
            ("gpt-image-1", "openai", openai, "Leo", "0.25"),
        ],
        campaign=autumn,
        made=made + timedelta(hours=1),
    )
    settle(first[0], "0.19", CostBasis.PROVIDER_USAGE)
    settle(first[1], "0.075", CostBasis.PROVIDER_CREDITS)
    release(first[2], S.CANCELLED, "cancelled before any provider call")
    settle(second[0], "0", CostBasis.PRICE_TABLE)
    release(second[1], S.FAILED, "failed: provider")
    spent = LedgerEntry.objects.filter(workspace=team, kind="settlement").aggregate(
        s=Sum("amount_usd")
    )["s"]
    assert spent == Decimal("0.265")

    page = signed_in(browser, live_server.url, user)
    page.goto(live_server.url + "/costs/")
    expect(page.locator(".cost-totals")).to_contain_text("$0.265")
    expect(page.get_by_role("img", name="Bar chart of spending by model")).to_be_visible()
    check_page(page, "costs-by-model")

    page.get_by_role("link", name="Campaign", exact=True).click()
    table = page.get_by_role("table", name="Spent and reserved by campaign")
    expect(table.get_by_role("row", name="Spring launch")).to_contain_text("$0.265")
    expect(table.get_by_role("row", name="Autumn catalogue")).to_contain_text("$0")
    page.get_by_role("link", name="Provider", exact=True).click()
    table = page.get_by_role("table", name="Spent and reserved by provider")
    expect(table).to_contain_text("Black Forest Labs")
    page.get_by_role("link", name="Day", exact=True).click()
    expect(page.get_by_role("img", name="Bar chart of spending by day")).to_be_visible()
    check_page(page, "costs-by-day")

    page.get_by_text("Choose dates").click()
    page.get_by_label("From", exact=True).fill(made.date().isoformat())
    page.get_by_label("To", exact=True).fill((made + timedelta(days=40)).date().isoformat())
    page.get_by_role("button", name="Show dates").click()
    expect(page.locator(".cost-totals")).to_contain_text("$0.265")

    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download every image as CSV").click()
    path = downloading.value.path()
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 5
    assert sum(Decimal(row["actual (USD)"] or 0) for row in rows) == spent
    assert "'=cmd|' /C calc'!A0" in {row["persona"] for row in rows}

    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    check_page(page, "costs-range-phone")
