"""The batches history in Debian's Chromium: from the main navigation to /jobs/, a batch with
its thumbnails and counts in plain words, and one click to its failed images in the gallery."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.http import QueryDict
from playwright.sync_api import Browser, expect

from gallery.query import GalleryFilter
from generation import pipeline, services
from generation.models import Image
from tests.browser.support import check_page, log_in, wait_for_images
from tests.conftest import PASSWORD, make_user
from tests.generation.conftest import make_persona

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
Status = Image.Status


def test_batches_history_leads_to_the_failed_ones(live_server: Any, browser: Browser) -> None:
    user = make_user("mia@example.com")
    membership = user.memberships.get()
    persona = make_persona(membership, name="Maya Costa")
    batch = services.BatchRequest(
        [str(persona.pk)], ["builtin:corporate"], ["builtin"], 4, "1:1", "1K", "low"
    )
    job, image_ids = services.batch_create(membership=membership, batch=batch)
    for image_id in image_ids[:2]:
        pipeline.run_image(image_id)  # the built-in renderer, drawn here: no worker needed
    failed_id, checking_id = image_ids[2:]
    Image.objects.filter(pk=failed_id).update(
        status=Status.FAILED, error_message="The provider refused the prompt."
    )
    Image.objects.filter(pk=checking_id).update(status=Status.NEEDS_RECONCILIATION)

    page = browser.new_context().new_page()
    log_in(page, live_server.url, "mia@example.com", PASSWORD)
    page.get_by_role("link", name="Batches").click()

    card = page.locator(f"#batch-{job.pk}")
    expect(page.get_by_role("heading", name="Batches", exact=True)).to_be_visible()
    expect(card.get_by_role("heading", name="Maya Costa")).to_be_visible()
    expect(card).to_contain_text("Started by you")
    expect(card).to_contain_text("2 of 4 ready, 1 failed, 1 needs checking")
    expect(card.locator("img")).to_have_count(2)
    wait_for_images(card.locator("img"))
    check_page(page, "50-batches")

    card.get_by_role("link", name="See the failed ones").click()
    expect(page).to_have_url(re.compile(r"/gallery/\?"))
    query = QueryDict(urlsplit(page.url).query)
    assert (query.getlist("job"), query.getlist("status")) == ([str(job.pk)], ["failed"])
    chosen = GalleryFilter.from_query(query, membership)
    assert [image.pk for image in chosen.images(membership)] == [failed_id]
