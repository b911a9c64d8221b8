"""The last owner stays, and role changes respect who may grant what."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.urls import reverse

from avatarapp.workspaces import services
from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role
from tests.conftest import World


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_last_owner_cannot_leave(world: World, client_as) -> None:
    response = client_as("owner").post(
        reverse("workspaces:leave", args=[world.team.pk]), follow=True
    )
    assert "You are the last owner" in _messages(response)
    assert world.membership("owner").role == Role.OWNER


def test_last_owner_cannot_demote_themselves(world: World, client_as) -> None:
    owner = world.membership("owner")
    response = client_as("owner").post(
        reverse("workspaces:change_role", args=[world.team.pk, owner.pk]),
        {"role": "admin"},
        follow=True,
    )
    assert "needs at least one owner" in _messages(response)
    owner.refresh_from_db()
    assert owner.role == Role.OWNER


def test_owner_can_step_down_once_another_owner_exists(world: World, client_as) -> None:
    client = client_as("owner")
    admin = world.membership("admin")
    client.post(
        reverse("workspaces:change_role", args=[world.team.pk, admin.pk]), {"role": "owner"}
    )
    owner = world.membership("owner")
    client.post(
        reverse("workspaces:change_role", args=[world.team.pk, owner.pk]), {"role": "editor"}
    )
    owner.refresh_from_db()
    admin.refresh_from_db()
    assert (owner.role, admin.role) == (Role.EDITOR, Role.OWNER)


def test_admin_cannot_promote_to_owner_or_touch_owners(world: World, client_as) -> None:
    client = client_as("admin")
    editor = world.membership("editor")
    response = client.post(
        reverse("workspaces:change_role", args=[world.team.pk, editor.pk]),
        {"role": "owner"},
        follow=True,
    )
    assert "cannot make someone owner" in _messages(response)
    owner = world.membership("owner")
    response = client.post(
        reverse("workspaces:remove_member", args=[world.team.pk, owner.pk]), follow=True
    )
    assert "cannot change an owner" in _messages(response)
    editor.refresh_from_db()
    assert editor.role == Role.EDITOR
    assert Membership.objects.filter(pk=owner.pk).exists()


def test_unknown_role_is_refused_without_change(world: World, client_as) -> None:
    viewer = world.membership("viewer")
    response = client_as("owner").post(
        reverse("workspaces:change_role", args=[world.team.pk, viewer.pk]),
        {"role": "superuser"},
        follow=True,
    )
    assert "Choose one of the listed roles" in _messages(response)
    viewer.refresh_from_db()
    assert viewer.role == Role.VIEWER


def test_member_of_another_workspace_is_404_even_for_an_admin(world: World, client_as) -> None:
    foreign = Membership.objects.get(user=world.outsider, workspace__name="Other agency")
    response = client_as("owner").post(
        reverse("workspaces:change_role", args=[world.team.pk, foreign.pk]), {"role": "viewer"}
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.role == Role.OWNER


def test_personal_workspace_cannot_be_left(world: World) -> None:
    personal = Membership.objects.get(user=world.owner, workspace__is_personal=True)
    with pytest.raises(services.WorkspaceError, match="personal workspace"):
        services.workspace_leave(membership=personal)


@pytest.mark.django_db(transaction=True)
def test_two_owners_demoting_each_other_at_once_leave_one_owner() -> None:
    """On PostgreSQL the workspace row lock serialises the two changes."""
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL; make test runs this on PostgreSQL.")
    from tests.conftest import make_user

    first, second = make_user("one@example.com"), make_user("two@example.com")
    team = services.workspace_create_team(user=first, name="Race")
    Membership.objects.create(workspace=team, user=second, role=Role.OWNER)
    m1 = Membership.objects.get(workspace=team, user=first)
    m2 = Membership.objects.get(workspace=team, user=second)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def demote(actor: Membership, target: Membership) -> None:
        barrier.wait()
        try:
            services.membership_change_role(actor=actor, target=target, role=Role.EDITOR)
            outcomes.append("changed")
        except services.WorkspaceError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=demote, args=(m1, m2)),
        threading.Thread(target=demote, args=(m2, m1)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["changed", "refused"]
    assert Membership.objects.filter(workspace=team, role=Role.OWNER).count() == 1


def test_a_member_who_leaves_takes_their_personal_keys_out(world: World) -> None:
    from avatarapp.keys.models import ProviderKey
    from tests.keys.factories import openai_key, store_key

    editor = world.membership("editor")
    store_key(editor, openai_key("own"), personal=True, label="Bob's own")
    store_key(world.membership("owner"), openai_key("team"), label="Team key")
    services.workspace_leave(membership=editor)
    assert list(ProviderKey.objects.values_list("label", flat=True)) == ["Team key"]
