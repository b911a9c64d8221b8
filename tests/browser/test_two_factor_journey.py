"""Two-factor sign-in in Debian's Chromium: a marketer turns on an authenticator app by reading
the setup key the page shows, saves recovery codes, and signs in again with a fresh code; another
adds a passkey (Chromium's virtual authenticator, through the DevTools protocol) and signs in with
it; an owner requires two-factor sign-in for the team, and a member without it is sent to set it
up."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import Browser, BrowserContext, CDPSession, Page, expect

from avatarapp.workspaces.models import Membership, Workspace
from avatarapp.workspaces.roles import Role
from avatarapp.workspaces.services import workspace_create_team
from tests.browser.support import check_page
from tests.conftest import PASSWORD, make_user
from tests.mfa.support import enable_totp, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """Used codes and sign-in rate limits live in the cache: nothing carried in or left over."""
    cache.clear()
    yield
    cache.clear()


def _sign_in_with_password(page: Page, base: str, email: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def _signed_in_without_code(browser: Browser, base: str, email: str) -> tuple[BrowserContext, Page]:
    """A new browser signed in by password alone: the account has no two-factor sign-in yet."""
    context = browser.new_context()
    page = context.new_page()
    _sign_in_with_password(page, base, email)
    expect(page.get_by_role("heading", name="Personas", exact=True)).to_be_visible()
    return context, page


def _confirm_password(page: Page) -> None:
    """allauth asks for the password again before a two-factor change."""
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()


def _set_up_authenticator_app(page: Page, screenshots: str) -> tuple[str, list[str]]:
    """On the setup page: read the key, type the code an app would show; returns the key and
    the recovery codes the next page shows."""
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    check_page(page, f"{screenshots}-setup")
    secret = page.get_by_label("Cannot scan? Type this setup key instead").input_value()
    page.get_by_label("Enter the 6-digit code the app shows").fill(
        totp_code(secret, seconds_left=5)
    )
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_text("Two-factor sign-in is on")).to_be_visible()
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    codes = page.get_by_role("list", name="Unused recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    check_page(page, f"{screenshots}-recovery-codes")
    return secret, [code.strip() for code in codes.all_inner_texts()]


def test_turn_on_an_authenticator_app_and_sign_in_with_it(
    live_server: Any, browser: Browser
) -> None:
    base = live_server.url
    make_user("alice@example.com")
    context, page = _signed_in_without_code(browser, base, "alice@example.com")

    # The account menu leads to two-factor sign-in, off for now.
    page.locator(".usermenu summary").click()
    page.get_by_role("link", name="Two-factor sign-in").click()
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    expect(page.get_by_text("Off. Any authenticator app works")).to_be_visible()
    check_page(page, "mfa-01-index-off")
    page.get_by_role("link", name="Set up an authenticator app").click()
    _confirm_password(page)
    secret, recovery = _set_up_authenticator_app(page, "mfa-02")
    assert len(set(recovery)) == 10
    assert all(len(code) == 8 for code in recovery)

    page.get_by_role("link", name="Done, continue").click()
    expect(page.get_by_role("heading", name="Personas", exact=True)).to_be_visible()
    page.locator(".usermenu summary").click()
    page.get_by_role("button", name="Log out").click()

    # Signing in again asks for a code after the password; a fresh one from the app works.
    _sign_in_with_password(page, base, "alice@example.com")
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    check_page(page, "mfa-03-enter-code")
    page.get_by_label("Code").fill(totp_code(secret, seconds_left=5))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Personas", exact=True)).to_be_visible()

    page.goto(base + "/accounts/2fa/")
    expect(
        page.get_by_text("Signing in asks for the code your authenticator app shows")
    ).to_be_visible()
    expect(page.get_by_text("10 of 10 unused")).to_be_visible()
    check_page(page, "mfa-04-index-on")
    context.close()


def test_owner_requires_two_factor_and_a_member_without_it_is_sent_to_set_it_up(
    live_server: Any, browser: Browser
) -> None:
    base = live_server.url
    alice = make_user("alice@example.com")
    secret = enable_totp(alice)
    team = workspace_create_team(user=alice, name="Acme marketing")
    Membership.objects.create(workspace=team, user=make_user("bob@example.com"), role=Role.EDITOR)
    members_url = f"{base}/workspaces/{team.pk}/members/"

    # Alice, the owner, signs in with her code and requires two-factor sign-in for the team.
    owner = browser.new_context()
    page = owner.new_page()
    _sign_in_with_password(page, base, "alice@example.com")
    page.get_by_label("Code").fill(totp_code(secret, seconds_left=5))
    page.get_by_role("button", name="Sign in").click()
    page.goto(members_url)
    expect(page.get_by_text("Without two-factor sign-in yet: bob@example.com.")).to_be_visible()
    page.get_by_role("button", name="Require two-factor sign-in for everyone").click()
    expect(page.get_by_text("Acme marketing now requires two-factor sign-in.")).to_be_visible()
    check_page(page, "mfa-05-members-required")
    assert Workspace.objects.get(pk=team.pk).require_two_factor

    # Bob, without it, signs in to his personal workspace and switches to the team: he is sent
    # to set it up, told which workspace asks for it.
    member, bob = _signed_in_without_code(browser, base, "bob@example.com")
    bob.locator(".switcher summary").click()
    bob.get_by_role("button", name="Acme marketing").click()
    expect(bob.get_by_text("Acme marketing requires two-factor sign-in.")).to_be_visible()
    check_page(bob, "mfa-06-member-sent-to-setup")
    # The team's pages stay closed, even by URL, until he has it.
    bob.goto(members_url)
    expect(bob.get_by_text("Acme marketing requires two-factor sign-in.")).to_be_visible()
    bob.get_by_role("link", name="Set up an authenticator app").click()
    _confirm_password(bob)
    _set_up_authenticator_app(bob, "mfa-07-member")

    bob.goto(members_url)
    expect(bob.get_by_role("heading", name="Acme marketing")).to_be_visible()
    expect(
        bob.get_by_text("Everyone in Acme marketing signs in with a password and a code")
    ).to_be_visible()
    for context in (owner, member):
        context.close()


def _virtual_authenticator(page: Page) -> tuple[CDPSession, str]:
    """A platform authenticator (like a laptop's fingerprint reader) that says yes by itself."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    added = devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return devtools, added["authenticatorId"]


def test_add_a_passkey_and_sign_in_with_it(live_server: Any, browser: Browser) -> None:
    base = live_server.url
    make_user("alice@example.com")
    context, page = _signed_in_without_code(browser, base, "alice@example.com")
    devtools, authenticator_id = _virtual_authenticator(page)

    page.goto(base + "/accounts/2fa/")
    page.get_by_role("link", name="Add a passkey or security key").click()
    _confirm_password(page)
    expect(page.get_by_role("heading", name="Add a passkey or security key")).to_be_visible()
    check_page(page, "mfa-08-add-passkey")
    page.get_by_label("Name, to tell your keys apart").fill("Work laptop")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Passkey added")).to_be_visible()
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    held = devtools.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert [credential["rpId"] for credential in held["credentials"]] == ["localhost"]

    page.locator(".usermenu summary").click()
    page.get_by_role("button", name="Log out").click()
    _sign_in_with_password(page, base, "alice@example.com")
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    check_page(page, "mfa-09-enter-code-or-passkey")
    page.get_by_role("button", name="Use a passkey or security key").click()
    expect(page.get_by_role("heading", name="Personas", exact=True)).to_be_visible()

    page.goto(base + "/accounts/2fa/webauthn/")
    expect(page.get_by_role("link", name="Remove Work laptop")).to_be_visible()
    expect(page.locator(".rows li")).to_contain_text("last used")
    check_page(page, "mfa-10-passkeys")
    context.close()
