"""Request types for view signatures: what middleware has set by the time a view runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django_htmx.middleware import HtmxDetails

    from avatarapp.workspaces.models import Membership, Workspace


class WorkspaceRequest(HttpRequest):
    """A request from a logged-in user (views use @login_required), with the current workspace
    resolved by CurrentWorkspaceMiddleware and htmx details by django-htmx."""

    user: User
    membership: Membership
    workspace: Workspace
    htmx: HtmxDetails
