"""The persona and style endpoints x every role: the live previews, photos held while a
persona or style is being made, copy and move, style reference images. Like test_role_matrix:
another workspace's object is 404, a role too low is 403 with a sentence naming the role, and a
refusal changes nothing. A held photo is its uploader's alone: other members get 404 too."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from avatarapp.workspaces.models import Membership, Workspace
from avatarapp.workspaces.roles import Role
from personas import reference_files, uploads
from personas.models import PendingUpload, Persona, Style, StyleReference
from tests.conftest import ROLES, World
from tests.personas import images
from tests.personas.conftest import TeamClient, make_persona

MEMBERS = {"owner", "admin", "editor", "viewer"}
EDITORS = {"owner", "admin", "editor"}


@dataclass
class Objects:
    persona: Persona
    style: Style
    style_reference: StyleReference
    held: dict[str, PendingUpload]  # one held photo per editor, by role
    target: Workspace  # where every team member but the outsider is an editor


@pytest.fixture
def objects(world: World) -> Objects:
    persona = make_persona(world.team, created_by=world.owner)
    style = Style.objects.create(workspace=world.team, name="Acme brand")
    written: list[str] = []
    stored = reference_files.store_prepared(
        "styles/test", reference_files.prepare_reference(images.png()), written
    )
    reference = StyleReference.objects.create(style=style, **stored)
    held = {}
    for i, role in enumerate(sorted(EDITORS)):
        prepared = [(reference_files.prepare_reference(images.png(seed=10 + i)), f"{role}.png")]
        [held[role]] = uploads.upload_hold(
            workspace=world.team,
            user=world.user(role),
            draft=uuid.uuid4(),
            prepared=prepared,
            limit=8,
        )
    target = Workspace.objects.create(name="Target", created_by=world.owner)
    for role in MEMBERS:
        Membership.objects.create(workspace=target, user=world.user(role), role=Role.EDITOR)
    return Objects(persona, style, reference, held, target)


def _held_of(role: str) -> Callable[[Objects], PendingUpload]:
    """The acting role's own held photo (the editor's for roles that hold none)."""
    return lambda o: o.held.get(role, o.held["editor"])


@dataclass
class Action:
    name: str
    url: Callable[[Objects, str], str]
    data: Callable[[Objects], dict[str, Any]] | None  # None: GET
    allowed: set[str]
    allowed_status: tuple[int, ...]
    changed: Callable[[World, Objects, str], bool] | None = None
    scope: str = "object"  # "workspace": acts on the current workspace; "own": the user's own


def _upload(o: Objects) -> dict[str, Any]:
    image = SimpleUploadedFile("face.png", images.png(seed=99), "image/png")
    return {"draft": str(uuid.uuid4()), "purpose": "persona", "images": image}


def _transfer(action: str) -> Callable[[Objects], dict[str, Any]]:
    return lambda o: {"workspace": str(o.target.pk), "action": action}


def _held_url(name: str) -> Callable[[Objects, str], str]:
    return lambda o, role: reverse(f"personas:{name}", args=[_held_of(role)(o).pk])


ACTIONS = [
    Action("live portrait of a look", lambda o, r: reverse("personas:look_preview")
           + "?skin_tone_pick=deep", None, MEMBERS, (200,), scope="workspace"),
    Action("live example of a style", lambda o, r: reverse("personas:style_example")
           + "?backdrop_colour=%23112233", None, MEMBERS, (200,), scope="workspace"),
    Action("hold a photo", lambda o, r: reverse("personas:pending_upload"), _upload, EDITORS,
           (200,), lambda w, o, r: PendingUpload.objects.filter(workspace=w.team).count() == 4,
           scope="workspace"),
    Action("see one's held photo", _held_url("pending_thumb"), None, EDITORS, (200, 302),
           scope="own"),
    Action("remove one's held photo", _held_url("pending_remove"), lambda o: {}, EDITORS, (204,),
           lambda w, o, r: not PendingUpload.objects.filter(pk=_held_of(r)(o).pk).exists(),
           scope="own"),
    Action("see another's held photo", lambda o, r: reverse("personas:pending_thumb",
           args=[o.held["admin" if r == "editor" else "editor"].pk]), None, set(), (200,),
           scope="own"),
    Action("copy to another workspace", lambda o, r: reverse("personas:transfer",
           args=[o.persona.pk]), _transfer("copy"), EDITORS, (302,),
           lambda w, o, r: o.target.personas.exists()),
    Action("move to another workspace", lambda o, r: reverse("personas:transfer",
           args=[o.persona.pk]), _transfer("move"), EDITORS, (302,),
           lambda w, o, r: Persona.objects.get(pk=o.persona.pk).workspace_id == o.target.pk),
    Action("view a style reference", lambda o, r: reverse("personas:style_reference_file",
           args=[o.style.pk, o.style_reference.pk]), None, MEMBERS, (200, 302)),
]  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.name)
def test_role_matrix(
    action: Action, role: str, world: World, objects: Objects, team_client: TeamClient
) -> None:
    client = team_client(role)
    url = action.url(objects, role)
    data = None if action.data is None else action.data(objects)
    response = client.get(url) if data is None else client.post(url, data)

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        expected_change = False
    elif role == "outsider" and action.scope == "workspace":
        # Owner of their own workspace: allowed there, and the team stays untouched.
        assert response.status_code in action.allowed_status
        expected_change = False
    elif role == "outsider" or (role in EDITORS and role not in action.allowed):
        assert response.status_code == 404  # another workspace's, or another person's, photo
        expected_change = False
    elif role in action.allowed:
        assert response.status_code in action.allowed_status
        expected_change = True
    else:
        assert response.status_code == 403
        assert "needs the editor role" in response.content.decode()
        expected_change = False

    if action.changed is not None:
        assert action.changed(world, objects, role) is expected_change
