from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from avatarapp.workspaces.models import Membership


def workspaces(request: HttpRequest) -> dict[str, Any]:
    """The header's workspace switcher: the current membership and all of the user's others;
    for a signed-out visitor, where signing in should lead back to."""
    membership = getattr(request, "membership", None)
    if membership is None:
        # Signed out: the header's Log in and Sign up carry on the ?next= this page was opened
        # with (an invitation page passes its own address instead).
        return {"auth_next": request.GET.get("next", "")}
    return {
        "current_membership": membership,
        "current_workspace": membership.workspace,
        "switcher_memberships": Membership.objects.filter(user_id=membership.user_id)
        .select_related("workspace")
        .order_by("-workspace__is_personal", "workspace__name"),
    }
