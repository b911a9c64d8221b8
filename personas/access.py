"""Ownership helpers for personas, reference images and styles: every view reaches them here.

Like `avatarapp.workspaces.access`: an object in a workspace the user is not a member of is 404
(its id reveals nothing), a member without two-factor sign-in is sent to set it up when the
workspace requires it, a member whose role is too low gets 403 with a sentence naming the role.
One query per lookup: the object is joined to the requesting user's membership, and that
membership's role comes back annotated on the row.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import F, Model, QuerySet
from django.http import Http404

from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces import two_factor
from avatarapp.workspaces.access import role_required_message
from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role, at_least
from personas.models import Persona, ReferenceImage, Style

T = TypeVar("T", bound=Model)


@dataclass(frozen=True)
class Member(Generic[T]):
    """An object together with the requesting user's role in the object's workspace."""

    obj: T
    role: str

    @property
    def can_edit(self) -> bool:
        return at_least(self.role, Role.EDITOR)


def _check_role(role: str, minimum: str) -> None:
    if not at_least(role, minimum):
        raise PermissionDenied(role_required_message(minimum))


def _member_lookup(
    request: WorkspaceRequest, queryset: QuerySet[T], path: str, minimum: str, what: str
) -> Member[T]:
    """`path` leads from the model to its Workspace ("workspace" or "persona__workspace")."""
    if not request.user.is_authenticated:
        raise Http404(f"No such {what}.")
    row = (
        queryset.filter(**{f"{path}__memberships__user": request.user})
        .annotate(
            member_role=F(f"{path}__memberships__role"),
            member_workspace_id=F(f"{path}__id"),
            member_workspace_requires_two_factor=F(f"{path}__require_two_factor"),
        )
        .first()
    )
    if row is None:
        raise Http404(f"No such {what}.")
    # Annotated by the query above.
    two_factor.enforce(request, row.member_workspace_id, row.member_workspace_requires_two_factor)
    role: str = row.member_role
    _check_role(role, minimum)
    return Member(row, role)


def current_member(request: WorkspaceRequest, minimum: str = Role.VIEWER) -> Membership:
    """The membership of the current workspace (from the session), for list and create pages."""
    membership = request.membership
    if membership is None:
        raise Http404("No workspace.")
    _check_role(membership.role, minimum)
    return membership


def get_persona_for_member(
    request: WorkspaceRequest, pk: uuid.UUID, minimum: str = Role.VIEWER
) -> Member[Persona]:
    queryset = Persona.objects.select_related("workspace", "created_by").filter(pk=pk)
    return _member_lookup(request, queryset, "workspace", minimum, "persona")


def get_reference_for_member(
    request: WorkspaceRequest, persona_pk: uuid.UUID, pk: uuid.UUID, minimum: str = Role.VIEWER
) -> Member[ReferenceImage]:
    queryset = ReferenceImage.objects.select_related("persona").filter(pk=pk, persona_id=persona_pk)
    return _member_lookup(request, queryset, "persona__workspace", minimum, "reference image")


def get_style_for_member(
    request: WorkspaceRequest, pk: uuid.UUID, minimum: str = Role.VIEWER
) -> Member[Style]:
    queryset = Style.objects.select_related("workspace").filter(pk=pk)
    return _member_lookup(request, queryset, "workspace", minimum, "style")
