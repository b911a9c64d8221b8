"""Ownership helpers: every view reaches workspace objects through these, in one shape.

- An object named by an id in the URL: `get_owned(request, queryset, pk=...)` returns
  `(membership, obj)`, the requesting user's membership of the workspace that holds the object
  and the object, in one query. Each app wraps it once per model (`get_persona_for_member`,
  `get_image_for_member`...) with the queryset that model's pages need.
- Anything reached from a membership the view already holds: `owned(queryset, membership)`,
  the rows of the membership's workspace (`get_object_or_404(owned(...), pk=...)` for one).
- A workspace itself: `get_membership(request, workspace_id)` by id, `get_current_membership`
  for the current one (from the session).

A user who is not a member of the object's workspace gets 404, never 403, so other tenants' ids
reveal nothing. A member without two-factor sign-in, in a workspace that requires it, is sent to
set it up (two_factor.TwoFactorRequired). A member whose role is too low gets 403 with a
sentence saying which role is needed.
"""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import FilteredRelation, Model, Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces import two_factor
from avatarapp.workspaces.models import Invitation, Membership
from avatarapp.workspaces.roles import ROLE_HELP, Role, at_least

T = TypeVar("T", bound=Model)

SESSION_KEY = "workspace_id"
_VIEWER = "viewer_membership"  # the FilteredRelation get_owned joins the user's membership as


def role_required_message(minimum: str) -> str:
    role = Role(minimum)
    return f"This needs the {role.label.lower()} role (an {role.label.lower()} {ROLE_HELP[role]})."


def require_role(membership: Membership, minimum: str) -> None:
    """403 with a sentence naming the role when `membership`'s role is below `minimum`."""
    if not at_least(membership.role, minimum):
        raise PermissionDenied(role_required_message(minimum))


def owned(queryset: QuerySet[T], membership: Membership, *, path: str = "workspace") -> QuerySet[T]:
    """The rows of `queryset` in `membership`'s workspace. `path` leads from the model to its
    Workspace ("workspace", or "persona__workspace" for a persona's reference images)."""
    return queryset.filter(**{f"{path}__pk": membership.workspace_id})


def get_owned(
    request: HttpRequest,
    queryset: QuerySet[T],
    *,
    pk: object,
    minimum: str = Role.VIEWER,
    path: str = "workspace",
) -> tuple[Membership, T]:
    """(membership, obj): the row `pk` of `queryset` and the requesting user's membership of the
    workspace that holds it, whichever workspace is current. One query: the membership (with its
    workspace) is joined to the row. `path` as for `owned`."""
    what = queryset.model._meta.verbose_name
    if not request.user.is_authenticated:
        raise Http404(f"No such {what}.")
    memberships = f"{path}__memberships"
    row = (
        queryset.annotate(
            **{
                _VIEWER: FilteredRelation(
                    memberships, condition=Q(**{f"{memberships}__user": request.user})
                )
            }
        )
        .filter(**{"pk": pk, f"{_VIEWER}__isnull": False})
        .select_related(f"{_VIEWER}__workspace")
        .first()
    )
    if row is None:
        raise Http404(f"No such {what}.")
    membership: Membership = getattr(row, _VIEWER)
    two_factor.enforce(request, membership.workspace_id, membership.workspace.require_two_factor)
    require_role(membership, minimum)
    return membership, row


def get_membership(
    request: HttpRequest, workspace_id: uuid.UUID | str, minimum: str = Role.VIEWER
) -> Membership:
    """The requesting user's membership of `workspace_id`, with at least role `minimum`."""
    if not request.user.is_authenticated:
        raise Http404("No such workspace.")
    membership = (
        Membership.objects.select_related("workspace", "user")
        .filter(user=request.user, workspace_id=workspace_id)
        .first()
    )
    if membership is None:
        raise Http404("No such workspace.")
    two_factor.enforce(request, membership.workspace_id, membership.workspace.require_two_factor)
    require_role(membership, minimum)
    return membership


def get_current_membership(request: WorkspaceRequest, minimum: str = Role.VIEWER) -> Membership:
    """The membership of the current workspace (from the session), for list and create pages.
    CurrentWorkspaceMiddleware has re-checked it and applied the two-factor rule."""
    membership = request.membership
    if membership is None:
        raise Http404("No workspace.")
    require_role(membership, minimum)
    return membership


def get_member_for_admin(
    request: HttpRequest, workspace_id: uuid.UUID | str, membership_id: int
) -> tuple[Membership, Membership]:
    """(actor, target): the acting admin's membership and a membership of the same workspace."""
    actor = get_membership(request, workspace_id, Role.ADMIN)
    members = owned(Membership.objects.select_related("workspace", "user"), actor)
    return actor, get_object_or_404(members, pk=membership_id)


def get_invitation_for_admin(
    request: HttpRequest, workspace_id: uuid.UUID | str, invitation_id: int
) -> tuple[Membership, Invitation]:
    actor = get_membership(request, workspace_id, Role.ADMIN)
    return actor, get_object_or_404(owned(Invitation.objects.all(), actor), pk=invitation_id)
