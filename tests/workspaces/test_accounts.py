"""Sign up, log in and out, password reset, email verification, and the personal workspace."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role
from tests.conftest import PASSWORD, World

User = get_user_model()


def _signup(client, email: str):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )


def test_sign_up_lands_in_a_new_personal_workspace(db, client) -> None:
    response = _signup(client, "mia@example.com")
    user = User.objects.get(email="mia@example.com")
    membership = Membership.objects.get(user=user)
    assert membership.workspace.is_personal
    assert membership.role == Role.OWNER
    assert response.wsgi_request.user == user
    assert client.session["workspace_id"] == str(membership.workspace_id)
    assert "Personas" in response.content.decode()
    # A verification email goes out (console backend by default, locmem in tests).
    assert any("mia@example.com" in m.to for m in mail.outbox)


def test_duplicate_email_does_not_create_a_second_account(world: World, client) -> None:
    before = User.objects.count()
    _signup(client, "ALICE@example.com")
    assert User.objects.count() == before
    assert Membership.objects.filter(user=world.owner).count() == 2  # personal + team, unchanged


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
        "generation:gallery",
        "generation:costs",
        "keys:list",
        "workspaces:list",
    ]:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("account_login"))
