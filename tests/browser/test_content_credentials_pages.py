"""Content Credentials where people meet them, in Debian's Chromium: the image page says what the
provider's file carried, the Download button saves a copy that carries ours (read back with
c2pa-python), and without a signing certificate the workspace page says downloads are marked
only. Desktop and phone screenshots, axe-core clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from avatarapp.content_credentials import MARKING_ONLY_NOTE
from avatarapp.workspaces.models import Membership
from generation.models import Image
from tests.browser.portraits import draw_portraits
from tests.browser.support import check_page, signed_in, wait_for_images
from tests.conftest import make_user
from tests.generation.conftest import make_persona
from tests.provenance.support import (
    PROVIDER,
    PROVIDER_MODEL,
    TRAINED,
    manifest_store,
    signing_with_dev_chain,
    xmp_of,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What a provider's signed file records when it is stored (provenance.reading.summarise).
FROM_PROVIDER = {
    "has_manifest": True,
    "issuer": PROVIDER,
    "claim_generator": "Example Provider API 2.0",
    "software": [PROVIDER_MODEL],
    "actions": ["c2pa.created", "c2pa.color_adjustments"],
    "validation_state": "Valid",
}


def test_the_image_page_and_its_download(
    live_server: Any, browser: Browser, settings: Any, tmp_path: Path
) -> None:
    signing_with_dev_chain(settings, tmp_path)
    user = make_user("mia@example.com")
    membership = Membership.objects.get(user=user)
    [image_id] = draw_portraits(membership, [make_persona(membership)], ["builtin:corporate"])
    Image.objects.filter(pk=image_id).update(credentials=FROM_PROVIDER)

    page = signed_in(browser, live_server.url, user)
    page.goto(live_server.url + reverse("gallery:image", args=[image_id]))
    wait_for_images(page.locator("figure img"))
    expect(
        page.get_by_text(
            f"Content Credentials from {PROVIDER}: created by {PROVIDER_MODEL}; "
            "steps recorded: created, colour adjustments."
        )
    ).to_be_visible()
    check_page(page, "60-credentials-image")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download").click()
    data = Path(download.value.path()).read_bytes()
    store = manifest_store(data)
    assert store.problems == []
    assert store.actions()[0]["softwareAgent"]["name"] == "Built-in renderer"
    assert TRAINED in xmp_of(data)


def test_the_workspace_page_says_when_downloads_are_marked_only(
    live_server: Any, browser: Browser, settings: Any
) -> None:
    settings.C2PA_SIGNING_CERT = settings.C2PA_SIGNING_KEY = ""
    settings.C2PA_DEV_CHAIN_FILE = None  # production without a certificate
    user = make_user("mia@example.com")
    membership = Membership.objects.get(user=user)
    page = signed_in(browser, live_server.url, user)
    page.goto(live_server.url + reverse("workspaces:members", args=[membership.workspace_id]))
    expect(page.get_by_text(MARKING_ONLY_NOTE)).to_be_visible()
    check_page(page, "61-credentials-marking-only")
