"""In Debian's Chromium: an owner copies a new invitation link with its Copy button; the
colleague opens it signed out, takes the header's "Sign up" (which must keep the invitation),
confirms the address through the link in the mail, and still joins the team,
landing on its Personas page with a welcome line."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from avatarapp.workspaces.models import Membership, Workspace
from avatarapp.workspaces.services import workspace_create_team
from tests.browser.support import check_page, log_in
from tests.conftest import PASSWORD, make_user
from tests.workspaces.mail import confirmation_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _copy_a_new_link(page: Page) -> str:
    """Create an editor's invitation link on the Members page and copy it with the button."""
    page.get_by_label("Role:", exact=True).select_option("editor")
    page.get_by_role("button", name="Create invitation").click()
    field = page.get_by_label("Invitation link")
    expect(field).to_be_visible()
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("#new-invitation-copied")).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == field.input_value()
    check_page(page, "50-invitation-copied")
    return str(copied)


def _sign_up_from_the_header(page: Page, base: str, email: str) -> None:
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Sign up").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again):").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    page.goto(base + confirmation_link(email))
    page.get_by_role("button", name="Confirm").click()


def test_sign_up_from_the_header_of_an_invitation_and_join(live_server, browser: Browser) -> None:
    base = live_server.url
    alice = make_user("alice@example.com")
    team = workspace_create_team(user=alice, name="Acme marketing")
    owner = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = owner.new_page()
    log_in(page, base, "alice@example.com", PASSWORD)
    page.goto(f"{base}/workspaces/{team.pk}/members/")
    link = _copy_a_new_link(page)
    assert re.fullmatch(rf"{re.escape(base)}/invitations/[A-Za-z0-9_-]{{43}}/", link)

    bob = browser.new_context().new_page()
    bob.goto(link)
    expect(bob.get_by_role("heading", name="Join Acme marketing")).to_be_visible()
    _sign_up_from_the_header(bob, base, "bob@example.com")
    # Back on the invitation, signed in: one click to join.
    expect(bob.get_by_role("heading", name="Join Acme marketing")).to_be_visible()
    bob.get_by_role("button", name="Accept and join").click()

    expect(bob.get_by_role("heading", name="Personas", exact=True)).to_be_visible()
    expect(bob.get_by_text("Welcome to Acme marketing, you joined as an editor.")).to_be_visible()
    expect(bob.locator(".switcher summary")).to_contain_text("Acme marketing")
    check_page(bob, "51-joined-the-team")
    joined = Membership.objects.get(workspace=team, user__email="bob@example.com")
    assert joined.role == "editor"
    assert Workspace.objects.filter(memberships__user=joined.user).count() == 2
    owner.close()
    bob.context.close()
