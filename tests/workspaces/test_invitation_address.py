"""An invitation bound to an email is accepted only through that address once it
is confirmed. Reproduction: invite newhire@example.com as admin; someone holding the link adds that
address to their own account (unconfirmed) and accepts."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from avatarapp.workspaces.models import Invitation, Membership
from avatarapp.workspaces.roles import Role
from avatarapp.workspaces.services import (
    WorkspaceError,
    invitation_accept,
    invitation_create,
    invitation_decline,
)
from tests.conftest import World, make_user
from tests.workspaces.mail import confirmation_link, mails_to

NEWHIRE = "newhire@example.com"


def _invite_newhire_as_admin(world: World) -> str:
    return invitation_create(actor=world.membership("owner"), email=NEWHIRE, role=Role.ADMIN).token


def _holder_adds_the_address(world: World) -> Client:
    """Mallory has the link and puts the invited address on her own account, unconfirmed."""
    client = Client()
    client.force_login(make_user("mallory@example.com"))
    client.post(reverse("account_email"), {"email": NEWHIRE, "action_add": ""})
    assert EmailAddress.objects.get(email=NEWHIRE).verified is False
    return client


def _nobody_joined(world: World) -> None:
    assert not Membership.objects.filter(workspace=world.team, user__email="mallory@example.com")
    invitation = Invitation.objects.get()
    assert invitation.accepted_at is None
    assert invitation.declined_at is None


def test_an_unconfirmed_address_cannot_accept_and_gets_a_confirmation_mail(world: World) -> None:
    token = _invite_newhire_as_admin(world)
    client = _holder_adds_the_address(world)
    page = client.get(reverse("invitation", args=[token])).content.decode()
    assert "not confirmed yet" in page
    assert "Accept and join" not in page
    assert "Decline" not in page
    mail.outbox.clear()
    response = client.post(reverse("accept_invitation", args=[token]), follow=True)
    assert f"Confirm {NEWHIRE} before you accept" in response.content.decode()
    _nobody_joined(world)
    # The mail waiting after adding the address still works, so none is sent twice within
    # allauth's three-minute cooldown; later, trying to accept sends a fresh link.
    assert mails_to(NEWHIRE) == []
    cache.clear()
    client.post(reverse("accept_invitation", args=[token]))
    assert confirmation_link(NEWHIRE)
    _nobody_joined(world)


@pytest.mark.parametrize("fresh_link", [True, False], ids=["link-sent-on-accept", "earlier-link"])
def test_confirming_the_address_brings_the_person_back_to_accept(
    fresh_link: bool, world: World
) -> None:
    token = _invite_newhire_as_admin(world)
    client = _holder_adds_the_address(world)
    if fresh_link:
        mail.outbox.clear()
        cache.clear()  # past the cooldown: the refused accept itself mails the link
    refused = client.post(reverse("accept_invitation", args=[token]), follow=True)
    assert "before you accept" in refused.content.decode()
    link = confirmation_link(NEWHIRE)
    confirm_page = client.get(link).content.decode()
    # Whoever reads newhire's mailbox is told whose account the address would join.
    assert "adds it to the account of <strong>mallory@example.com</strong>" in confirm_page
    back = client.post(link, follow=True)
    assert back.redirect_chain[-1][0] == reverse("invitation", args=[token])
    assert "Accept and join" in back.content.decode()
    _nobody_joined(world)  # confirming does not accept on the person's behalf
    joined = client.post(reverse("accept_invitation", args=[token]), follow=True)
    assert "Welcome to Acme marketing, you joined as an admin." in joined.content.decode()
    membership = Membership.objects.get(workspace=world.team, user__email="mallory@example.com")
    assert membership.role == Role.ADMIN


def test_the_service_refuses_an_unconfirmed_address_whatever_page_was_seen(world: World) -> None:
    """The check runs inside invitation_accept's transaction, under the invitation's row lock:
    a page shown earlier, a second tab or a direct POST changes nothing."""
    token = _invite_newhire_as_admin(world)
    holder = make_user("mallory@example.com")
    EmailAddress.objects.create(user=holder, email=NEWHIRE, verified=False)
    with pytest.raises(WorkspaceError, match="not confirmed yet"):
        invitation_accept(token=token, user=holder)
    # Declining would throw the real newhire's invitation away: refused just the same.
    with pytest.raises(WorkspaceError, match="not confirmed yet"):
        invitation_decline(token=token, user=holder)
    _nobody_joined(world)
    EmailAddress.objects.filter(email=NEWHIRE).update(verified=True)
    assert invitation_accept(token=token, user=holder).role == Role.ADMIN


def test_an_address_only_on_the_user_record_is_asked_to_confirm_too(world: World) -> None:
    """An account made by an admin (createsuperuser) has the address on the user, no row."""
    token = _invite_newhire_as_admin(world)
    user = get_user_model().objects.create_user("newhire", NEWHIRE, "x-unused-password")
    client = Client()
    client.force_login(user)
    assert "not confirmed yet" in client.get(reverse("invitation", args=[token])).content.decode()
    client.post(reverse("accept_invitation", args=[token]))
    assert not Membership.objects.filter(workspace=world.team, user=user).exists()
    assert EmailAddress.objects.get(user=user, email=NEWHIRE).verified is False
    assert confirmation_link(NEWHIRE)
