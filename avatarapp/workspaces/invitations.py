"""The invitee's side of an invitation link: look, accept, decline."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces import pending_invitation, services
from avatarapp.workspaces.access import SESSION_KEY
from avatarapp.workspaces.address_confirmation import ask_to_confirm
from avatarapp.workspaces.models import Membership


def welcome(membership: Membership) -> str:
    """The line the newcomer reads on the team's Personas page: "Welcome to Acme marketing, you
    joined as an editor." """
    role = membership.get_role_display().lower()
    article = "an" if role[0] in "aeiou" else "a"
    return f"Welcome to {membership.workspace.name}, you joined as {article} {role}."


@require_GET
def invitation(request: WorkspaceRequest, token: str) -> HttpResponse:
    found = services.invitation_find(token=token)
    if found is None:
        return render(
            request,
            "workspaces/invitation.html",
            {"refusal": "This invitation link is not valid. Check that you copied all of it."},
            status=404,
        )
    # A used, expired or withdrawn link is gone for everyone (410); an email-bound one is only
    # refused to the wrong account, which may log in with the right one.
    gone = services.invitation_status_refusal(invitation=found)
    refusal, unconfirmed_email = gone, None
    if request.user.is_authenticated:
        pending_invitation.forget(request)  # arrived: nothing left to come back to
    elif gone is None:
        pending_invitation.remember(request, token)
    if refusal is None and request.user.is_authenticated:
        try:
            services.invitation_check_may_use(invitation=found, user=request.user)
        except services.AddressNotConfirmed as error:
            unconfirmed_email = error.email
        except services.WorkspaceError as error:
            refusal = str(error)
    return render(
        request,
        "workspaces/invitation.html",
        {
            "invitation": found,
            "token": token,
            "refusal": refusal,
            "unconfirmed_email": unconfirmed_email,
            # The header's Sign up and Log in come back here too (base.html).
            "auth_next": request.path,
        },
        status=410 if gone else 200,
    )


@require_POST
@login_required
def accept(request: WorkspaceRequest, token: str) -> HttpResponse:
    try:
        membership = services.invitation_accept(token=token, user=request.user)
    except services.AddressNotConfirmed as error:
        messages.error(request, ask_to_confirm(request, request.user, error.email, token))
        return redirect("invitation", token=token)
    except services.WorkspaceError as error:
        messages.error(request, str(error))
        return redirect("invitation", token=token)
    pending_invitation.forget(request)
    # The team is where the newcomer works from now on: its personas are the first thing to see.
    request.session[SESSION_KEY] = str(membership.workspace_id)
    messages.success(request, welcome(membership))
    return redirect("personas:list")


@require_POST
@login_required
def decline(request: WorkspaceRequest, token: str) -> HttpResponse:
    pending_invitation.forget(request)
    try:
        services.invitation_decline(token=token, user=request.user)
    except services.WorkspaceError as error:
        messages.error(request, str(error))
        return redirect("invitation", token=token)
    messages.info(request, "Invitation declined.")
    return redirect("home")
