"""avatarapp.prepared_queries: a queryset compiled once gives what the queryset itself gives, for
every value it is run with, in one statement each time."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.test.utils import CaptureQueriesContext

from avatarapp.prepared_queries import PreparedQuery, PreparedUpdate, _marker, has_marker
from avatarapp.workspaces.models import Membership, Workspace
from avatarapp.workspaces.roles import Role
from tests.conftest import World

pytestmark = pytest.mark.django_db

OWNERS = Membership.objects.filter(workspace_id=OuterRef("workspace_id"), role=Role.OWNER)


def memberships(workspace_id: uuid.UUID, user_id: int) -> QuerySet[Membership]:
    """With select_related, an annotation, and user_id compared twice (both must be swapped)."""
    return (
        Membership.objects.select_related("workspace", "user")
        .annotate(has_owner=Exists(OWNERS))
        .filter(workspace_id=workspace_id, user_id=user_id)
        .exclude(workspace__name="", user_id=user_id)
    )


def prepared(calls: list[Any] | None = None) -> PreparedQuery[Membership]:
    def build(**values: Any) -> QuerySet[Membership]:
        if calls is not None:
            calls.append(values)
        return memberships(**values)

    return PreparedQuery(
        build,
        workspace_id=Membership._meta.get_field("workspace"),
        user_id=Membership._meta.get_field("user"),
    )


def test_it_gives_what_the_queryset_gives_for_each_value(world: World) -> None:
    query = prepared()
    for user in (world.owner, world.editor, world.viewer):
        expected = memberships(world.team.pk, user.pk).get()
        with CaptureQueriesContext(connection) as queries:
            found = query.all(workspace_id=world.team.pk, user_id=user.pk)
            assert len(found) == 1
            got: Any = found[0]  # Any: it carries the annotation too
            # The related rows and the annotation came with it: no statement more.
            assert (got.workspace.name, got.user.email, got.has_owner) == (
                world.team.name,
                user.email,
                True,
            )
        assert len(queries.captured_queries) == 1
        assert (got.pk, got.role) == (expected.pk, expected.role)
        assert (got._state.adding, got._state.db) == (False, "default")


def test_a_value_that_matches_nothing_gives_nothing(world: World) -> None:
    query = prepared()
    assert query.first(workspace_id=world.team.pk, user_id=world.outsider.pk) is None
    outsider_space = Workspace.objects.get(name="Other agency")
    assert query.first(workspace_id=outsider_space.pk, user_id=world.owner.pk) is None
    found = query.first(workspace_id=outsider_space.pk, user_id=world.outsider.pk)
    assert found is not None
    assert found.role == Role.OWNER


def test_it_compiles_once_and_swaps_every_use_of_a_value(world: World) -> None:
    calls: list[Any] = []
    query = prepared(calls)
    for user in (world.owner, world.admin, world.editor):
        membership = query.first(workspace_id=world.team.pk, user_id=user.pk)
        assert membership is not None
        assert membership.user_id == user.pk
    assert len(calls) == 2  # built on first use with two sets of markers, never again


def test_wrong_values_and_unused_parameters_are_refused(world: World) -> None:
    with pytest.raises(TypeError, match="expected the values"):
        prepared().all(workspace_id=world.team.pk)
    unused = PreparedQuery(
        lambda workspace_id, user_id: Membership.objects.filter(workspace_id=workspace_id),
        workspace_id=Membership._meta.get_field("workspace"),
        user_id=Membership._meta.get_field("user"),
    )
    with pytest.raises(ValueError, match="does not use its parameter 'user_id'"):
        unused.all(workspace_id=world.team.pk, user_id=world.owner.pk)


def promote(**values: Any) -> tuple[QuerySet[Membership], dict[str, Any]]:
    """Set a member's role where their role is still `was`; `workspace_id` is compared and set."""
    rows = Membership.objects.filter(
        Q(role=values["was"]) | Q(role=values["was"], pk=None), user_id=values["user_id"]
    ).filter(workspace_id=values["workspace_id"])
    return rows, {"role": values["role"], "workspace_id": values["workspace_id"]}


def test_a_prepared_update_sets_what_the_queryset_update_sets(world: World) -> None:
    fields = Membership._meta
    update = PreparedUpdate(
        promote,
        user_id=fields.get_field("user"),
        workspace_id=fields.get_field("workspace"),
        was=fields.get_field("role"),
        role=fields.get_field("role"),
    )
    common = {"user_id": world.viewer.pk, "workspace_id": world.team.pk}
    with CaptureQueriesContext(connection) as queries:
        assert update.run(**common, was=Role.EDITOR, role=Role.ADMIN) == 0  # not an editor
        assert update.run(**common, was=Role.VIEWER, role=Role.EDITOR) == 1
    assert len(queries.captured_queries) == 2
    assert world.membership("viewer").role == Role.EDITOR
    assert world.membership("editor").role == Role.EDITOR  # another member: untouched


def test_a_prepared_update_keeps_its_expressions(world: World) -> None:
    fields = Membership._meta
    renamed = PreparedUpdate(
        lambda workspace_id: (
            Workspace.objects.filter(pk=workspace_id),
            {"name": F("name")},  # the shape's own expression, no parameter
        ),
        workspace_id=fields.get_field("workspace"),
    )
    assert renamed.run(workspace_id=world.team.pk) == 1
    assert Workspace.objects.get(pk=world.team.pk).name == "Acme marketing"


def test_a_field_takes_a_parameter_exactly_when_it_has_a_marker() -> None:
    from django.contrib.auth import get_user_model

    from generation.models import Image, LedgerEntry

    models = (Image, LedgerEntry, get_user_model())
    fields = [field for model in models for field in model._meta.concrete_fields]
    marked = 0
    for field in fields:
        target = getattr(field, "target_field", field)
        if has_marker(field):
            marked += 1
            assert _marker(target, connection) is not None, field.name
        else:
            with pytest.raises(TypeError):
                _marker(target, connection)
    assert 0 < marked < len(fields)  # the user's BooleanFields are part of a shape
