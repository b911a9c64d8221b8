"""In Debian's Chromium: the scoreboard with a small history, filtered by persona through its form,
screenshotted at desktop and phone widths, axe clean; at 375 px the table scrolls in its own
labelled region and the page itself does not scroll sideways."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from avatarapp.workspaces.models import Membership
from gallery.models import BakeOff, BakeOffRow, RowOutcome
from generation.models import Image
from tests.browser.support import PHONE, check_page, signed_in
from tests.conftest import make_user
from tests.gallery.factories import make_image, make_job
from tests.generation.conftest import make_persona

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _history(membership: Membership) -> None:
    """Maya and Leo through GPT Image 2 and FLUX.2 [pro]; one closed vote FLUX.2 [pro] won."""
    maya, leo = make_persona(membership, name="Maya Costa"), make_persona(membership, name="Leo")
    job = make_job(membership)
    for persona, model_id, seconds, usd in [
        (maya, "gpt-image-2", 9, "0.04"),
        (maya, "flux-2-pro", 14, "0.05"),
        (leo, "gpt-image-2", 11, "0.04"),
        (leo, "flux-2-pro", 21, "0.05"),
    ]:
        make_image(
            job, persona, model_id=model_id, latency_ms=seconds * 1000, actual_usd=Decimal(usd)
        )
    make_image(job, leo, model_id="flux-2-pro", status=Image.Status.FAILED)
    bakeoff = BakeOff.objects.create(
        workspace_id=membership.workspace_id, job=job, closed_at=timezone.now()
    )
    BakeOffRow.objects.create(
        bakeoff=bakeoff,
        number=1,
        persona=maya,
        persona_name=maya.name,
        style_key="builtin:corporate",
        style_name="Corporate",
        model_ids=["gpt-image-2", "flux-2-pro"],
        outcome=RowOutcome.WON,
        winner_model_id="flux-2-pro",
    )


def test_the_scoreboard_reads_plainly_and_filters(live_server, browser: Browser) -> None:
    user = make_user("mia@example.com")
    _history(Membership.objects.get(user=user))
    page = signed_in(browser, live_server.url, user)
    page.goto(live_server.url + "/costs/")
    page.get_by_role("link", name="Compare the models on the scoreboard").click()
    table = page.get_by_role("table", name="How each model did, every persona and style")
    flux = table.get_by_role("row", name="FLUX.2 [pro]")
    expect(flux).to_contain_text("1 of 1")
    expect(flux).to_contain_text("100%")
    expect(flux).to_contain_text("33% (1 of 3)")
    check_page(page, "scoreboard")

    page.get_by_label("Persona:").select_option(label="Leo")
    page.get_by_role("button", name="Show").click()
    table = page.get_by_role("table", name="How each model did: Leo")
    expect(table.get_by_role("row", name="GPT Image 2")).to_contain_text("not voted on")
    expect(table.get_by_role("row", name="FLUX.2 [pro]")).to_contain_text("50% (1 of 2)")

    page.set_viewport_size(PHONE)
    region = page.get_by_role("region", name="How each model did: Leo")
    assert region.evaluate("(e) => e.scrollWidth > e.clientWidth"), "the table scrolls"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    check_page(page, "scoreboard-filtered")
