"""Copy or move a persona to another workspace its user can edit in, from the persona's page."""

from __future__ import annotations

from html import unescape
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from avatarapp.workspaces.access import SESSION_KEY
from avatarapp.workspaces.models import Membership, Workspace
from avatarapp.workspaces.roles import Role
from gallery.models import PersonaCover
from generation.models import Image
from personas import services
from personas.models import Persona, ReferenceImage
from personas.reference_files import prepare_reference
from tests.conftest import World
from tests.gallery.factories import make_image, make_job
from tests.personas import images
from tests.personas.conftest import TeamClient, make_persona, stored_files


@pytest.fixture
def studio(world: World) -> Workspace:
    """A second team where the editor is an editor too (and the viewer only a viewer)."""
    workspace = Workspace.objects.create(name="Studio B", created_by=world.owner)
    Membership.objects.create(workspace=workspace, user=world.editor, role=Role.EDITOR)
    Membership.objects.create(workspace=workspace, user=world.viewer, role=Role.EDITOR)
    return workspace


@pytest.fixture
def maya(world: World) -> Persona:
    persona = make_persona(world.team, created_by=world.owner)
    prepared = [prepare_reference(images.png(seed=s)) for s in (1, 2)]
    services.reference_add(persona=persona, user=world.owner, prepared=prepared)
    return persona


def _post(client: Client, persona: Persona, workspace: object, action: str) -> Any:
    url = reverse("personas:transfer", args=[persona.pk])
    return client.post(url, {"workspace": str(workspace), "action": action})


def test_copy_makes_a_new_persona_there_and_keeps_this_one(
    world: World, studio: Workspace, maya: Persona, team_client: TeamClient
) -> None:
    client = team_client("editor")
    response = _post(client, maya, studio.pk, "copy")
    assert response.status_code == 302
    assert response["Location"] == maya.get_absolute_url()
    copy = studio.personas.get()
    assert (copy.name, copy.occupation, copy.skin_tone) == (
        "Maya Costa",
        "Product manager",
        "medium brown",
    )
    assert copy.created_by == world.editor
    assert copy.references.count() == 2
    assert len(stored_files(copy)) == 4
    maya.refresh_from_db()
    assert (maya.workspace, maya.references.count()) == (world.team, 2)
    page = client.get(response["Location"]).content.decode()
    assert "Copied Maya Costa to Studio B." in page


def test_a_name_already_taken_there_gets_copy_added(
    studio: Workspace, maya: Persona, team_client: TeamClient
) -> None:
    make_persona(studio, name="maya costa")
    _post(team_client("editor"), maya, studio.pk, "copy")
    _post(team_client("editor"), maya, studio.pk, "copy")
    names = sorted(studio.personas.values_list("name", flat=True))
    assert names == ["Maya Costa (copy 2)", "Maya Costa (copy)", "maya costa"]


def test_move_takes_the_persona_and_its_references_and_leaves_its_portraits(
    world: World, studio: Workspace, maya: Persona, team_client: TeamClient
) -> None:
    portrait = make_image(make_job(world.membership("owner")), maya)
    PersonaCover.objects.create(persona=maya, image=portrait, chosen_by=world.owner)
    references = set(maya.references.values_list("pk", "storage_name"))
    client = team_client("editor")
    url = reverse("personas:transfer", args=[maya.pk])
    response = client.post(url, {"workspace": str(studio.pk), "action": "move"})
    assert response.status_code == 302
    maya.refresh_from_db()
    assert maya.workspace == studio
    assert set(maya.references.values_list("pk", "storage_name")) == references
    assert all(default_storage.exists(name) for _, name in references)
    # The portrait stays in the gallery that paid for it, under the persona's name.
    portrait.refresh_from_db()
    assert (portrait.workspace, portrait.persona, portrait.persona_name) == (
        world.team,
        None,
        "Maya Costa",
    )
    assert not PersonaCover.objects.exists()
    # The session follows the persona to its new workspace.
    assert client.session[SESSION_KEY] == str(studio.pk)
    page = client.get(response["Location"]).content.decode()
    assert "Moved Maya Costa to Studio B. Its portraits stay in Acme marketing." in page


def test_move_is_refused_while_the_persona_is_being_generated(
    world: World, studio: Workspace, maya: Persona, team_client: TeamClient
) -> None:
    make_image(make_job(world.membership("owner")), maya, status=Image.Status.RUNNING)
    response = _post(team_client("editor"), maya, studio.pk, "move")
    assert response.status_code == 200
    assert "has generations in progress" in unescape(response.content.decode())
    maya.refresh_from_db()
    assert maya.workspace == world.team


REFUSED_TARGETS = {
    # The viewer's own team, where the editor is only a viewer.
    "viewer there": "viewer-team",
    "not a member": "outsider-team",
    "the same workspace": "team",
    "no such workspace": "00000000-0000-0000-0000-000000000000",
    "not an id": "studio b",
}


@pytest.mark.parametrize("target", REFUSED_TARGETS.values(), ids=REFUSED_TARGETS.keys())
@pytest.mark.parametrize("action", ["copy", "move"])
def test_a_workspace_the_user_cannot_edit_in_is_refused(
    target: str, action: str, world: World, maya: Persona, team_client: TeamClient
) -> None:
    viewer_team = Workspace.objects.create(name="Read only", created_by=world.owner)
    Membership.objects.create(workspace=viewer_team, user=world.editor, role=Role.VIEWER)
    named = {
        "viewer-team": viewer_team.pk,
        "outsider-team": Workspace.objects.get(name="Other agency").pk,
        "team": world.team.pk,
    }
    before = Persona.objects.count()
    response = _post(team_client("editor"), maya, named.get(target, target), action)
    assert response.status_code == 200
    assert "Pick one of the workspaces where you can edit personas." in unescape(
        response.content.decode()
    )
    maya.refresh_from_db()
    assert (maya.workspace, Persona.objects.count()) == (world.team, before)


def test_choosing_neither_copy_nor_move_is_refused(
    studio: Workspace, maya: Persona, team_client: TeamClient
) -> None:
    response = _post(team_client("editor"), maya, studio.pk, "delete")
    assert "Choose Copy or Move." in unescape(response.content.decode())
    assert not studio.personas.exists()


@pytest.mark.parametrize("action", ["copy", "move"])
def test_a_viewer_of_the_persona_cannot_copy_or_move_it(
    action: str, world: World, studio: Workspace, maya: Persona, team_client: TeamClient
) -> None:
    # The viewer edits in Studio B, but only views the team the persona is in.
    response = _post(team_client("viewer"), maya, studio.pk, action)
    assert response.status_code == 403
    assert "needs the editor role" in response.content.decode()
    maya.refresh_from_db()
    assert maya.workspace == world.team
    assert not studio.personas.exists()
    assert ReferenceImage.objects.count() == 2


def test_the_form_is_offered_to_editors_with_somewhere_to_send_it(
    world: World, studio: Workspace, maya: Persona, team_client: TeamClient
) -> None:
    url = reverse("personas:detail", args=[maya.pk])
    page = team_client("editor").get(url).content.decode()
    assert "Copy or move to another workspace" in page
    assert f'<option value="{studio.pk}">Studio B</option>' in page
    assert "Acme marketing</option>" not in page  # not the workspace it is in
    # The owner edits in no other team (their personal workspace is one, though).
    owner_page = team_client("owner").get(url).content.decode()
    assert "Studio B</option>" not in owner_page
    assert "Copy or move" not in team_client("viewer").get(url).content.decode()
