"""The current workspace comes from the session and membership is re-checked on every request."""

from __future__ import annotations

from django.urls import reverse

from avatarapp.workspaces.models import Membership, Workspace
from tests.conftest import World


def test_switching_changes_the_workspace_every_page_shows(world: World, client_as) -> None:
    client = client_as("editor")
    page = client.get(reverse("personas:list"))
    assert page.context["current_workspace"].is_personal
    client.post(reverse("workspaces:switch", args=[world.team.pk]), {"next": "/personas/"})
    page = client.get(reverse("personas:list"))
    assert page.context["current_workspace"] == world.team
    assert "Acme marketing" in page.content.decode()


def test_removed_member_falls_back_to_their_personal_workspace(world: World, client_as) -> None:
    """A member removed while signed in loses the workspace on their very next request: the
    session is not trusted for membership, which is re-read every time."""
    client = client_as("editor")
    client.post(reverse("workspaces:switch", args=[world.team.pk]))
    members_url = reverse("workspaces:members", args=[world.team.pk])
    assert client.get(members_url).status_code == 200
    client_as("owner").post(
        reverse("workspaces:remove_member", args=[world.team.pk, world.membership("editor").pk])
    )
    assert not Membership.objects.filter(workspace=world.team, user=world.editor).exists()
    page = client.get(reverse("personas:list"))
    assert page.context["current_workspace"].is_personal
    assert "Acme marketing" not in page.content.decode()
    assert client.get(members_url).status_code == 404


def test_a_workspace_id_planted_in_the_session_gives_nothing_away(world: World, client_as) -> None:
    client = client_as("outsider")
    session = client.session
    session["workspace_id"] = str(world.team.pk)
    session.save()
    page = client.get(reverse("personas:list"))
    assert page.context["current_workspace"] != world.team
    assert "Acme marketing" not in page.content.decode()


def test_switch_ignores_offsite_next(world: World, client_as) -> None:
    response = client_as("editor").post(
        reverse("workspaces:switch", args=[world.team.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_creating_a_team_workspace_makes_you_its_owner(world: World, client_as) -> None:
    client = client_as("viewer")
    response = client.post(reverse("workspaces:list"), {"name": "  Launch crew "}, follow=True)
    workspace = Workspace.objects.get(name="Launch crew")
    assert Membership.objects.get(workspace=workspace, user=world.viewer).role == "owner"
    assert client.session["workspace_id"] == str(workspace.pk)
    assert "Invite people" in response.content.decode()


def test_blank_workspace_name_is_refused(world: World, client_as) -> None:
    before = Workspace.objects.count()
    response = client_as("viewer").post(reverse("workspaces:list"), {"name": "   "})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert Workspace.objects.count() == before


def test_user_without_any_workspace_gets_a_personal_one(db, client) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("ops", "ops@example.com", "x-unused-password")
    client.force_login(user)
    page = client.get(reverse("personas:list"))
    assert page.context["current_workspace"].is_personal
    assert Membership.objects.get(user=user).role == "owner"
