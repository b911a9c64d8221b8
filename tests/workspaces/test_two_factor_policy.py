"""An owner requires two-factor sign-in for a workspace; a member cannot drop their last second
factor while a workspace of theirs requires one."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from avatarapp.workspaces.models import Workspace
from avatarapp.workspaces.roles import Role
from avatarapp.workspaces.services import workspace_create_team
from tests.conftest import World
from tests.mfa.support import (
    add_passkey_record,
    confirm_password,
    enable_totp,
    signed_in_with_code,
)

REQUIRED_TEXT = "Acme marketing now requires two-factor sign-in."


def _set(client, world: World, value: str):
    return client.post(
        reverse("workspaces:require_two_factor", args=[world.team.pk]),
        {"require": value},
        follow=True,
    )


def test_owner_with_two_factor_turns_the_rule_on_and_off(world: World) -> None:
    client = signed_in_with_code(world.owner, enable_totp(world.owner))
    page = client.get(reverse("workspaces:members", args=[world.team.pk])).content.decode()
    assert "Require two-factor sign-in for everyone" in page
    # The owner sees who will be asked to set it up.
    assert "bob@example.com, dana@example.com, victor@example.com." in page

    page = _set(client, world, "on")
    assert REQUIRED_TEXT in page.content.decode()
    world.team.refresh_from_db()
    assert world.team.require_two_factor

    page = _set(client, world, "off")
    assert "Acme marketing no longer requires two-factor sign-in." in page.content.decode()
    world.team.refresh_from_db()
    assert not world.team.require_two_factor


def test_owner_without_two_factor_is_told_to_set_it_up_first(world: World, client_as) -> None:
    client = client_as("owner")
    page = client.get(reverse("workspaces:members", args=[world.team.pk])).content.decode()
    assert 'first <a href="/accounts/2fa/">set up two-factor sign-in for your own account</a>' in (
        page
    )
    assert "Require two-factor sign-in for everyone" not in page

    page = _set(client, world, "on").content.decode()
    assert "Set up two-factor sign-in for your own account first" in page
    world.team.refresh_from_db()
    assert not world.team.require_two_factor


@pytest.mark.parametrize("role", ["admin", "editor", "viewer"])
def test_only_owners_change_the_rule(role: str, world: World, client_as) -> None:
    enable_totp(world.user(role))
    client = client_as(role)
    page = client.get(reverse("workspaces:members", args=[world.team.pk])).content.decode()
    assert "Require two-factor sign-in" not in page
    response = client.post(
        reverse("workspaces:require_two_factor", args=[world.team.pk]), {"require": "on"}
    )
    assert response.status_code == 403
    world.team.refresh_from_db()
    assert not world.team.require_two_factor


def test_outsider_gets_404(world: World, client_as) -> None:
    response = client_as("outsider").post(
        reverse("workspaces:require_two_factor", args=[world.team.pk]), {"require": "on"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["", "yes", "ON"])
def test_a_bad_choice_is_refused_and_changes_nothing(value: str, world: World, client_as) -> None:
    enable_totp(world.owner)
    page = _set(client_as("owner"), world, value).content.decode()
    assert "Choose whether to require two-factor sign-in." in page
    world.team.refresh_from_db()
    assert not world.team.require_two_factor


def test_a_personal_workspace_offers_no_rule(world: World, client_as) -> None:
    enable_totp(world.owner)
    personal = world.owner.memberships.get(workspace__is_personal=True).workspace
    client = client_as("owner")
    page = client.get(reverse("workspaces:members", args=[personal.pk])).content.decode()
    assert "Two-factor sign-in</h2>" not in page
    response = client.post(
        reverse("workspaces:require_two_factor", args=[personal.pk]), {"require": "on"}, follow=True
    )
    assert "A personal workspace is yours alone" in response.content.decode()
    personal.refresh_from_db()
    assert not personal.require_two_factor


def test_members_see_the_rule_but_no_control(world: World) -> None:
    client = signed_in_with_code(world.editor, enable_totp(world.editor))
    world.team.require_two_factor = True
    world.team.save()
    page = client.get(reverse("workspaces:members", args=[world.team.pk]))
    html = page.content.decode()
    assert "Everyone in Acme marketing signs in with a password and a code" in html
    assert "Stop requiring" not in html


# --- Removing the last authenticator --------------------------------------------------------


def test_last_authenticator_stays_while_a_workspace_requires_it(world: World, client_as) -> None:
    enable_totp(world.editor)
    beta = workspace_create_team(user=world.owner, name="Beta launch")
    beta.memberships.create(user=world.editor, role=Role.VIEWER)
    Workspace.objects.filter(pk__in=[world.team.pk, beta.pk]).update(require_two_factor=True)
    client = client_as("editor")
    confirm_password(client)
    expected = (
        "You cannot turn off two-factor sign-in while Acme marketing and Beta launch require it."
    )
    page = client.get(reverse("mfa_deactivate_totp")).content.decode()
    assert expected in page
    assert ">Turn off</button>" not in page
    page = client.post(reverse("mfa_deactivate_totp"), follow=True).content.decode()
    assert expected in page
    assert Authenticator.objects.filter(user=world.editor, type="totp").exists()
    assert Authenticator.objects.filter(user=world.editor, type="recovery_codes").exists()


def test_without_the_rule_two_factor_can_be_turned_off(world: World, client_as) -> None:
    enable_totp(world.editor)
    client = client_as("editor")
    confirm_password(client)
    page = client.post(reverse("mfa_deactivate_totp"), follow=True).content.decode()
    assert "Two-factor sign-in is off" in page
    assert not Authenticator.objects.filter(user=world.editor).exists()


def test_last_passkey_stays_while_a_workspace_requires_it(world: World, client_as) -> None:
    passkey = add_passkey_record(world.editor)
    Workspace.objects.filter(pk=world.team.pk).update(require_two_factor=True)
    client = client_as("editor")
    confirm_password(client)
    url = reverse("mfa_remove_webauthn", args=[passkey.pk])
    expected = "You cannot turn off two-factor sign-in while Acme marketing requires it."
    page = client.get(url).content.decode()
    assert expected in page
    assert ">Remove</button>" not in page
    page = client.post(url, follow=True).content.decode()
    assert expected in page
    assert Authenticator.objects.filter(pk=passkey.pk).exists()


def test_a_passkey_can_go_while_another_second_factor_stays(world: World, client_as) -> None:
    enable_totp(world.editor)
    passkey = add_passkey_record(world.editor)
    Workspace.objects.filter(pk=world.team.pk).update(require_two_factor=True)
    client = client_as("editor")
    confirm_password(client)
    page = client.post(reverse("mfa_remove_webauthn", args=[passkey.pk]), follow=True)
    assert "Passkey removed." in page.content.decode()
    assert not Authenticator.objects.filter(pk=passkey.pk).exists()
    assert Authenticator.objects.filter(user=world.editor, type="totp").exists()
