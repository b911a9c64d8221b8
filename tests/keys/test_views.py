"""The keys pages: add (checked live), list masked, check now, rename, revoke, delete, the trail,
duplicates, and what each role sees."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from avatarapp.keys.models import KeyEvent, ProviderKey, Status
from avatarapp.workspaces.models import Membership
from catalog import Provider
from generation.templatetags.keys_tags import key_mask
from tests.conftest import World
from tests.emulator import Emulator
from tests.keys.factories import bfl_key, google_key, openai_key, store_key
from tests.markup import find, find_all
from tests.markup import text as text_of


def _add(client: Client, world: World, key: str, **extra: str) -> Any:
    data = {"endpoint": "openai", "label": "Marketing OpenAI", "api_key": key, "scope": "workspace"}
    return client.post(reverse("keys:add", args=[world.team.pk]), {**data, **extra}, follow=True)


def test_an_admin_adds_a_key_and_sees_it_checked_and_masked(
    world: World, client_as: Any, provider_urls: Emulator
) -> None:
    plain = openai_key()
    response = _add(client_as("admin"), world, plain)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("keys:workspace", args=[world.team.pk])
    assert "Saved. “Marketing OpenAI” is valid. OpenAI accepted this key." in page
    key = ProviderKey.objects.get()
    assert f"sk-…{plain[-4:]}" in page
    assert key.short_fingerprint in page
    assert plain not in page
    assert plain[3:-4] not in page
    assert key.status == Status.VALID
    assert key.created_by == world.admin
    assert key.owner is None


def test_htmx_add_redirects_the_browser_and_errors_swap_the_form(
    world: World, client_as: Any, provider_urls: Emulator
) -> None:
    client = client_as("admin")
    url = reverse("keys:add", args=[world.team.pk])
    data = {"endpoint": "openai", "label": "A", "api_key": openai_key(), "scope": "workspace"}
    ok = client.post(url, data, HTTP_HX_REQUEST="true")
    assert ok.status_code == 200
    assert ok["HX-Redirect"] == reverse("keys:workspace", args=[world.team.pk])
    bad = client.post(url, {**data, "api_key": "sk-nope"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 200
    body = bad.content.decode()
    assert body.lstrip().startswith('<section class="card" id="add-key"')
    assert "An OpenAI key starts with sk-" in body


def test_a_duplicate_key_is_refused_with_the_name_it_has(
    world: World, client_as: Any, provider_urls: Emulator
) -> None:
    plain = openai_key()
    store_key(world.membership("admin"), plain, label="First copy")
    page = _add(client_as("owner"), world, plain, label="Second copy").content.decode()
    assert "This key is already saved as the workspace key “First copy”." in page
    assert ProviderKey.objects.count() == 1
    # A member's personal copy equal to the workspace key is refused too: they can use it.
    page = _add(client_as("editor"), world, plain, scope="personal").content.decode()
    assert "already saved as the workspace key “First copy”" in page
    # Someone else's personal key is never revealed: an equal workspace key is accepted.
    secret_of_bob = openai_key()
    store_key(world.membership("editor"), secret_of_bob, label="Bob's own", personal=True)
    page = _add(client_as("admin"), world, secret_of_bob, label="Team copy").content.decode()
    assert "Bob's own" not in page
    assert ProviderKey.objects.filter(label="Team copy").exists()


def test_personal_keys_are_seen_only_by_their_owner(world: World, client_as: Any) -> None:
    store_key(world.membership("admin"), label="Team key")
    mine = store_key(world.membership("editor"), label="Bob private", personal=True)
    url = reverse("keys:workspace", args=[world.team.pk])
    for role in ("owner", "admin", "viewer"):
        page = client_as(role).get(url).content.decode()
        assert "Team key" in page
        assert "Bob private" not in page
        assert client_as(role).get(reverse("keys:detail", args=[mine.pk])).status_code == 404
    page = client_as("editor").get(url).content.decode()
    assert "Bob private" in page
    assert key_mask(mine) in page
    assert mine.short_fingerprint in page


def test_each_key_card_names_its_provider_region_and_mask_as_people_know_them(
    world: World, client_as: Any
) -> None:
    admin = world.membership("admin")
    tail = "Wxyz"
    store_key(admin, bfl_key() + tail, provider=Provider.BFL, label="Global", region="global")
    store_key(admin, bfl_key() + tail, provider=Provider.BFL, label="Europe", region="eu")
    store_key(admin, google_key() + tail, provider=Provider.GOOGLE, label="Gemini")
    store_key(admin, openai_key() + tail, provider=Provider.OPENAI_COMPATIBLE, label="Server")
    store_key(admin, openai_key() + tail, label="Images")
    page = client_as("admin").get(reverse("keys:workspace", args=[world.team.pk])).content.decode()
    cards = {
        text_of(find(str(card), "h3")): text_of(find(str(card), "p", **{"class": "key-meta"}))
        for card in find_all(page, "article")
    }
    assert cards["Global"].startswith(f"Black Forest Labs Workspace key Key …{tail}")
    assert cards["Europe"].startswith(f"Black Forest Labs (EU) Workspace key Key …{tail}")
    assert cards["Gemini"].startswith(f"Google Gemini Workspace key Key AIza…{tail}")
    assert cards["Server"].startswith(f"OpenAI-compatible server Workspace key Key …{tail}")
    assert cards["Images"].startswith(f"OpenAI Workspace key Key sk-…{tail}")
    assert page.count("Credits left") == 2


def test_what_each_role_sees_of_a_workspace_key(world: World, client_as: Any) -> None:
    key = store_key(world.membership("admin"), label="Team key", provider=Provider.BFL,
                    plain=bfl_key(), balance=12)  # fmt: skip
    url = reverse("keys:workspace", args=[world.team.pk])
    admin = client_as("admin").get(url).content.decode()
    editor = client_as("editor").get(url).content.decode()
    viewer = client_as("viewer").get(url).content.decode()
    assert key_mask(key) in admin
    assert key.short_fingerprint in admin
    assert "Credits left" in admin
    assert key_mask(key) in editor
    assert key.short_fingerprint not in editor
    assert "Credits left" in editor
    assert "Team key" in viewer
    assert "Valid" in viewer
    assert key_mask(key) not in viewer
    assert key.short_fingerprint not in viewer
    assert "Check now" in admin
    assert "Check now" not in editor
    assert "Check now" not in viewer
    assert "Add a personal key" in editor
    assert "Add a" not in viewer


def test_check_now_swaps_the_card_for_htmx(
    world: World, client_as: Any, provider_urls: Emulator
) -> None:
    plain = bfl_key()
    provider_urls.set_credits(plain, 42)
    key = store_key(world.membership("admin"), plain, provider=Provider.BFL, status="unchecked")
    response = client_as("admin").post(
        reverse("keys:check", args=[key.pk]), {"next": "/settings/keys/"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert body.lstrip().startswith(f'<article class="key-card" id="key-{key.pk}"')
    assert "credits left" in body
    assert "Valid" in body
    key.refresh_from_db()
    assert key.status == Status.VALID
    assert key.balance == 42


def test_check_now_without_htmx_redirects_back_with_a_message(world: World, client_as: Any) -> None:
    key = store_key(world.membership("admin"))
    response = client_as("owner").post(reverse("keys:check", args=[key.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("keys:detail", args=[key.pk])
    assert "is saved but unchecked: Could not reach OpenAI." in response.content.decode()


def test_rename_revoke_delete_and_the_trail(world: World, client_as: Any) -> None:
    admin = client_as("admin")
    key = store_key(world.membership("admin"), label="Old name")
    admin.post(reverse("keys:rename", args=[key.pk]), {"label": "New name"})
    blank = admin.post(reverse("keys:rename", args=[key.pk]), {"label": "  "})
    assert "Give the key a name." in blank.content.decode()
    revoke = admin.post(reverse("keys:revoke", args=[key.pk]), HTTP_HX_REQUEST="true")
    assert revoke["HX-Redirect"] == reverse("keys:detail", args=[key.pk])
    key.refresh_from_db()
    assert (key.label, key.status, key.revoked_by) == ("New name", Status.REVOKED, world.admin)
    detail = admin.get(reverse("keys:detail", args=[key.pk])).content.decode()
    assert "Revoked on" in detail
    assert "Check now" not in detail
    again = admin.post(reverse("keys:revoke", args=[key.pk]), follow=True).content.decode()
    assert "is already revoked" in again

    gone = admin.post(reverse("keys:delete", args=[key.pk]), follow=True)
    assert "Deleted “New name”." in gone.content.decode()
    assert not ProviderKey.objects.exists()
    trail = admin.get(reverse("keys:activity", args=[world.team.pk])).content.decode()
    for text in ("Renamed from “Old name”.", "Revoked", "Deleted", key.last4, "dana@example.com"):
        assert text in trail
    actions = [e.action for e in KeyEvent.objects.order_by("at", "id")]
    assert actions == ["renamed", "revoked", "deleted"]


def test_the_trail_hides_other_members_personal_keys(world: World, client_as: Any) -> None:
    store_key(world.membership("owner"), label="Alice private", personal=True)
    from avatarapp.keys import services

    services.key_rename(key=ProviderKey.objects.get(), label="Alice private 2", actor=world.owner)
    admin_trail = client_as("admin").get(reverse("keys:activity", args=[world.team.pk]))
    owner_trail = client_as("owner").get(reverse("keys:activity", args=[world.team.pk]))
    assert "Alice private" not in admin_trail.content.decode()
    assert "Alice private 2" in owner_trail.content.decode()


def test_the_current_workspace_page_lists_its_keys(world: World, client_as: Any) -> None:
    client = client_as("admin")
    client.post(reverse("workspaces:switch", args=[world.team.pk]), {"next": "/"})
    store_key(world.membership("admin"), label="Team key")
    page = client.get(reverse("keys:list")).content.decode()
    assert "Team key" in page
    assert "Acme marketing" in page


def test_an_empty_workspace_says_what_to_do(world: World, client_as: Any) -> None:
    admin = client_as("admin").get(reverse("keys:workspace", args=[world.team.pk]))
    viewer = client_as("viewer").get(reverse("keys:workspace", args=[world.team.pk]))
    assert "No provider keys yet." in admin.content.decode()
    assert "Add one below" in admin.content.decode()
    assert "An owner or admin can add one." in viewer.content.decode()


def test_the_list_page_makes_a_constant_number_of_queries(
    world: World, client_as: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_as("admin")
    url = reverse("keys:workspace", args=[world.team.pk])
    store_key(world.membership("admin"), label="k0")
    client.get(url)
    with django_assert_max_num_queries(12) as first:
        client.get(url)
    for index in range(1, 8):
        store_key(world.membership("admin"), label=f"k{index}")
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(url)


def test_in_a_personal_workspace_the_owner_manages_every_key(world: World, client_as: Any) -> None:
    own = Membership.objects.get(user=world.editor, workspace__is_personal=True)
    client = client_as("editor")
    page = client.get(reverse("keys:workspace", args=[own.workspace_id])).content.decode()
    assert "Only you use keys in your personal workspace." in page
    assert "Add a key" in page
    data = {"endpoint": "bfl", "label": "Mine", "api_key": bfl_key(), "scope": "workspace"}
    client.post(reverse("keys:add", args=[own.workspace_id]), data)
    key = ProviderKey.objects.get(workspace_id=own.workspace_id)
    assert key.owner is None  # a workspace key of a workspace only its owner can enter
    assert client.post(reverse("keys:revoke", args=[key.pk])).status_code == 302
