"""Campaigns in Debian's Chromium: type a new campaign on Generate (the estimate names it), submit,
and see the gallery filtered by it and the Campaigns page, each screenshotted at desktop and phone
widths and checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from avatarapp.workspaces.models import Membership
from generation import pipeline
from generation.models import Campaign, Image, Job
from tests.browser.support import check_page, signed_in, wait_for_images
from tests.conftest import make_user
from tests.generation.conftest import make_persona

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_generate_in_a_new_campaign_and_see_its_portraits(live_server, browser: Browser) -> None:
    base = live_server.url
    user = make_user("mia@example.com")
    membership = Membership.objects.get(user=user)
    make_persona(membership, name="Maya Costa")
    Campaign.objects.create(workspace_id=membership.workspace_id, name="Autumn", client_name="Beta")
    page = signed_in(browser, base, user)

    page.goto(f"{base}/generate/")
    page.get_by_role("checkbox", name="Maya Costa").check()
    page.get_by_role("checkbox", name="Corporate", exact=True).check()
    page.get_by_role("checkbox", name="Built-in renderer").check()
    page.get_by_label("Or a new campaign").fill("Spring launch")
    page.get_by_label("Client (optional)").fill("Acme")
    page.get_by_label("Client (optional)").press("Tab")  # a change event: the estimate again
    expect(page.locator("#estimate")).to_contain_text("in the new campaign “Spring launch”")
    check_page(page, "campaign-generate")

    page.get_by_role("button", name="Generate", exact=True).click()
    expect(page.locator(".page-head")).to_contain_text("Campaign Spring launch")
    job = Job.objects.get()
    for image_id in job.images.values_list("pk", flat=True):
        pipeline.run_image(image_id)  # no worker here: drawn in this process
    assert job.images.get().status == Image.Status.SUCCEEDED

    campaign = Campaign.objects.get(name="Spring launch")
    page.goto(f"{base}/gallery/?campaign={campaign.pk}")
    expect(page.locator(".gallery-card")).to_have_count(1)
    expect(page.get_by_role("checkbox", name="Spring launch 1")).to_be_checked()
    wait_for_images(page.locator(".gallery-card img"))
    check_page(page, "campaign-gallery")

    page.goto(f"{base}/campaigns/")
    expect(page.locator(f"#campaign-{campaign.pk}")).to_contain_text("1 batch")
    check_page(page, "campaign-list")
