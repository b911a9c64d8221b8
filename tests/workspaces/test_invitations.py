"""Invitations: by link and by email, single use, expiring, bound to the invited address."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from avatarapp.workspaces.models import Invitation, Membership, hash_token
from avatarapp.workspaces.roles import Role
from avatarapp.workspaces.services import invitation_create
from tests.conftest import World, make_user


def _invite(world: World, email: str = "", role: str = Role.EDITOR) -> str:
    return invitation_create(actor=world.membership("owner"), email=email, role=role).token


def _accept(client, token: str):
    return client.post(reverse("accept_invitation", args=[token]), follow=True)


def _page_text(response) -> str:
    return response.content.decode()


def test_invite_by_link_shows_link_once_and_stores_only_its_hash(world: World, client_as) -> None:
    response = client_as("admin").post(
        reverse("workspaces:invite", args=[world.team.pk]), {"email": "", "role": "viewer"}
    )
    link = re.search(r'value="(http://testserver/invitations/[^"]+/)"', _page_text(response))
    assert link, "the new invitation link is shown to the inviter"
    token = link.group(1).rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get()
    assert invitation.token_hash == hash_token(token)
    assert token not in invitation.token_hash
    assert len(token) >= 43  # 32 random bytes in URL-safe base64: 256 bits
    # The members page afterwards lists the invitation without the link.
    page = client_as("admin").get(reverse("workspaces:members", args=[world.team.pk]))
    assert token not in _page_text(page)
    assert "Open link" in _page_text(page)


def test_invite_by_email_sends_the_link(world: World, client_as) -> None:
    client_as("owner").post(
        reverse("workspaces:invite", args=[world.team.pk]),
        {"email": "Newcomer@Example.com", "role": "editor"},
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["newcomer@example.com"]
    assert "/invitations/" in mail.outbox[0].body
    assert Invitation.objects.get().email == "newcomer@example.com"


def test_invite_with_a_bad_email_shows_the_error_and_creates_nothing(
    world: World, client_as
) -> None:
    response = client_as("owner").post(
        reverse("workspaces:invite", args=[world.team.pk]),
        {"email": "not-an-email", "role": "editor"},
    )
    assert response.status_code == 200
    assert "Enter a valid email address" in _page_text(response)
    assert not Invitation.objects.exists()


def test_inviting_an_existing_member_is_refused(world: World, client_as) -> None:
    response = client_as("owner").post(
        reverse("workspaces:invite", args=[world.team.pk]),
        {"email": "bob@example.com", "role": "editor"},
    )
    assert "already a member" in _page_text(response)
    assert not Invitation.objects.exists()


def test_personal_workspace_cannot_invite(world: World, client_as) -> None:
    personal = Membership.objects.get(user=world.owner, workspace__is_personal=True).workspace
    response = client_as("owner").post(
        reverse("workspaces:invite", args=[personal.pk]),
        {"email": "", "role": "editor"},
        follow=True,
    )
    assert "Create a team workspace to invite people" in _page_text(response)
    assert not Invitation.objects.exists()


def test_accepting_a_link_makes_a_member_with_the_invited_role(world: World, client) -> None:
    token = _invite(world, role=Role.VIEWER)
    newcomer = make_user("newcomer@example.com")
    client.force_login(newcomer)
    response = _accept(client, token)
    assert "Welcome to Acme marketing" in _page_text(response)
    assert Membership.objects.get(workspace=world.team, user=newcomer).role == Role.VIEWER
    assert client.session["workspace_id"] == str(world.team.pk)


def test_a_used_link_cannot_be_used_again(world: World, client) -> None:
    token = _invite(world)
    first, second = make_user("first@example.com"), make_user("second@example.com")
    client.force_login(first)
    _accept(client, token)
    client.force_login(second)
    response = _accept(client, token)
    assert "already been used" in _page_text(response)
    assert not Membership.objects.filter(workspace=world.team, user=second).exists()
    assert client.get(reverse("invitation", args=[token])).status_code == 410


def test_an_expired_link_is_refused(world: World, client) -> None:
    token = _invite(world)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(make_user("late@example.com"))
    response = _accept(client, token)
    assert "has expired" in _page_text(response)
    assert Membership.objects.filter(workspace=world.team).count() == 4


def test_a_withdrawn_link_is_refused(world: World, client, client_as) -> None:
    token = _invite(world)
    invitation = Invitation.objects.get()
    client_as("owner").post(
        reverse("workspaces:revoke_invitation", args=[world.team.pk, invitation.pk])
    )
    client.force_login(make_user("late@example.com"))
    assert "was withdrawn" in _page_text(_accept(client, token))
    assert Membership.objects.filter(workspace=world.team).count() == 4


def test_an_email_bound_invitation_refuses_another_account(world: World, client) -> None:
    token = _invite(world, email="invited@example.com")
    client.force_login(world.outsider)
    page = client.get(reverse("invitation", args=[token]))
    assert "sent to another email address" in _page_text(page)
    assert "sent to another email address" in _page_text(_accept(client, token))
    assert not Membership.objects.filter(workspace=world.team, user=world.outsider).exists()
    assert Invitation.objects.get().accepted_at is None
    # The invited person can still use it.
    client.force_login(make_user("Invited@example.com"))
    _accept(client, token)
    assert Invitation.objects.get().accepted_at is not None


def test_a_member_accepting_again_keeps_their_role_and_the_invitation(world: World, client) -> None:
    token = _invite(world, role=Role.ADMIN)
    client.force_login(world.viewer)
    assert "already a member" in _page_text(_accept(client, token))
    assert world.membership("viewer").role == Role.VIEWER
    assert Invitation.objects.get().accepted_at is None


def test_declining_closes_the_invitation(world: World, client) -> None:
    token = _invite(world)
    client.force_login(make_user("maybe@example.com"))
    client.post(reverse("decline_invitation", args=[token]))
    assert Invitation.objects.get().declined_at is not None
    assert "was declined" in _page_text(_accept(client, token))


@pytest.mark.parametrize("token", ["nope", "x" * 43, "-_-"])
def test_unknown_tokens_are_404_with_a_message(token: str, world: World, client) -> None:
    response = client.get(reverse("invitation", args=[token]))
    assert response.status_code == 404
    assert "not valid" in _page_text(response)
    client.force_login(world.outsider)
    assert "not valid" in _page_text(_accept(client, token))


def test_anonymous_visitor_is_asked_to_sign_up_and_comes_back(world: World, client) -> None:
    token = _invite(world)
    page = client.get(reverse("invitation", args=[token]))
    assert page.status_code == 200
    assert f"/accounts/signup/?next=/invitations/{token}/" in _page_text(page)
    response = client.post(reverse("accept_invitation", args=[token]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert Invitation.objects.get().accepted_at is None
