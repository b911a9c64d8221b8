"""Issue 19's journey in Debian's Chromium, against a real worker, Redis, PostgreSQL, the S3 server
and the emulator: an owner generates two batches in two new campaigns, opens Costs and switches
its breakdowns, downloads the CSV and finds its sums equal to the ledger's, then resolves one
image that needs checking as billed and one as not billed and sees the budget move on Costs.
Screenshots at each step, axe-core clean."""

from __future__ import annotations

import csv
import io
import re
import uuid
from decimal import Decimal

import pytest
from django.db.models import Sum
from playwright.sync_api import Browser, Page, expect

from avatarapp.money import usd
from avatarapp.workspaces.models import Membership
from generation.models import Budget, Campaign, Image, LedgerEntry
from tests.browser.support import check_page, signed_in
from tests.conftest import make_user
from tests.generation.conftest import providers, worker  # noqa: F401 - fixtures
from tests.generation.flagged import flagged_images

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ledger_totals(workspace_id: uuid.UUID) -> tuple[Decimal, Decimal]:
    """The workspace's spent and reserved, from the ledger's own lines."""
    lines = LedgerEntry.objects.filter(workspace_id=workspace_id)

    def total(kind: str) -> Decimal:
        return lines.filter(kind=kind).aggregate(s=Sum("amount_usd"))["s"] or Decimal(0)

    return total("settlement"), total("reservation") - total("release")


def campaign_spent(campaign: Campaign) -> Decimal:
    images = Image.objects.filter(job__campaign=campaign)
    return sum((image.actual_usd or Decimal(0) for image in images), Decimal(0))


def generate_in_new_campaign(page: Page, base: str, campaign: str, models: list[str]) -> None:
    page.goto(f"{base}/generate/")
    page.get_by_role("checkbox", name="Maya Costa").check()
    page.get_by_role("checkbox", name="Corporate", exact=True).check()
    for model in models:
        page.get_by_role("checkbox", name=model, exact=True).check()
    choice = page.locator("details.campaign-choice")
    if not choice.evaluate("details => details.open"):  # folded while there are no campaigns
        choice.locator("summary").click()
    name = page.get_by_label(re.compile("^(Or a new|New) campaign"))
    name.fill(campaign)
    name.press("Tab")  # a change event: the estimate again
    expect(page.locator("#estimate")).to_contain_text(f"in the new campaign “{campaign}”")
    page.get_by_role("button", name="Generate", exact=True).click()
    expect(page.locator(".page-head")).to_contain_text(f"Campaign {campaign}")
    cards = page.locator(".image-card")
    expect(cards).to_have_count(len(models))
    expect(page.locator(".image-card.status-succeeded")).to_have_count(len(models), timeout=60_000)


def test_campaign_costs_csv_and_resolving_flagged_images(
    live_server,
    browser: Browser,
    providers,  # noqa: F811
    worker,  # noqa: F811
) -> None:
    base = live_server.url
    user = make_user("mia@example.com")
    owner = Membership.objects.get(user=user)
    team = owner.workspace_id
    Budget.objects.create(workspace_id=team, monthly_cap_usd=Decimal(10))
    # Two images the worker lost mid-call (the pipeline's own flagging): they hold their
    # reservations until someone decides. Their persona is the one the batches use.
    billed, not_billed = flagged_images(owner, owner)
    page = signed_in(browser, base, user)

    generate_in_new_campaign(page, base, "Spring launch", ["GPT Image 2", "Built-in renderer"])
    generate_in_new_campaign(page, base, "Autumn catalogue", ["GPT Image 2"])
    spring, autumn = (
        Campaign.objects.get(workspace_id=team, name=n)
        for n in ("Spring launch", "Autumn catalogue")
    )

    assert campaign_spent(spring) > 0
    assert campaign_spent(autumn) > 0
    spent, reserved = ledger_totals(team)
    assert reserved == billed.estimated_usd + not_billed.estimated_usd

    page.get_by_role("link", name="Costs").first.click()
    totals = page.locator(".cost-totals")
    expect(totals).to_contain_text(usd(spent))
    expect(totals).to_contain_text(usd(reserved))
    check_page(page, "40-costs-by-model")
    page.get_by_role("link", name="Campaign", exact=True).click()
    table = page.get_by_role("table", name="Spent and reserved by campaign")
    expect(table.get_by_role("row", name=re.compile("^Spring launch"))).to_contain_text(
        usd(campaign_spent(spring))
    )
    expect(table.get_by_role("row", name=re.compile("^Autumn catalogue"))).to_contain_text(
        usd(campaign_spent(autumn))
    )
    expect(table.get_by_role("row", name=re.compile("^No campaign"))).to_contain_text(usd(reserved))
    check_page(page, "41-costs-by-campaign")
    page.get_by_role("link", name="Person", exact=True).click()
    expect(page.get_by_role("table", name="Spent and reserved by person")).to_contain_text(
        "mia@example.com"
    )
    page.get_by_role("link", name="Day", exact=True).click()
    expect(page.get_by_role("img", name="Bar chart of spending by day")).to_be_visible()

    # One campaign's costs, and the whole month's CSV summed against the ledger.
    page.get_by_label("Campaign", exact=True).select_option(label="Autumn catalogue")
    page.get_by_role("button", name="Show campaign").click()
    expect(totals).to_contain_text(usd(campaign_spent(autumn)))
    page.get_by_label("Campaign", exact=True).select_option(label="Every campaign")
    page.get_by_role("button", name="Show campaign").click()
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download every image as CSV").click()
    text = downloading.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == Image.objects.filter(workspace_id=team).count() == 5
    assert sum(Decimal(row["actual (USD)"] or 0) for row in rows) == spent
    assert {row["campaign"] for row in rows} == {"Spring launch", "Autumn catalogue", ""}
    assert {row["status"] for row in rows} == {"Done", "Needs checking"}

    # Resolve the two flagged images: one billed at its estimate, one not billed.
    page.get_by_role("link", name="2 images need checking").click()
    cards = page.locator("section.card").filter(
        has=page.get_by_role("button", name="Save decision")
    )
    cards.first.get_by_label("Billed", exact=True).check()
    cards.first.get_by_label("Why (kept with the decision)").fill("On the OpenAI usage page")
    cards.first.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("settled as billed.")).to_be_visible()
    cards.first.get_by_label("Not billed").check()
    cards.first.get_by_label("Why (kept with the decision)").fill("Nothing billed at that time")
    cards.first.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("No images need checking.")).to_be_visible()
    check_page(page, "42-checking-decided")

    after_spent, after_reserved = ledger_totals(team)
    assert after_reserved == 0
    assert after_spent == spent + billed.estimated_usd
    page.get_by_role("link", name="Costs").first.click()
    expect(page.get_by_text(f"{usd(after_spent)} spent, $0 reserved of $10.00")).to_be_visible()
    expect(totals).to_contain_text(usd(after_spent))
    check_page(page, "43-costs-after-checking")
