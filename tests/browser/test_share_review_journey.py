"""Share and review end to end in Debian's Chromium: an editor ticks three portraits in the
gallery and shares them with review on; in a fresh browser with no account, a client gives a
name, approves one and asks for changes on another with a comment; back in the workspace the
states and the comment show on the image pages, the gallery filters by them, and the email is in
the outbox; the editor revokes the link and the client's browser gets the 404 page."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import Browser, expect

from gallery.models import ImageReview, ReviewState, ShareLink
from generation.models import Image
from tests.browser.portraits import draw_portraits
from tests.browser.support import check_page, signed_in, wait_for_images
from tests.conftest import make_user
from tests.generation.conftest import make_persona

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STYLES = ["builtin:corporate", "builtin:editorial", "builtin:fashion"]


def test_share_three_review_two_and_revoke(live_server, browser: Browser) -> None:
    base = live_server.url
    user = make_user("mia@example.com")
    membership = user.memberships.get()
    maya = make_persona(membership, name="Maya Costa", occupation="product manager")
    draw_portraits(membership, [maya], STYLES)
    page = signed_in(browser, base, user)

    # The gallery: tick all three, Share, review on, create the link.
    page.goto(base + "/gallery/")
    for box in page.locator("input.pick-box").all():
        box.check()
    expect(page.get_by_text("3 selected")).to_be_visible()
    page.get_by_role("button", name="Share", exact=True).click()
    expect(
        page.get_by_role("heading", name="Share with people outside the workspace")
    ).to_be_visible()
    page.get_by_label("Let them review").check()
    check_page(page, "share-new")
    page.get_by_role("button", name="Create link").click()
    expect(page.get_by_role("heading", name="Link created")).to_be_visible()
    url = page.get_by_label("Share link").input_value()
    check_page(page, "share-created")

    # The client: a fresh browser, no account.
    client = browser.new_context().new_page()
    client.goto(url)
    expect(client.get_by_role("heading", name="Maya Costa")).to_be_visible()
    expect(client.get_by_text("AI-generated").first).to_be_visible()
    wait_for_images(client.locator(".shared-item img"))
    client.get_by_label("Your name").fill("Rosa from Brandco")
    client.get_by_role("button", name="Start reviewing").click()
    expect(client.get_by_text("Reviewing as")).to_be_visible()
    check_page(client, "shared-page")

    first = client.locator("#portrait-1")
    first.get_by_label("Approve").check()
    first.get_by_role("button", name="Send review of portrait 1").click()
    expect(client.get_by_text("your review of portrait 1 is with the team")).to_be_visible()
    second = client.locator("#portrait-2")
    second.get_by_label("Request changes").check()
    second.get_by_role("button", name="Send review of portrait 2").click()
    expect(client.get_by_role("alert")).to_contain_text("Say what should change")
    check_page(client, "shared-review-refused")
    second = client.locator("#portrait-2")
    second.get_by_label("Request changes").check()
    second.get_by_label("Comment").fill("Softer light, please.")
    second.get_by_role("button", name="Send review of portrait 2").click()
    expect(client.locator("#portrait-2")).to_contain_text("Changes requested")

    # Back in the workspace: the states, the comment, the filter and the emails.
    states = sorted(ImageReview.objects.values_list("state", flat=True))
    assert states == sorted(
        [ReviewState.APPROVED, ReviewState.CHANGES_REQUESTED, ReviewState.IN_REVIEW]
    )
    changed = ImageReview.objects.get(state=ReviewState.CHANGES_REQUESTED).image
    page.goto(f"{base}/images/{changed.pk}/")
    review = page.locator("section.image-review")
    expect(review).to_contain_text("Changes requested")
    expect(review).to_contain_text("Rosa from Brandco")
    expect(review).to_contain_text("Softer light, please.")
    check_page(page, "image-review-section")
    approved = ImageReview.objects.get(state=ReviewState.APPROVED).image
    page.goto(f"{base}/images/{approved.pk}/")
    page.get_by_role("button", name="Lock", exact=True).click()
    expect(page.get_by_text("Locked: this portrait cannot be deleted")).to_be_visible()
    page.goto(base + "/gallery/?review=approved")
    expect(page.locator(".gallery-card")).to_have_count(1)
    assert [m.subject for m in mail.outbox] == [
        f"Rosa from Brandco: approved · Maya Costa, {approved.style_name}",
        f"Rosa from Brandco: changes requested · Maya Costa, {changed.style_name}",
    ]
    assert mail.outbox[0].to == ["mia@example.com"]  # the owner, who made the link
    assert "Softer light, please." in mail.outbox[1].body

    # Revoke: the client's next look is the 404 page.
    page.goto(base + "/share-links/")
    link = ShareLink.objects.get()
    assert link.view_count >= 3
    assert link.last_viewed_at is not None
    views = page.locator(".share-views").first
    expect(views).to_have_text(str(link.view_count))
    check_page(page, "share-links")
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("opens nothing now")).to_be_visible()
    gone = client.goto(url)
    assert gone is not None
    assert gone.status == 404
    expect(client.get_by_role("heading", name="Not found")).to_be_visible()
    check_page(client, "shared-gone")
    assert Image.objects.filter(deleted_at=None).count() == 3
