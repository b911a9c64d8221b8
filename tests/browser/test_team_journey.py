"""Journey 1 in Debian's Chromium: sign up and confirm the address, land in a workspace, build a
team, invite by link."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from avatarapp.workspaces.models import Membership, Workspace
from tests.browser.support import check_page, post_with_own_token
from tests.conftest import PASSWORD, make_user
from tests.workspaces.mail import confirmation_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_up(
    page: Page, base: str, email: str, path: str = "/accounts/signup/", shots: str = ""
) -> None:
    """Sign up, then open the confirmation link from the mail (the live server runs in this
    process, so its mails land in django.core.mail.outbox) and confirm."""
    page.goto(base + path)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again):").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    if shots:
        check_page(page, f"{shots}-check-your-inbox")
    page.goto(base + confirmation_link(email))
    expect(page.get_by_text(f"Confirm that {email} is yours.")).to_be_visible()
    if shots:
        check_page(page, f"{shots}-confirm-address")
    page.get_by_role("button", name="Confirm").click()


def test_sign_up_create_team_invite_and_accept(live_server, browser: Browser) -> None:
    base = live_server.url

    # Alice signs up and lands in her personal workspace.
    alice = browser.new_context()
    page = alice.new_page()
    page.goto(base + "/accounts/signup/")
    check_page(page, "01-signup")
    _sign_up(page, base, "alice@example.com", shots="01")
    expect(page.get_by_role("heading", name="Personas", exact=True)).to_be_visible()
    expect(page.locator(".switcher summary")).to_contain_text("Personal")
    check_page(page, "02-personal-workspace")

    # She creates a team workspace from the switcher and invites by link.
    page.locator(".switcher summary").click()
    page.get_by_role("link", name="+ New team workspace").click()
    page.get_by_label("Workspace name:").fill("Acme marketing")
    page.get_by_role("button", name="Create workspace").click()
    expect(page.get_by_role("heading", name="Acme marketing")).to_be_visible()
    page.get_by_label("Role:", exact=True).select_option("editor")
    page.get_by_role("button", name="Create invitation").click()
    link_box = page.get_by_label("Invitation link")
    expect(link_box).to_be_visible()
    link = link_box.input_value()
    assert re.fullmatch(rf"{re.escape(base)}/invitations/[A-Za-z0-9_-]{{43}}/", link)
    check_page(page, "03-members-with-invitation")

    # Bob, in a separate browser context, opens the link, signs up, comes back and accepts.
    bob = browser.new_context()
    bob_page = bob.new_page()
    bob_page.goto(link)
    expect(bob_page.get_by_role("heading", name="Join Acme marketing")).to_be_visible()
    check_page(bob_page, "04-invitation-anonymous")
    bob_page.get_by_role("main").get_by_role("link", name="Sign up").click()
    _sign_up(bob_page, base, "bob@example.com", path=bob_page.url.removeprefix(base))
    expect(bob_page.get_by_role("button", name="Accept and join")).to_be_visible()
    bob_page.get_by_role("button", name="Accept and join").click()
    welcome = bob_page.get_by_text("Welcome to Acme marketing, you joined as an editor.")
    expect(welcome).to_be_visible()
    expect(bob_page.get_by_role("heading", name="Personas", exact=True)).to_be_visible()
    check_page(bob_page, "05-bob-joined")

    # Both see the workspace with the right roles.
    team = Workspace.objects.get(name="Acme marketing")
    roles = dict(Membership.objects.filter(workspace=team).values_list("user__email", "role"))
    assert roles == {"alice@example.com": "owner", "bob@example.com": "editor"}
    members_url = f"{base}/workspaces/{team.pk}/members/"
    for who in (page, bob_page):
        who.goto(members_url)
        rows = who.locator("table.table tbody tr")
        expect(rows).to_have_count(2)
    expect(bob_page.locator("tr", has_text="alice@example.com")).to_contain_text("Owner")
    expect(bob_page.locator("tr", has_text="bob@example.com")).to_contain_text("Editor")
    expect(page.get_by_label("Role of bob@example.com")).to_have_value("editor")
    # The link was single-use: the members page no longer lists it as pending.
    expect(page.get_by_text("Open link")).to_have_count(0)

    # Charlie, an outsider, gets 404 on every URL of the workspace.
    make_user("charlie@example.com")
    charlie = browser.new_context()
    charlie_page = charlie.new_page()
    charlie_page.goto(base + "/accounts/login/")
    charlie_page.get_by_label("Email").fill("charlie@example.com")
    charlie_page.get_by_label("Password:").fill(PASSWORD)
    charlie_page.get_by_role("button", name="Sign In").click()
    expect(charlie_page.get_by_role("heading", name="Personas", exact=True)).to_be_visible()
    response = charlie_page.goto(members_url)
    assert response is not None
    assert response.status == 404
    expect(charlie_page.get_by_role("heading", name="Not found")).to_be_visible()
    check_page(charlie_page, "06-outsider-404")
    charlie_page.goto(f"{base}/personas/")  # a page of his own: his session's CSRF token
    api_response = post_with_own_token(charlie_page, f"{base}/workspaces/{team.pk}/switch/")
    assert api_response.status == 404  # past CSRF: not a member, so no such workspace
    assert not Membership.objects.filter(workspace=team, user__email="charlie@example.com").exists()
    # Alice opens "Where you're signed in" from her user menu.
    page.locator(".usermenu summary").click()
    page.get_by_role("link", name="Where you're signed in").click()
    expect(page.get_by_role("heading", name="Where you're signed in")).to_be_visible()
    check_page(page, "07-where-signed-in")
    for context in (alice, bob, charlie):
        context.close()
