"""Provider keys in Debian's Chromium: an admin adds an OpenAI key, sees it checked and masked; an
editor sees only the mask; an outsider gets 404 on the key's URLs."""

from __future__ import annotations

import base64
import os
import secrets
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from avatarapp.keys.models import ProviderKey, Status
from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role
from avatarapp.workspaces.services import workspace_create_team
from tests.browser.support import check_page, post_with_own_token
from tests.conftest import PASSWORD, make_user
from tests.emulator import Emulator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def key_settings(settings: Any, emulator: Emulator) -> Any:
    # live_server runs in this process, so these overrides reach its views.
    settings.KEY_ENCRYPTION_KEYS = f"1:{base64.b64encode(os.urandom(32)).decode()}"
    settings.KEY_FINGERPRINT_SECRET = secrets.token_urlsafe(40)
    settings.OPENAI_BASE_URL = emulator.openai_base_url
    settings.KEY_CHECK_TIMEOUT_SECONDS = 5
    return settings


def _log_in(browser: Browser, base: str, email: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Personas", exact=True)).to_be_visible()
    return context, page


def test_admin_adds_a_key_editor_sees_a_mask_outsider_gets_404(
    live_server: Any, browser: Browser, key_settings: Any, emulator: Emulator
) -> None:
    base = live_server.url
    alice = make_user("alice@example.com")
    team = workspace_create_team(user=alice, name="Acme marketing")
    for email, role in (("dana@example.com", Role.ADMIN), ("bob@example.com", Role.EDITOR)):
        Membership.objects.create(workspace=team, user=make_user(email), role=role)
    make_user("charlie@example.com")
    keys_url = f"{base}/settings/keys/workspace/{team.pk}/"
    plain = "sk-" + "journey" + secrets.token_hex(16)  # built at run time: no key literal

    # Dana, an admin, opens the empty keys page and adds an OpenAI key.
    dana, page = _log_in(browser, base, "dana@example.com")
    page.goto(keys_url)
    expect(page.get_by_text("No provider keys yet.")).to_be_visible()
    check_page(page, "keys-01-empty")

    # A Google key pasted as OpenAI is refused in place, and the field comes back empty.
    page.get_by_label("Provider").select_option("openai")
    page.get_by_label("Name").fill("Marketing OpenAI")
    page.get_by_label("API key").fill("AIza" + "Journey" + secrets.token_hex(16))
    page.get_by_role("button", name="Check and save").click()
    expect(page.get_by_text("That looks like a Google key.")).to_be_visible()
    expect(page.get_by_label("API key")).to_have_value("")
    expect(page.get_by_label("Name")).to_have_value("Marketing OpenAI")
    check_page(page, "keys-02-form-error")

    page.get_by_label("API key").fill(plain)
    page.get_by_role("button", name="Check and save").click()
    expect(page.get_by_text("Saved. “Marketing OpenAI” is valid.")).to_be_visible()
    card = page.locator(".key-card", has_text="Marketing OpenAI")
    expect(card.locator(".key-status")).to_have_text("Valid")
    expect(card.locator(".key-mask")).to_have_text(f"sk-…{plain[-4:]}")
    key = ProviderKey.objects.get()
    assert key.status == Status.VALID
    assert emulator.count(provider="openai", operation="models.list", api_key=plain) == 1
    assert plain not in page.content()
    assert plain[3:-4] not in page.content()
    expect(card).to_contain_text(key.short_fingerprint)
    check_page(page, "keys-03-saved")

    # "Check now" swaps the card in place.
    card.get_by_role("button", name="Check now").click()
    expect(card.get_by_role("status")).to_contain_text("is valid")
    card.get_by_role("link", name="Marketing OpenAI").click()
    expect(page.get_by_role("heading", name="Marketing OpenAI", level=1)).to_be_visible()
    check_page(page, "keys-04-detail")
    page.get_by_role("link", name="Provider keys").first.click()
    page.get_by_role("link", name="Activity").click()
    expect(page.get_by_role("heading", name="Key activity")).to_be_visible()
    expect(page.locator("table.key-events tbody tr")).to_have_count(3)  # added, checked x2
    check_page(page, "keys-05-activity")

    # Bob, an editor in the same workspace, sees the key masked, nothing more.
    bob, bob_page = _log_in(browser, base, "bob@example.com")
    bob_page.goto(keys_url)
    bob_card = bob_page.locator(".key-card", has_text="Marketing OpenAI")
    expect(bob_card.locator(".key-mask")).to_have_text(f"sk-…{plain[-4:]}")
    expect(bob_card.get_by_role("button", name="Check now")).to_have_count(0)
    html = bob_page.content()
    assert plain not in html
    assert plain[3:-4] not in html
    assert key.fingerprint[:8] not in html
    assert key_settings.KEY_FINGERPRINT_SECRET not in html
    check_page(bob_page, "keys-06-editor")

    # Charlie, in no shared workspace, gets 404 on every URL of the key and of the team's keys.
    charlie, charlie_page = _log_in(browser, base, "charlie@example.com")
    for url in (f"{base}/settings/keys/{key.pk}/", keys_url, f"{keys_url}activity/"):
        response = charlie_page.goto(url)
        assert response is not None
        assert response.status == 404, url
    expect(charlie_page.get_by_role("heading", name="Not found")).to_be_visible()
    check_page(charlie_page, "keys-07-outsider-404")
    charlie_page.goto(f"{base}/personas/")  # a page of his own: his session's CSRF token
    for action in ("check", "rename", "revoke", "delete"):
        url = f"{base}/settings/keys/{key.pk}/{action}/"
        api = post_with_own_token(charlie_page, url, form={"label": "Charlie's now"})
        assert api.status == 404, action  # past CSRF: the key is another tenant's
    key.refresh_from_db()
    assert key.status == Status.VALID
    assert key.label == "Marketing OpenAI"

    # Dana revokes it: a confirmation first (hx-confirm), then the key stays listed, unusable.
    page.goto(f"{base}/settings/keys/{key.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke").click()
    expect(
        page.get_by_text("Revoked “Marketing OpenAI”. No job can use it any more.")
    ).to_be_visible()
    expect(page.locator(".key-status")).to_have_text("Revoked")
    key.refresh_from_db()
    assert key.status == Status.REVOKED
    for context in (dana, bob, charlie):
        context.close()
