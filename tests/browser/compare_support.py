"""The start of the compare journeys: a person with every emulator key, one persona, and the
Generate page with that persona, these styles and three models of three providers ticked."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page

from avatarapp.workspaces.models import Membership
from tests.browser.support import log_in
from tests.conftest import PASSWORD, make_user
from tests.generation.conftest import add_keys, make_persona

MODELS = ["Built-in renderer", "GPT Image 2", "FLUX.2 [pro]"]


def three_models_ticked(base_url: str, browser: Browser, styles: list[str]) -> Page:
    """Maya Costa, `styles` and MODELS ticked on Generate, at low quality (the cheapest)."""
    membership = Membership.objects.get(user=make_user("mia@example.com"))
    add_keys(membership)
    make_persona(membership, name="Maya Costa")
    page = browser.new_context().new_page()
    log_in(page, base_url, "mia@example.com", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Generate").click()
    page.get_by_role("checkbox", name="Maya Costa").check()
    for style in styles:
        page.get_by_role("checkbox", name=style).check()
    page.get_by_role("checkbox", name=re.compile("^Built-in")).check()
    page.get_by_role("checkbox", name="GPT Image 2", exact=True).check()
    page.get_by_role("checkbox", name="FLUX.2 [pro]", exact=True).check()
    page.get_by_text("Settings:").click()
    page.get_by_label("Quality").select_option("low")
    return page
