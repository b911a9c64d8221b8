"""The blind pick (issue 17, item 2) in Debian's Chromium, against a real worker, Redis,
PostgreSQL, the S3 server and the emulator: Mia generates one persona in one style with the
built-in renderer, GPT Image 2 and FLUX.2 [pro], starts a blind pick from the compare view, and
she and Victor (a viewer) vote in separate browser contexts without seeing model names; Mia
closes the vote, makes the winner the persona's default, and Generate ticks it. Then the
iteration loop: the winning portrait edited to "in a coffee shop, same face", and a headline put
on the edit, each a child of the one before (issue 17's must-show journey, end to end)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role
from avatarapp.workspaces.services import workspace_create_team
from gallery.bakeoffs import blind_order
from gallery.models import BakeOffRow
from generation.models import Image, Origin
from tests.browser.support import check_page, log_in, wait_for_images
from tests.conftest import PASSWORD, make_user
from tests.gallery.lightbox_support import image_url
from tests.generation.conftest import add_keys, make_persona, providers, worker  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MODELS = ["Built-in renderer", "GPT Image 2", "FLUX.2 [pro]"]
TEAM = "Acme marketing"


def signed_in_to_the_team(browser: Browser, base_url: str, email: str) -> Page:
    page = browser.new_context().new_page()
    log_in(page, base_url, email, PASSWORD)
    page.locator(".switcher summary").click()
    page.get_by_role("button", name=re.compile(f"^{TEAM}")).click()
    expect(page.locator(".switcher summary")).to_contain_text(TEAM)
    return page


def expect_no_model_names(page: Page) -> None:
    main = page.locator("main")
    for name in MODELS:
        expect(main).not_to_contain_text(name)
    expect(main).not_to_contain_text("$")


def test_two_members_pick_blind_the_winner_becomes_the_default_and_is_edited(
    live_server,
    browser: Browser,
    providers,  # noqa: F811
    worker,  # noqa: F811
) -> None:
    mia = make_user("mia@example.com")
    team = workspace_create_team(user=mia, name=TEAM)
    add_keys(Membership.objects.get(user=mia, workspace=team))
    victor = make_user("victor@example.com")
    Membership.objects.create(workspace=team, user=victor, role=Role.VIEWER)
    maya = make_persona(Membership.objects.get(user=mia, workspace=team), name="Maya Costa")

    page = signed_in_to_the_team(browser, live_server.url, "mia@example.com")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Generate").click()
    page.get_by_role("checkbox", name="Maya Costa").check()
    page.get_by_role("checkbox", name="Professional headshot").check()
    page.get_by_role("checkbox", name=re.compile("^Built-in")).check()
    page.get_by_role("checkbox", name="GPT Image 2", exact=True).check()
    page.get_by_role("checkbox", name="FLUX.2 [pro]", exact=True).check()
    page.get_by_text("Settings:").click()
    page.get_by_label("Quality").select_option("low")
    page.get_by_role("button", name="Generate", exact=True).click()
    expect(page.locator(".image-card.status-succeeded")).to_have_count(3, timeout=60_000)

    page.get_by_role("link", name="Compare the models side by side").click()
    page.get_by_role("button", name="Start a blind pick").click()
    expect(page.get_by_text("The blind pick has started")).to_be_visible()
    blind_url = page.url
    expect(page.locator(".blind-choice h3")).to_have_text(
        ["Portrait A", "Portrait B", "Portrait C"]
    )
    expect_no_model_names(page)
    wait_for_images(page.locator(".blind-choice img"))
    check_page(page, "175-blind-pick-before-voting")

    # Each person's letters are their own; the test looks up whose letter is GPT Image 2, so
    # that both pick it and the outcome is known.
    row = BakeOffRow.objects.get()
    assert row.model_ids == ["builtin", "gpt-image-2", "flux-2-pro"]  # the columns' order
    picked = "GPT Image 2"

    def letter(user: Any) -> str:
        return "ABC"[blind_order(row, user.pk).index("gpt-image-2")]

    page.get_by_role("button", name=re.compile(f"^Pick portrait {letter(mia)}")).click()
    expect(page.get_by_text(f"Your vote for portrait {letter(mia)} is in")).to_be_visible()
    expect(page.locator(".blind-name")).to_have_count(3)  # her row now shows the names
    expect(page.locator(".blind-choice.picked .blind-name")).to_have_text(picked)
    wait_for_images(page.locator(".blind-choice img"))
    check_page(page, "176-blind-pick-after-voting")

    # Victor, a viewer, in his own browser: he still sees no names, and his own order.
    other = signed_in_to_the_team(browser, live_server.url, "victor@example.com")
    other.goto(blind_url)
    expect(other.get_by_role("heading", name="Blind pick", level=1)).to_be_visible()
    expect_no_model_names(other)
    expect(other.get_by_text("Voted: mia@example.com")).to_be_visible()
    expect(other.get_by_role("button", name=re.compile("^Close the vote"))).to_have_count(0)
    other.get_by_role("button", name=re.compile(f"^Pick portrait {letter(victor)}")).click()
    expect(other.get_by_text(f"it was {picked}.")).to_be_visible()
    expect(other.locator(".blind-choice.picked .blind-tally")).to_have_text("2 votes")

    # Mia closes the vote: the winner and who voted for it, for everyone.
    page.reload()
    page.get_by_role("button", name="Close the vote and show the results").click()
    expect(page.get_by_text(f"Winner: {picked}", exact=True)).to_be_visible()
    expect(page.locator(".blind-voters")).to_have_text("Voted: mia@example.com, victor@example.com")
    other.reload()
    expect(other.get_by_text(f"Winner: {picked}", exact=True)).to_be_visible()
    expect(other.get_by_role("button", name=re.compile("^Make this"))).to_have_count(0)
    wait_for_images(page.locator(".blind-choice img"))
    check_page(page, "177-blind-pick-closed")

    page.get_by_role("button", name=re.compile("^Make this the persona's default")).click()
    expect(page.get_by_text(f"{picked} is now Maya Costa's default model")).to_be_visible()

    # Generate, from Maya's page, starts with the winner ticked and only it.
    page.goto(live_server.url + reverse("personas:detail", args=[maya.pk]))
    page.get_by_role("link", name="Generate", exact=True).last.click()
    for name in MODELS:
        # The built-in renderer's box says "free" after its name; GPT Image 2.5 starts like 2.
        box = page.get_by_role("checkbox", name=name, exact=name != "Built-in renderer")
        if name == picked:
            expect(box).to_be_checked()
        else:
            expect(box).not_to_be_checked()
    check_page(page, "178-generate-preselects-the-winner")

    # Same face, new setting: the winning portrait edited with its own model, then a headline
    # put on the edit; each new image names the one it was made from.
    winner = Image.objects.get(job__workspace=team, model_id="gpt-image-2")
    page.goto(live_server.url + image_url(winner))
    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page.get_by_role("checkbox", name=picked, exact=True)).to_be_checked()
    page.get_by_role("textbox", name="Setting").fill("in a coffee shop, same face")
    page.get_by_role("button", name="Make the edit").click()
    expect(page.locator(".image-card.status-succeeded")).to_have_count(1, timeout=60_000)
    edited = Image.objects.get(parent=winner)
    assert (edited.origin, edited.model_id, edited.status) == (
        Origin.EDIT,
        "gpt-image-2",
        Image.Status.SUCCEEDED,
    )
    page.goto(live_server.url + image_url(edited))
    expect(page.get_by_role("link", name=re.compile("The original: Maya Costa"))).to_be_visible()
    expect(page.get_by_text("Edited from this portrait:")).to_be_visible()

    page.get_by_role("link", name="Add text").click()
    page.get_by_role("textbox", name="Text").fill("Meet Maya, our head of growth")
    page.get_by_role("button", name="Add text").click()
    headline = Image.objects.get(parent=edited)
    expect(page).to_have_url(live_server.url + image_url(headline))
    expect(page.get_by_role("link", name=re.compile("The original: Maya Costa"))).to_be_visible()
    wait_for_images(page.locator("figure img"))
    check_page(page, "179-edited-winner-with-a-headline")
