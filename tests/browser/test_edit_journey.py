"""Edit from a result (issue 17, item 4) in Debian's Chromium against a real worker, Redis,
PostgreSQL and the provider emulator: a GPT Image 2 portrait edited to "in a coffee shop, same
face" by GPT Image 2 (OpenAI's edit endpoint) and FLUX.2 [pro] (BFL's input image); the children
show their parent, the parent lists them, and the gallery filters the edits of it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from avatarapp.workspaces.models import Membership
from generation import services
from generation.models import Image
from tests.browser.support import check_page, log_in, wait_for_images
from tests.conftest import PASSWORD, make_user
from tests.gallery.lightbox_support import image_url
from tests.generation.conftest import (  # noqa: F401
    add_keys,
    all_terminal,
    make_persona,
    providers,
    wait_for,
    worker,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_edit_a_portrait_into_a_coffee_shop_and_follow_its_lineage(
    live_server,
    browser: Browser,
    providers,  # noqa: F811
    worker,  # noqa: F811
) -> None:
    base = live_server.url
    membership = Membership.objects.get(user=make_user("mia@example.com"))
    add_keys(membership)
    maya = make_persona(membership, name="Maya Costa")
    batch = services.BatchRequest(
        [str(maya.pk)], ["builtin:corporate"], ["gpt-image-2"], 1, "4:5", "1K", "low"
    )
    job = services.batch_submit(membership=membership, batch=batch)
    wait_for(lambda: all_terminal(job.pk), what="the portrait")
    portrait = Image.objects.get(job=job, status=Image.Status.SUCCEEDED)

    page = browser.new_context().new_page()
    log_in(page, base, "mia@example.com", PASSWORD)
    page.goto(base + image_url(portrait))
    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page.get_by_role("heading", name="Edit this portrait")).to_be_visible()
    expect(page.get_by_role("checkbox", name="GPT Image 2", exact=True)).to_be_checked()
    check_page(page, "45-edit-form")

    page.get_by_role("textbox", name="Setting").fill("in a coffee shop, same face")
    page.get_by_role("checkbox", name="FLUX.2 [pro]", exact=True).check()
    page.get_by_role("button", name="Make the edit").click()

    expect(page.get_by_text("Edit started.")).to_be_visible()
    expect(page.locator(".image-card.status-succeeded")).to_have_count(2, timeout=60_000)
    check_page(page, "46-edit-batch")
    children = list(Image.objects.filter(parent=portrait).order_by("model_id"))
    assert [c.model_id for c in children] == ["flux-2-pro", "gpt-image-2"]
    assert all(c.status == Image.Status.SUCCEEDED for c in children)

    page.goto(base + image_url(children[1]))
    parent_link = page.get_by_role("link", name=re.compile("The original: Maya Costa"))
    expect(page.get_by_text("Edited from this portrait:")).to_be_visible()
    wait_for_images(page.locator("img"))
    check_page(page, "47-edited-child")

    parent_link.click()
    expect(page).to_have_url(base + image_url(portrait))
    expect(page.get_by_text("2 images were made from this one:")).to_be_visible()
    page.get_by_role("link", name="See every image made from this one in the gallery").click()
    expect(page.get_by_text("Only images made from")).to_be_visible()
    expect(page.locator(".gallery-card")).to_have_count(2)
    check_page(page, "48-edits-of-this-image")
