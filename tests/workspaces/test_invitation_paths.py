"""Every way from an invitation link to an account keeps the invitation, and
accepting lands on the team's Personas page with a welcome line. Reproduction: the header's
"Sign up" on an invitation page dropped it, and the new colleague landed in an empty personal
workspace with no hint."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role
from avatarapp.workspaces.services import invitation_create
from tests.conftest import PASSWORD, World, make_user
from tests.markup import attribute, find, find_all, text
from tests.workspaces.mail import confirmation_link

NEWCOMER = "newcomer@example.com"


@pytest.fixture
def token(world: World) -> str:
    return invitation_create(actor=world.membership("owner"), email="", role=Role.EDITOR).token


def _invitation(token: str) -> str:
    return reverse("invitation", args=[token])


def _sign_up(client: Client, path: str = "") -> None:
    """The sign-up form, as reached from `path` (a link's ?next= included)."""
    response = client.post(
        path or reverse("account_signup"),
        {"email": NEWCOMER, "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )
    assert "Check your inbox" in response.content.decode()


def _confirm(client: Client) -> str:
    """Open the link in the mail and confirm; the path the person lands on."""
    link = confirmation_link(NEWCOMER)
    landed = client.post(link, follow=True)
    assert landed.status_code == 200
    return landed.redirect_chain[-1][0]


def test_the_headers_sign_up_and_log_in_carry_the_invitation(token: str, client: Client) -> None:
    page = client.get(_invitation(token)).content.decode()
    header = find(page, "nav", aria_label="Account")
    links = {text(a): attribute(a, "href") for a in find_all(str(header), "a")}
    back = f"?next=/invitations/{token}/"
    assert links == {
        "Log in": reverse("account_login") + back,
        "Sign up": reverse("account_signup") + back,
    }
    # On the sign-up page reached that way, the header's "Log in" keeps it too.
    signup = client.get(reverse("account_signup") + back).content.decode()
    header = find(signup, "nav", aria_label="Account")
    assert attribute(find_all(str(header), "a")[0], "href") == reverse("account_login") + back


@pytest.mark.parametrize(
    "through", ["header-with-next", "plain-sign-up-page"], ids=["next", "no-next"]
)
def test_signing_up_and_confirming_the_address_comes_back_to_the_invitation(
    through: str, world: World, token: str, client: Client
) -> None:
    client.get(_invitation(token))
    back = f"?next=/invitations/{token}/" if through == "header-with-next" else ""
    _sign_up(client, reverse("account_signup") + back)
    assert _confirm(client) == _invitation(token)


def test_confirming_on_another_device_then_logging_in_here_comes_back(
    world: World, token: str, client: Client
) -> None:
    client.get(_invitation(token))
    _sign_up(client)
    phone = Client()
    assert _confirm(phone) == reverse("account_login")  # confirmed, not signed in there
    landed = client.post(
        reverse("account_login"), {"login": NEWCOMER, "password": PASSWORD}, follow=True
    )
    assert landed.redirect_chain[-1][0] == _invitation(token)


def test_logging_in_from_the_invitation_comes_back_to_it(
    world: World, token: str, client: Client
) -> None:
    make_user(NEWCOMER)
    client.get(_invitation(token))
    landed = client.post(
        reverse("account_login"), {"login": NEWCOMER, "password": PASSWORD}, follow=True
    )
    assert landed.redirect_chain[-1][0] == _invitation(token)
    # Arrived: the next sign-in goes to the usual first page.
    client.logout()
    again = client.post(
        reverse("account_login"), {"login": NEWCOMER, "password": PASSWORD}, follow=True
    )
    assert again.redirect_chain[-1][0] == reverse("personas:list")


def test_accepting_lands_on_the_teams_personas_with_a_welcome(
    world: World, token: str, client: Client
) -> None:
    client.force_login(make_user(NEWCOMER))
    landed = client.post(reverse("accept_invitation", args=[token]), follow=True)
    assert landed.redirect_chain[-1][0] == reverse("personas:list")
    page = landed.content.decode()
    assert "Welcome to Acme marketing, you joined as an editor." in page
    assert landed.context["current_workspace"] == world.team
    assert Membership.objects.get(workspace=world.team, user__email=NEWCOMER).role == Role.EDITOR
