"""Every persona and style action x every role: who may do it, and that a refusal changes nothing.

Object URLs (a persona, a reference, a style) answer 404 to a member of another workspace.
Workspace pages (lists, create, copy) act on the current workspace from the session: the
outsider's session names the team, but membership is re-checked, so they act on their own
workspace and the team is never touched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from personas import services
from personas.models import Persona, ReferenceImage, Style
from personas.reference_files import prepare_reference
from tests.conftest import ROLES, World
from tests.personas import images
from tests.personas.conftest import TeamClient, make_persona

MEMBERS = {"owner", "admin", "editor", "viewer"}
EDITORS = {"owner", "admin", "editor"}


@dataclass
class Objects:
    persona: Persona
    archived: Persona
    reference: ReferenceImage
    style: Style


@pytest.fixture
def objects(world: World) -> Objects:
    persona = make_persona(world.team, created_by=world.owner)
    archived = make_persona(world.team, name="Old Ollie", archived_at=timezone.now())
    [reference] = services.reference_add(
        persona=persona, user=world.owner, prepared=[prepare_reference(images.png(seed=3))]
    )
    style = Style.objects.create(workspace=world.team, name="Acme brand", created_by=world.owner)
    return Objects(persona, archived, reference, style)


URL = Callable[[Objects], str]
Data = Callable[[], dict[str, Any]]


@dataclass
class Action:
    name: str
    url: URL
    data: Data | None  # None: GET
    allowed: set[str]
    allowed_status: int | tuple[int, ...]
    changed: Callable[[World, Objects], bool] | None = None
    scope: str = "object"  # or "workspace": acts on the current workspace
    htmx: bool = False


def persona_url(name: str, *extra: str) -> URL:
    return lambda o: reverse(f"personas:{name}", args=[o.persona.pk, *extra])


def style_url(name: str) -> URL:
    return lambda o: reverse(f"personas:{name}", args=[o.style.pk])


def reference_url(variant: str) -> URL:
    return lambda o: reverse(
        "personas:reference_file", args=[o.persona.pk, o.reference.pk, variant]
    )


def _upload() -> dict[str, Any]:
    return {"images": SimpleUploadedFile("face.png", images.png(seed=9), "image/png")}


def _style_form() -> dict[str, str]:
    return {"name": "Brand look", "default_aspect": "4:5", "default_quality": "high"}


def _team(world: World) -> Any:
    return Persona.objects.filter(workspace=world.team)


ACTIONS = [
    Action("list personas", lambda o: reverse("personas:list"), None, MEMBERS, 200,
           scope="workspace"),
    Action("new persona form", lambda o: reverse("personas:create"), None, EDITORS, 200,
           scope="workspace"),
    Action("create persona", lambda o: reverse("personas:create"), lambda: {"name": "Zed"},
           EDITORS, 302, lambda w, o: _team(w).filter(name="Zed").exists(), scope="workspace"),
    Action("live preview of a new persona", lambda o: reverse("personas:create_preview"),
           lambda: {"name": "Zed", "preview_style": "builtin:corporate"}, EDITORS, 200,
           scope="workspace", htmx=True),
    Action("view persona", persona_url("detail"), None, MEMBERS, 200),
    Action("preview prompts",
           lambda o: persona_url("detail")(o) + "?picked=1&style=builtin:fashion",
           None, MEMBERS, 200, htmx=True),
    Action("built-in portrait", persona_url("portrait"), None, MEMBERS, 200),
    Action("edit form", persona_url("edit"), None, EDITORS, 200),
    Action("edit persona", persona_url("edit"), lambda: {"name": "Renamed"}, EDITORS, 302,
           lambda w, o: Persona.objects.get(pk=o.persona.pk).name == "Renamed"),
    Action("live preview of an edit", persona_url("edit_preview"), lambda: {"name": "Draft"},
           EDITORS, 200, htmx=True),
    Action("duplicate", persona_url("duplicate"), dict, EDITORS, 302,
           lambda w, o: _team(w).count() == 3),
    Action("archive", persona_url("archive"), dict, EDITORS, 302,
           lambda w, o: Persona.objects.get(pk=o.persona.pk).is_archived),
    Action("unarchive", lambda o: reverse("personas:unarchive", args=[o.archived.pk]), dict,
           EDITORS, 302, lambda w, o: not Persona.objects.get(pk=o.archived.pk).is_archived),
    Action("delete confirmation", persona_url("delete"), None, EDITORS, 200),
    Action("delete persona", persona_url("delete"), dict, EDITORS, 302,
           lambda w, o: not Persona.objects.filter(pk=o.persona.pk).exists()),
    Action("upload reference", persona_url("upload_references"), _upload, EDITORS, 302,
           lambda w, o: o.persona.references.count() == 2),
    # Local storage streams the file; S3 redirects to a short-lived presigned URL.
    Action("view reference", reference_url("image"), None, MEMBERS, (200, 302)),
    Action("view reference thumbnail", reference_url("thumb"), None, MEMBERS, (200, 302)),
    Action("delete reference", lambda o: reverse("personas:delete_reference",
           args=[o.persona.pk, o.reference.pk]), dict, EDITORS, 302,
           lambda w, o: not ReferenceImage.objects.filter(pk=o.reference.pk).exists()),
    Action("style library", lambda o: reverse("personas:styles"), None, MEMBERS, 200,
           scope="workspace"),
    Action("new style form", lambda o: reverse("personas:style_create"), None, EDITORS, 200,
           scope="workspace"),
    Action("create style", lambda o: reverse("personas:style_create"), _style_form, EDITORS, 302,
           lambda w, o: w.team.styles.filter(name="Brand look").exists(), scope="workspace"),
    Action("copy built-in style", lambda o: reverse("personas:style_copy", args=["corporate"]),
           dict, EDITORS, 302, lambda w, o: w.team.styles.filter(copied_from="corporate").exists(),
           scope="workspace"),
    Action("edit style form", style_url("style_edit"), None, EDITORS, 200),
    Action("edit style", style_url("style_edit"), _style_form, EDITORS, 302,
           lambda w, o: Style.objects.get(pk=o.style.pk).name == "Brand look"),
    Action("delete style confirmation", style_url("style_delete"), None, EDITORS, 200),
    Action("delete style", style_url("style_delete"), dict, EDITORS, 302,
           lambda w, o: not Style.objects.filter(pk=o.style.pk).exists()),
]  # fmt: skip


def _statuses(action: Action) -> tuple[int, ...]:
    status = action.allowed_status
    return status if isinstance(status, tuple) else (status,)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.name)
def test_role_matrix(
    action: Action, role: str, world: World, objects: Objects, team_client: TeamClient
) -> None:
    client = team_client(role)
    url = action.url(objects)
    headers = {"HX-Request": "true", "HX-Target": "prompt-preview"} if action.htmx else {}
    if action.data is None:
        response = client.get(url, headers=headers)
    else:
        response = client.post(url, action.data(), headers=headers)

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        expected_change = False
    elif role == "outsider" and action.scope == "object":
        assert response.status_code == 404
        expected_change = False
    elif role == "outsider":
        # Owner of their own workspace: allowed there, and the team stays untouched.
        assert response.status_code in _statuses(action)
        assert objects.persona.name not in response.content.decode()
        expected_change = False
    elif role in action.allowed:
        assert response.status_code in _statuses(action)
        expected_change = True
    else:
        assert response.status_code == 403
        assert "needs the editor role" in response.content.decode()
        expected_change = False

    if action.changed is not None:
        assert action.changed(world, objects) is expected_change


def test_members_see_the_team_personas_and_outsiders_do_not(
    world: World, objects: Objects, team_client: TeamClient
) -> None:
    assert (
        objects.persona.name in team_client("viewer").get(reverse("personas:list")).content.decode()
    )
    page = team_client("outsider").get(reverse("personas:list")).content.decode()
    assert objects.persona.name not in page
    assert "No personas yet" in page
