"""Issue 15 in Debian's Chromium: a Generate page is open with a Google model picked when Google's
model list drops it. The owner's "Check now" reads the list (and the keys page shows the model
the list names that is not priced yet); Generate on the page left open is refused with the
sentence beside Models, and the page greys the model out."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from generation.models import Job
from generation.provider_keys.services import NewKey, key_add
from tests.browser.support import check_page, log_in
from tests.conftest import PASSWORD, make_user
from tests.emulator import Emulator
from tests.generation.conftest import make_persona, providers  # noqa: F401 - a fixture
from tests.providers.conftest import GOOGLE_KEY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DROPPED = "gemini-2.5-flash-image"
NAME = "Gemini 2.5 Flash Image (Nano Banana)"
SENTENCE = f"{NAME} is not offered by Google any more; choose another model."


def test_a_model_google_stops_offering_is_refused_and_greyed_out(
    live_server: Any,
    browser: Browser,
    providers: Emulator,  # noqa: F811 - the fixture imported above
) -> None:
    user = make_user("mia@example.com")
    membership = user.memberships.get()
    make_persona(membership, name="Maya Costa")
    google = NewKey(provider="google", region="", base_url="", label="Mia's Google", personal=False)
    key_add(
        membership=membership, new=google, plain=GOOGLE_KEY + "-0000-0000"
    )  # its check reads Google's list

    context = browser.new_context()
    page = context.new_page()
    log_in(page, live_server.url, "mia@example.com", PASSWORD)
    page.get_by_role("link", name="Generate").click()
    page.get_by_role("checkbox", name="Maya Costa").check()
    page.get_by_role("checkbox", name="Professional headshot").check()
    page.get_by_role("checkbox", name=NAME, exact=True).check()
    expect(page.locator("#estimate")).to_contain_text("1 portrait, at most $0.039")

    # Meanwhile Google drops the model, and Mia checks her key in another tab.
    providers.configure(gemini_models=[m for m in providers.model_list("gemini") if m != DROPPED])
    keys = context.new_page()
    keys.goto(live_server.url + "/settings/keys/")
    card = keys.locator(".key-card", has_text="Mia's Google")
    card.get_by_role("button", name="Check now").click()
    expect(card).to_contain_text("“Mia's Google” is valid.")
    keys.reload()
    expect(keys.get_by_text("new at Google: not priced yet")).to_be_visible()  # Nano Banana 2 Lite
    check_page(keys, "64-keys-new-at-provider")

    # The page left open still has the model ticked: Generate is refused with the sentence.
    page.get_by_role("button", name="Generate", exact=True).click()
    expect(page.locator("#id_models_error")).to_have_text(SENTENCE)
    assert not Job.objects.exists()
    box = page.get_by_role("checkbox", name=NAME, exact=True)
    expect(box).to_be_disabled()
    expect(box).not_to_be_checked()
    expect(page.locator(".model-tile", has=box)).to_contain_text("Not offered by Google any more.")
    check_page(page, "65-generate-not-offered")
