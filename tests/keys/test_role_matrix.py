"""Every key action x every role: who may do it, and that a refusal changes
nothing. Another tenant's key is 404, and so is another member's personal key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from avatarapp.keys.models import ProviderKey, Status
from tests.conftest import ROLES, World
from tests.keys.factories import openai_key, store_key

MEMBERS = {"owner", "admin", "editor", "viewer"}
ADMINS = {"owner", "admin"}
EDITORS = {"owner", "admin", "editor"}
LABEL = "Matrix key"


def _team_key(world: World) -> ProviderKey:
    # Made once per test and remembered, so `changed` can look at it after a rename or delete.
    if not hasattr(world, "team_key"):
        world.team_key = store_key(world.membership("admin"), label=LABEL)  # type: ignore[attr-defined]
    return world.team_key  # type: ignore[attr-defined]


def _bobs_key(world: World) -> ProviderKey:
    if not hasattr(world, "bobs_key"):
        world.bobs_key = store_key(  # type: ignore[attr-defined]
            world.membership("editor"), label=LABEL, personal=True
        )
    return world.bobs_key  # type: ignore[attr-defined]


def _get(world: World, key: ProviderKey) -> ProviderKey | None:
    return ProviderKey.objects.filter(pk=key.pk).first()


@dataclass
class Action:
    name: str
    url: Callable[[World], str]
    data: Callable[[World], dict[str, str]] | None  # None: GET
    allowed: set[str]
    allowed_status: int
    changed: Callable[[World], bool] | None = None
    needs: str = "admin"  # the role a 403 names


def _add(scope: str) -> Callable[[World], dict[str, str]]:
    def data(world: World) -> dict[str, str]:
        return {
            "endpoint": "openai",
            "label": f"New {scope}",
            "api_key": openai_key(),
            "scope": scope,
        }

    return data


def _key_actions(
    which: str, owner_of: Callable[[World], ProviderKey], viewers: set[str], allowed: set[str]
) -> list[Action]:
    def url(name: str) -> Callable[[World], str]:
        return lambda w: reverse(f"keys:{name}", args=[owner_of(w).pk])

    return [
        Action(f"view {which}", url("detail"), None, viewers, 200),
        Action(
            f"check {which}",
            url("check"),
            lambda w: {},
            allowed,
            302,
            lambda w: bool((k := _get(w, owner_of(w))) and k.checked_at),
        ),
        Action(
            f"rename {which}",
            url("rename"),
            lambda w: {"label": "Renamed"},
            allowed,
            302,
            lambda w: bool((k := _get(w, owner_of(w))) and k.label == "Renamed"),
        ),
        Action(
            f"revoke {which}",
            url("revoke"),
            lambda w: {},
            allowed,
            302,
            lambda w: bool((k := _get(w, owner_of(w))) and k.status == Status.REVOKED),
        ),
        Action(
            f"delete {which}",
            url("delete"),
            lambda w: {},
            allowed,
            302,
            lambda w: _get(w, owner_of(w)) is None,
        ),
    ]


ACTIONS = [
    Action("list", lambda w: reverse("keys:workspace", args=[w.team.pk]), None, MEMBERS, 200),
    Action(
        "add workspace key",
        lambda w: reverse("keys:add", args=[w.team.pk]),
        _add("workspace"),
        ADMINS,
        302,
        lambda w: ProviderKey.objects.filter(label="New workspace", owner=None).exists(),
    ),
    Action(
        "add personal key",
        lambda w: reverse("keys:add", args=[w.team.pk]),
        _add("personal"),
        EDITORS,
        302,
        lambda w: ProviderKey.objects.filter(label="New personal", owner__isnull=False).exists(),
        needs="editor",
    ),
    Action(
        "view audit trail",
        lambda w: reverse("keys:activity", args=[w.team.pk]),
        None,
        ADMINS,
        200,
    ),
    # A workspace key: owners and admins manage it; editors and viewers may look at it.
    *_key_actions("workspace key", _team_key, MEMBERS, ADMINS),
]

# Bob's personal key: only Bob. To everyone else, owner included, it does not exist (404).
PERSONAL_ACTIONS = _key_actions("personal key", _bobs_key, {"editor"}, {"editor"})


def _outcome(action: Action, role: str, world: World, client_as) -> bool:
    client = client_as(role)
    url = action.url(world)
    response = client.get(url) if action.data is None else client.post(url, action.data(world))
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        return False
    if role == "outsider":
        assert response.status_code == 404
        return False
    if role in action.allowed:
        assert response.status_code == action.allowed_status, response.content[:300]
        return True
    assert response.status_code == 403
    assert f"needs the {action.needs} role" in response.content.decode()
    return False


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.name)
def test_role_matrix(action: Action, role: str, world: World, client_as) -> None:
    _team_key(world)
    expected_change = _outcome(action, role, world, client_as)
    if action.changed is not None:
        assert action.changed(world) is expected_change


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", PERSONAL_ACTIONS, ids=lambda a: a.name)
def test_personal_key_matrix(action: Action, role: str, world: World, client_as) -> None:
    _bobs_key(world)
    client = client_as(role)
    url = action.url(world)
    response = client.get(url) if action.data is None else client.post(url, action.data(world))
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif role == "editor":
        assert response.status_code == action.allowed_status
    else:
        assert response.status_code == 404  # owners and admins included
    if action.changed is not None:
        assert action.changed(world) is (role == "editor")


def test_an_outsider_cannot_add_to_another_workspace_by_posting_its_id(
    world: World, client_as
) -> None:
    response = client_as("outsider").post(
        reverse("keys:add", args=[world.team.pk]), _add("workspace")(world)
    )
    assert response.status_code == 404
    assert not ProviderKey.objects.filter(workspace=world.team).exists()
