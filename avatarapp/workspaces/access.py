"""Ownership helpers: every view reaches workspace objects through these.

A user who is not a member of the workspace gets 404, never 403, so other tenants' ids reveal
nothing. A member without two-factor sign-in, in a workspace that requires it, is sent to set it
up (two_factor.TwoFactorRequired). A member whose role is too low gets 403 with a sentence saying
which role is needed.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from avatarapp.workspaces import two_factor
from avatarapp.workspaces.models import Invitation, Membership
from avatarapp.workspaces.roles import ROLE_HELP, Role, at_least

SESSION_KEY = "workspace_id"


def role_required_message(minimum: str) -> str:
    role = Role(minimum)
    return f"This needs the {role.label.lower()} role (an {role.label.lower()} {ROLE_HELP[role]})."


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
    if not at_least(membership.role, minimum):
        raise PermissionDenied(role_required_message(minimum))
    return membership


def get_member_for_admin(
    request: HttpRequest, workspace_id: uuid.UUID | str, membership_id: int
) -> tuple[Membership, Membership]:
    """(actor, target): the acting admin's membership and a membership of the same workspace."""
    actor = get_membership(request, workspace_id, Role.ADMIN)
    target = (
        Membership.objects.select_related("workspace", "user")
        .filter(workspace_id=actor.workspace_id, pk=membership_id)
        .first()
    )
    if target is None:
        raise Http404("No such member.")
    return actor, target


def get_invitation_for_admin(
    request: HttpRequest, workspace_id: uuid.UUID | str, invitation_id: int
) -> tuple[Membership, Invitation]:
    actor = get_membership(request, workspace_id, Role.ADMIN)
    invitation = Invitation.objects.filter(
        workspace_id=actor.workspace_id, pk=invitation_id
    ).first()
    if invitation is None:
        raise Http404("No such invitation.")
    return actor, invitation
