"""Every workspace action x every role: who may do it, and that a refusal changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from avatarapp.workspaces.models import Invitation, Membership
from avatarapp.workspaces.roles import Role
from avatarapp.workspaces.services import invitation_create
from tests.conftest import ROLES, World


@dataclass
class Action:
    name: str
    url: Callable[[World], str]
    data: Callable[[World], dict[str, str]] | None  # None: GET
    allowed: set[str]
    allowed_status: int
    changed: Callable[[World], bool] | None = None  # did the action take effect?


def _viewer_membership(world: World) -> Membership:
    return world.membership("viewer")


def _pending_invitation(world: World) -> Invitation:
    return invitation_create(actor=world.membership("owner"), email="", role=Role.EDITOR).invitation


MEMBERS = {"owner", "admin", "editor", "viewer"}
ADMINS = {"owner", "admin"}

ACTIONS = [
    Action(
        "view members",
        lambda w: reverse("workspaces:members", args=[w.team.pk]),
        None,
        MEMBERS,
        200,
    ),
    Action(
        "switch to workspace",
        lambda w: reverse("workspaces:switch", args=[w.team.pk]),
        lambda w: {"next": "/"},
        MEMBERS,
        302,
    ),
    Action(
        "rename workspace",
        lambda w: reverse("workspaces:rename", args=[w.team.pk]),
        lambda w: {"name": "Renamed"},
        ADMINS,
        302,
        lambda w: type(w.team).objects.get(pk=w.team.pk).name == "Renamed",
    ),
    Action(
        "invite",
        lambda w: reverse("workspaces:invite", args=[w.team.pk]),
        lambda w: {"email": "new@example.com", "role": "editor"},
        ADMINS,
        200,
        lambda w: Invitation.objects.filter(email="new@example.com").exists(),
    ),
    Action(
        "withdraw invitation",
        lambda w: reverse(
            "workspaces:revoke_invitation", args=[w.team.pk, _pending_invitation(w).pk]
        ),
        lambda w: {},
        ADMINS,
        302,
        lambda w: Invitation.objects.filter(revoked_at__isnull=False).exists(),
    ),
    Action(
        "change role",
        lambda w: reverse("workspaces:change_role", args=[w.team.pk, _viewer_membership(w).pk]),
        lambda w: {"role": "editor"},
        ADMINS,
        302,
        lambda w: Membership.objects.get(workspace=w.team, user=w.viewer).role == Role.EDITOR,
    ),
    Action(
        "remove member",
        lambda w: reverse("workspaces:remove_member", args=[w.team.pk, _viewer_membership(w).pk]),
        lambda w: {},
        ADMINS,
        302,
        lambda w: not Membership.objects.filter(workspace=w.team, user=w.viewer).exists(),
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.name)
def test_role_matrix(action: Action, role: str, world: World, client_as) -> None:
    client = client_as(role)
    url = action.url(world)
    response = client.get(url) if action.data is None else client.post(url, action.data(world))

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        expected_change = False
    elif role == "outsider":
        assert response.status_code == 404
        expected_change = False
    elif role in action.allowed:
        assert response.status_code == action.allowed_status
        expected_change = True
    else:
        assert response.status_code == 403
        assert "needs the admin role" in response.content.decode()
        expected_change = False

    if action.changed is not None:
        assert action.changed(world) is expected_change


@pytest.mark.parametrize("role", ["admin", "editor", "viewer"])
def test_every_member_but_the_last_owner_can_leave(role: str, world: World, client_as) -> None:
    response = client_as(role).post(reverse("workspaces:leave", args=[world.team.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(workspace=world.team, user=world.user(role)).exists()


def test_outsider_cannot_leave_a_workspace_they_are_not_in(world: World, client_as) -> None:
    response = client_as("outsider").post(reverse("workspaces:leave", args=[world.team.pk]))
    assert response.status_code == 404
    assert Membership.objects.filter(workspace=world.team).count() == 4
