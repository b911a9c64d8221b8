"""A member without two-factor sign-in cannot open a workspace that requires it: not its pages,
not its objects by URL, not its htmx fragments. They keep their other workspaces, their account
pages and the setup itself."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode

from avatarapp.workspaces.access import SESSION_KEY
from personas import services as persona_services
from personas.reference_files import prepare_reference
from tests.conftest import World
from tests.generation.conftest import submit_builtin
from tests.keys.factories import store_key
from tests.mfa.support import (
    add_passkey_record,
    confirm_password,
    enable_totp,
    signed_in_with_code,
    totp_code,
)
from tests.personas import images
from tests.personas.conftest import make_persona

SETUP_URL = "/accounts/2fa/"
MESSAGE = "Acme marketing requires two-factor sign-in. Set it up here to open Acme marketing"


@dataclass
class Team:
    """The team's objects, one of each kind a URL can name."""

    workspace: Any
    persona: Any
    reference: Any
    job: Any
    image: Any
    key: Any
    owner_secret: str


@pytest.fixture
def team(world: World) -> Team:
    owner_secret = enable_totp(world.owner)
    world.team.require_two_factor = True
    world.team.save()
    owner = world.membership("owner")
    job = submit_builtin(owner)
    persona = make_persona(world.team, created_by=world.owner)
    [reference] = persona_services.reference_add(
        persona=persona,
        user=world.owner,
        prepared=[prepare_reference(images.png())],
    )
    return Team(
        workspace=world.team,
        persona=persona,
        reference=reference,
        job=job,
        image=job.images.get(),
        key=store_key(owner),
        owner_secret=owner_secret,
    )


# Pages that show the current workspace (from the session).
CURRENT_WORKSPACE_PAGES = [
    "personas:list",
    "personas:create",
    "personas:styles",
    "generation:generate",
    "gallery:gallery",
    "generation:costs",
    "keys:list",
]

# Pages and files that name the team's objects in their URL.
BY_URL: list[tuple[str, Callable[[Team], list[Any]]]] = [
    ("workspaces:members", lambda t: [t.workspace.pk]),
    ("personas:detail", lambda t: [t.persona.pk]),
    ("personas:edit", lambda t: [t.persona.pk]),
    ("personas:portrait", lambda t: [t.persona.pk]),
    ("personas:reference_file", lambda t: [t.persona.pk, t.reference.pk, "thumb"]),
    ("generation:job", lambda t: [t.job.pk]),
    ("gallery:image", lambda t: [t.image.pk]),
    ("gallery:image_download", lambda t: [t.image.pk]),
    ("generation:image_file", lambda t: [t.image.pk, "thumbnail"]),
    ("keys:workspace", lambda t: [t.workspace.pk]),
    ("keys:activity", lambda t: [t.workspace.pk]),
    ("keys:detail", lambda t: [t.key.pk]),
]

# htmx fragments: (name, args, method, current workspace).
_FRAGMENTS_BY_URL: list[tuple[str, Callable[[Team], list[Any]], str]] = [
    ("generation:job_progress", lambda t: [t.job.pk], "get"),
    ("generation:image_card", lambda t: [t.image.pk], "get"),
    ("generation:image_cancel", lambda t: [t.image.pk], "post"),
    ("gallery:image_favourite", lambda t: [t.image.pk], "post"),
    ("gallery:image_tag_add", lambda t: [t.image.pk], "post"),
    ("gallery:image_tag_suggest", lambda t: [t.image.pk], "get"),
    ("personas:upload_references", lambda t: [t.persona.pk], "post"),
    ("workspaces:invite", lambda t: [t.workspace.pk], "post"),
]
_FRAGMENTS_OF_CURRENT: list[tuple[str, Callable[[Team], list[Any]], str]] = [
    ("generation:estimate", lambda t: [], "post"),
    ("personas:create_preview", lambda t: [], "post"),
]
FRAGMENTS = [
    (*fragment, current) for fragment in _FRAGMENTS_BY_URL for current in ("team", "personal")
] + [(*fragment, "team") for fragment in _FRAGMENTS_OF_CURRENT]


def _member(client_as, world: World, *, current: str) -> Client:
    """The editor, signed in by password alone, with `current` ("team" or "personal")."""
    return _with_current(client_as("editor"), world, current)


def _with_current(client: Client, world: World, current: str) -> Client:
    if current == "team":
        session = client.session
        session[SESSION_KEY] = str(world.team.pk)
        session.save()
    return client


def _image_untouched(team: Team) -> bool:
    team.image.refresh_from_db()
    return bool(team.image.status != "cancelled")


def _assert_sent_to_setup(response: Any) -> None:
    assert response.status_code == 302, response.status_code
    assert response["Location"] == SETUP_URL


@pytest.mark.parametrize("name", CURRENT_WORKSPACE_PAGES)
def test_pages_of_the_current_workspace_send_to_setup(
    name: str, world: World, team: Team, client_as
) -> None:
    client = _member(client_as, world, current="team")
    _assert_sent_to_setup(client.get(reverse(name)))


@pytest.mark.parametrize("current", ["team", "personal"])
@pytest.mark.parametrize(("name", "args"), BY_URL)
def test_the_workspace_objects_by_url_send_to_setup(
    name: str, args: Callable[[Team], list[Any]], current: str, world: World, team: Team, client_as
) -> None:
    client = _member(client_as, world, current=current)
    _assert_sent_to_setup(client.get(reverse(name, args=args(team))))


