"""In Debian's Chromium: the job page and the image page in plain words, with a cancelled image
shown in grey (not red: cancelling is not an error) and the technical facts behind Details,
screenshotted at desktop and phone widths."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Locator, expect

from avatarapp.workspaces.models import Membership
from generation import pipeline, services
from generation.cancellation import image_cancel
from generation.models import Image, Job
from tests.browser.support import check_page, signed_in, wait_for_images
from tests.conftest import make_user
from tests.generation.conftest import make_persona

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ERROR_RED = "rgb(254, 226, 226)"  # app.css --bad-bg


def _batch(membership: Membership) -> Job:
    """Four built-in portraits of Maya: two made, one failed, one cancelled (no worker: the first
    two are drawn in this process, the others never reach one)."""
    maya = make_persona(membership, name="Maya Costa")
    styles = ["builtin:corporate", "builtin:editorial", "builtin:fashion", "builtin:lifestyle"]
    batch = services.BatchRequest([str(maya.pk)], styles, ["builtin"], 1, "4:5", "1K", "low")
    job, image_ids = services.batch_create(membership=membership, batch=batch)
    for image_id in image_ids[:2]:
        pipeline.run_image(image_id)
    Image.objects.filter(pk=image_ids[2]).update(
        status=Image.Status.FAILED, error_message="The provider refused the prompt."
    )
    assert image_cancel(membership=membership, image=Image.objects.get(pk=image_ids[3]))
    return job


def _background(element: Locator) -> str:
    return str(element.evaluate("(e) => getComputedStyle(e).backgroundColor"))


def test_the_job_and_image_pages_read_plainly(live_server, browser: Browser) -> None:
    base = live_server.url
    user = make_user("mia@example.com")
    job = _batch(Membership.objects.get(user=user))
    page = signed_in(browser, base, user)

    page.goto(f"{base}/jobs/{job.pk}/")
    expect(page.locator("#job-progress")).to_contain_text("2 of 4 ready, 1 failed, 1 cancelled")
    expect(page.locator("#job-progress")).to_contain_text("Cost: free")
    cards = page.locator(".image-card")
    expect(cards.first).to_contain_text("Built-in renderer")
    cancelled = page.locator(".image-card.status-cancelled")
    expect(cancelled.locator(".status-label")).to_have_text("Cancelled")
    assert _background(cancelled.locator(".placeholder")) != ERROR_RED
    assert _background(page.locator(".image-card.status-failed .placeholder")) == ERROR_RED
    # The model id is behind each card's Details, not in the card.
    done = page.locator(".image-card.status-succeeded").first
    expect(done.get_by_text("Model id")).to_be_hidden()
    done.get_by_text("Details").click()
    expect(done.get_by_text("Model id")).to_be_visible()
    wait_for_images(page.locator(".image-card img"))
    check_page(page, "53-job-page")

    done.locator("img").click()
    expect(page.get_by_role("heading", name=re.compile("Maya Costa"))).to_be_visible()
    wait_for_images(page.locator("figure img"))
    expect(page.locator("dl.meta").first).to_contain_text("Built-in renderer")
    expect(page.get_by_text("SHA-256")).to_be_hidden()
    check_page(page, "54-image-page")
    page.locator("details.details").first.get_by_text("Details").click()
    expect(page.get_by_text("SHA-256")).to_be_visible()
    check_page(page, "55-image-page-details")

    page.goto(f"{base}/images/{job.images.get(status=Image.Status.CANCELLED).pk}/")
    expect(page.get_by_text("Cancelled before it was made.")).to_be_visible()
    assert _background(page.locator("figure .placeholder")) != ERROR_RED
    check_page(page, "56-image-page-cancelled")
