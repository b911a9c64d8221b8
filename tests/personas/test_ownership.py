"""The one ownership shape: a lookup by id answers (membership, obj), the membership being the
requesting user's in the object's own workspace, in one query; `owned` narrows to a workspace."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from avatarapp.workspaces.access import owned
from avatarapp.workspaces.models import Membership, Workspace
from avatarapp.workspaces.roles import Role
from personas import services
from personas.access import get_persona_for_member, get_reference_for_member
from personas.models import Persona
from personas.reference_files import prepare_reference
from tests.conftest import World
from tests.personas import images
from tests.personas.conftest import make_persona


def _request(user: object) -> HttpRequest:
    request = RequestFactory().get("/")
    request.user = user  # type: ignore[assignment]
    return request


def test_a_persona_comes_with_the_membership_of_its_own_workspace(world: World) -> None:
    """Bob's current workspace does not matter: the membership is the one the persona's
    workspace gives him, with his role there, fetched in the same query as the persona."""
    persona = make_persona(world.team)
    with CaptureQueriesContext(connection) as queries:
        membership, found = get_persona_for_member(_request(world.editor), persona.pk)
        workspace_name = membership.workspace.name
    assert found == persona
    assert membership == world.membership("editor")
    assert (membership.role, membership.can_edit, workspace_name) == (
        Role.EDITOR,
        True,
        "Acme marketing",
    )
    assert len(queries) == 1


def test_another_workspaces_persona_is_404_and_a_role_too_low_is_403(world: World) -> None:
    persona = make_persona(world.team)
    with pytest.raises(Http404):
        get_persona_for_member(_request(world.outsider), persona.pk)
    with pytest.raises(PermissionDenied, match="This needs the editor role"):
        get_persona_for_member(_request(world.viewer), persona.pk, Role.EDITOR)
    membership, _ = get_persona_for_member(_request(world.viewer), persona.pk)
    assert not membership.can_edit


def test_a_reference_image_is_owned_through_its_persona(world: World) -> None:
    persona = make_persona(world.team)
    prepared = [prepare_reference(images.png(8, 8))]
    [reference] = services.reference_add(persona=persona, user=world.owner, prepared=prepared)
    membership, found = get_reference_for_member(_request(world.admin), persona.pk, reference.pk)
    assert (found, membership) == (reference, world.membership("admin"))
    with pytest.raises(Http404):
        get_reference_for_member(_request(world.outsider), persona.pk, reference.pk)
    other = make_persona(world.team, name="Someone else")
    with pytest.raises(Http404):  # the right workspace, but not this persona's reference
        get_reference_for_member(_request(world.admin), other.pk, reference.pk)


def test_owned_keeps_the_rows_of_the_members_workspace(world: World) -> None:
    ours = make_persona(world.team)
    other_agency = Workspace.objects.get(name="Other agency")
    make_persona(other_agency, name="Theirs")
    editor = Membership.objects.get(workspace=world.team, user=world.editor)
    assert list(owned(Persona.objects.all(), editor)) == [ours]