@pytest.mark.parametrize(("name", "args", "method", "current"), FRAGMENTS)
def test_htmx_fragments_answer_with_a_full_page_redirect(
    name: str,
    args: Callable[[Team], list[Any]],
    method: str,
    current: str,
    world: World,
    team: Team,
    client_as,
) -> None:
    client = _member(client_as, world, current=current)
    response = getattr(client, method)(reverse(name, args=args(team)), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == SETUP_URL
    assert response.content == b""  # no fragment of any page to swap in
    assert _image_untouched(team)


def test_the_message_names_the_workspace_and_nothing_changes(
    world: World, team: Team, client_as
) -> None:
    client = _member(client_as, world, current="team")
    page = client.post(
        reverse("generation:image_cancel", args=[team.image.pk]), follow=True
    ).content.decode()
    assert MESSAGE in page
    assert _image_untouched(team)


def test_switching_to_the_workspace_sends_to_setup_and_keeps_the_current_one(
    world: World, team: Team, client_as
) -> None:
    client = _member(client_as, world, current="personal")
    response = client.post(reverse("workspaces:switch", args=[world.team.pk]), {"next": "/"})
    _assert_sent_to_setup(response)
    page = client.get(reverse("personas:list"))
    assert page.status_code == 200
    assert page.context["current_workspace"].is_personal


ALWAYS_OPEN = [
    "workspaces:list",
    "account_email",
    "account_change_password",
    "mfa_index",
    "account_reauthenticate",
]


@pytest.mark.parametrize("name", ALWAYS_OPEN)
def test_account_pages_and_setup_stay_open(name: str, world: World, team: Team, client_as) -> None:
    client = _member(client_as, world, current="team")
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "Acme marketing" in response.content.decode()  # the switcher still names it


def test_the_setup_pages_are_not_gated(world: World, team: Team, client_as) -> None:
    client = _member(client_as, world, current="team")
    for name in ("mfa_activate_totp", "mfa_add_webauthn"):
        response = client.get(reverse(name))
        # allauth first asks for the password again, then shows the setup page.
        assert response.status_code == 302, name
        assert response["Location"].startswith("/accounts/reauthenticate/"), name


def test_log_out_stays_open(world: World, team: Team, client_as) -> None:
    client = _member(client_as, world, current="team")
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_their_other_workspaces_work_as_before(world: World, team: Team, client_as) -> None:
    client = _member(client_as, world, current="personal")
    for name in CURRENT_WORKSPACE_PAGES:
        assert client.get(reverse(name)).status_code == 200, name


def test_members_with_two_factor_open_everything(world: World, team: Team, client_as) -> None:
    client = _with_current(
        signed_in_with_code(world.editor, enable_totp(world.editor)), world, "team"
    )
    for name in CURRENT_WORKSPACE_PAGES:
        assert client.get(reverse(name)).status_code == 200, name
    # The owner, who has two-factor sign-in too, reaches every object. The queued image has no
    # file yet (the view's own 404); a stored file on S3 is a presigned redirect.
    expected = {
        "generation:image_file": {404},
        "gallery:image_download": {404},
        "personas:reference_file": {200, 302},
    }
    owner = signed_in_with_code(world.owner, team.owner_secret)
    for name, args in BY_URL:
        response = owner.get(reverse(name, args=args(team)))
        assert response.status_code in expected.get(name, {200}), name
        assert response.get("Location") != SETUP_URL, name
    card = client.get(
        reverse("generation:image_card", args=[team.image.pk]), HTTP_HX_REQUEST="true"
    )
    assert card.status_code == 200
    assert "HX-Redirect" not in card


# --- A member who has a second factor, in a browser that signed in by password alone ----------

CONFIRM_URL = "/accounts/2fa/reauthenticate/"
CONFIRM_MESSAGE = (
    "Acme marketing requires two-factor sign-in, and this browser signed in with your password "
    "only. Confirm with your authenticator app or passkey to open Acme marketing."
)


def test_a_password_only_session_is_asked_for_a_code_then_let_in(
    world: World, team: Team, client_as
) -> None:
    secret = enable_totp(world.editor)
    client = _member(client_as, world, current="personal")  # a session from before 2FA
    url = reverse("personas:detail", args=[team.persona.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{CONFIRM_URL}?{urlencode({'next': url})}"
    assert CONFIRM_MESSAGE in client.get(response["Location"]).content.decode()

    confirmed = client.post(response["Location"], {"code": totp_code(secret), "next": url})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == url
    assert client.get(url).status_code == 200


def test_htmx_asks_for_the_code_and_comes_back_to_the_page_not_the_fragment(
    world: World, team: Team, client_as
) -> None:
    enable_totp(world.editor)
    client = _member(client_as, world, current="personal")
    page = reverse("generation:job", args=[team.job.pk])
    card = client.get(
        reverse("generation:image_card", args=[team.image.pk]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{page}",
    )
    assert card.status_code == 200
    assert card["HX-Redirect"] == f"{CONFIRM_URL}?{urlencode({'next': page})}"
    assert card.content == b""


def test_a_passkey_counts_as_a_second_factor(world: World, team: Team, client_as) -> None:
    """A member whose only second factor is a passkey is asked to use it, not to set one up."""
    add_passkey_record(world.editor)
    client = _member(client_as, world, current="team")
    response = client.get(reverse("personas:list"))
    assert response["Location"].startswith(CONFIRM_URL)


# allauth announces a new authenticator once its transaction commits: a real commit here.
@pytest.mark.django_db(transaction=True)
def test_setting_up_in_this_session_opens_the_workspace(
    world: World, team: Team, client_as
) -> None:
    client = _member(client_as, world, current="team")
    _assert_sent_to_setup(client.get(reverse("personas:list")))
    confirm_password(client)
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    secret = re.search(r'id="totp-setup-key"[^>]* value="([A-Z2-7]+)"', page)
    assert secret is not None
    client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret.group(1))})
    assert client.get(reverse("personas:list")).status_code == 200
