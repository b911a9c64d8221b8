"""Sign up, log in and out, password reset, email verification, and the personal workspace."""

from __future__ import annotations

import time

import pytest
from allauth.account import app_settings as allauth_account_settings
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role
from tests.conftest import PASSWORD, World
from tests.workspaces.mail import confirmation_link, mails_to

User = get_user_model()


def _signup(client, email: str):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )


def _main(response, typed_email: str) -> str:
    """What the person reads: the page's <main>, with the address they typed blanked out."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return main.replace(typed_email, "EMAIL")


def test_sign_up_says_check_your_inbox_and_the_link_opens_the_personal_workspace(
    db, client
) -> None:
    response = _signup(client, "mia@example.com")
    assert "Check your inbox" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated  # not before the address is confirmed
    user = User.objects.get(email="mia@example.com")
    link = confirmation_link("mia@example.com")
    page = client.get(link)
    assert "Confirm that <strong>mia@example.com</strong> is yours" in page.content.decode()
    response = client.post(link, follow=True)
    assert response.wsgi_request.user == user
    assert EmailAddress.objects.get(user=user).verified
    membership = Membership.objects.get(user=user)
    assert membership.workspace.is_personal
    assert membership.role == Role.OWNER
    assert client.session["workspace_id"] == str(membership.workspace_id)
    assert "Personas" in response.content.decode()


def test_sign_up_answers_the_same_for_a_known_address(world: World) -> None:
    """Sign-up does not say "A user is already registered with this email address"; the owner of the
    known address is told by email instead."""
    users_before = User.objects.count()
    new = _signup(Client(), "newcomer@example.com")
    known = _signup(Client(), "ALICE@example.com")
    assert new.status_code == known.status_code == 200
    assert [url for url, _ in new.redirect_chain] == [url for url, _ in known.redirect_chain]
    assert _main(new, "newcomer@example.com") == _main(known, "alice@example.com")
    assert "already" not in _main(known, "alice@example.com")
    # One account more (the newcomer's, waiting for confirmation); Alice's is untouched.
    assert User.objects.count() == users_before + 1
    assert Membership.objects.filter(user=world.owner).count() == 2  # personal + team
    assert world.owner.check_password(PASSWORD)
    (to_alice,) = mails_to("alice@example.com")
    assert "already exists" in to_alice.body
    assert "/accounts/password/reset/" in to_alice.body
    assert "/accounts/confirm-email/" not in to_alice.body
    assert confirmation_link("newcomer@example.com")


def test_logging_in_before_confirming_lets_nobody_in_and_sends_a_new_link(db, client) -> None:
    _signup(client, "mia@example.com")
    mail.outbox.clear()
    cache.clear()  # past allauth's three-minute wait between two confirmation mails
    response = client.post(
        reverse("account_login"), {"login": "mia@example.com", "password": PASSWORD}, follow=True
    )
    assert not response.wsgi_request.user.is_authenticated
    assert "Check your inbox" in response.content.decode()
    assert confirmation_link("mia@example.com")


def _signed_days_ago(days: int, value: object) -> str:
    """A confirmation key made `days` ago: allauth's HMAC key, signed with a clock set back."""

    class Backdated(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(int(time.time()) - days * 86400)

    return Backdated(salt=allauth_account_settings.SALT).sign_object(value)


@pytest.mark.parametrize(
    "make_key",
    [
        pytest.param(lambda address: "forged-" + signing.dumps(address.pk), id="forged"),
        pytest.param(lambda address: _signed_days_ago(4, address.pk), id="expired"),
        pytest.param(lambda address: _signed_days_ago(0, address.pk + 1000), id="another-row"),
    ],
)
def test_a_bad_confirmation_link_confirms_nothing(make_key, db, client) -> None:
    _signup(client, "mia@example.com")
    address = EmailAddress.objects.get(email="mia@example.com")
    link = reverse("account_confirm_email", args=[make_key(address)])
    page = client.get(link)
    assert "This confirmation link has expired or is not valid" in page.content.decode()
    assert 'type="submit">Confirm<' not in page.content.decode()
    assert client.post(link).status_code == 404  # posted anyway, past the page
    assert not client.get(reverse("personas:list")).wsgi_request.user.is_authenticated
    address.refresh_from_db()
    assert not address.verified


def test_a_used_confirmation_link_confirms_nothing_again(db, client) -> None:
    _signup(client, "mia@example.com")
    link = confirmation_link("mia@example.com")
    client.post(link)
    client.post(reverse("account_logout"))
    assert "expired or is not valid" in client.get(link).content.decode()
    assert client.post(link).status_code == 404
    assert not client.get(reverse("personas:list")).wsgi_request.user.is_authenticated


def test_weak_password_is_refused_with_a_message(db, client) -> None:
    response = client.post(
        reverse("account_signup"),
        {"email": "weak@example.com", "password1": "123", "password2": "123"},
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    assert not User.objects.filter(email="weak@example.com").exists()


def test_log_in_and_out(world: World, client) -> None:
    response = client.post(
        reverse("account_login"), {"login": "bob@example.com", "password": PASSWORD}, follow=True
    )
    assert response.wsgi_request.user == world.editor
    response = client.post(reverse("account_logout"), follow=True)
    assert not response.wsgi_request.user.is_authenticated


def test_wrong_password_is_refused(world: World, client) -> None:
    response = client.post(
        reverse("account_login"), {"login": "bob@example.com", "password": "wrong-password"}
    )
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_password_reset_sends_a_working_link(world: World, client) -> None:
    client.post(reverse("account_reset_password"), {"email": "bob@example.com"})
    assert len(mail.outbox) == 1
    link = next(word for word in mail.outbox[0].body.split() if "/password/reset/key/" in word)
    page = client.get(link, follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    client.post(
        form_url, {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"}
    )
    world.editor.refresh_from_db()
    assert world.editor.check_password("a-brand-new-passphrase")


def test_pages_need_a_login(db, client) -> None:
    for name in [
        "personas:list",
        "generation:generate",
        "gallery:gallery",
        "generation:costs",
        "keys:list",
        "workspaces:list",
    ]:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("account_login"))
