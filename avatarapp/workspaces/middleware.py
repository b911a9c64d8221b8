"""Resolve the current workspace from the session, re-checking membership on every request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from avatarapp.workspaces.access import SESSION_KEY
from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.services import ensure_personal_workspace


def current_membership(request: HttpRequest) -> Membership | None:
    if not request.user.is_authenticated:
        return None
    workspace_id = request.session.get(SESSION_KEY)
    membership = None
    if workspace_id:
        # Membership may have been revoked since the session chose this workspace.
        membership = (
            Membership.objects.select_related("workspace")
            .filter(user=request.user, workspace_id=workspace_id)
            .first()
        )
    if membership is None:
        membership = ensure_personal_workspace(request.user)
        request.session[SESSION_KEY] = str(membership.workspace_id)
    return membership


class CurrentWorkspaceMiddleware:
    """Sets `request.membership` (None when anonymous) and `request.workspace`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        membership = current_membership(request)
        request.membership = membership  # type: ignore[attr-defined]
        request.workspace = membership.workspace if membership else None  # type: ignore[attr-defined]
        return self.get_response(request)
