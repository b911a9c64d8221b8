"""Workspace pages: list and create, switch, members, invitations, roles, leave, 2FA rule."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from avatarapp.content_credentials import marking_only_note
from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces import services, two_factor
from avatarapp.workspaces.access import (
    SESSION_KEY,
    get_invitation_for_admin,
    get_member_for_admin,
    get_membership,
)
from avatarapp.workspaces.forms import InvitationForm, RoleForm, WorkspaceNameForm
from avatarapp.workspaces.models import Invitation, Membership
from avatarapp.workspaces.roles import ROLE_HELP, Role, at_least, grantable_by


@login_required
def workspace_list(request: WorkspaceRequest) -> HttpResponse:
    form = WorkspaceNameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        workspace = services.workspace_create_team(
            user=request.user, name=form.cleaned_data["name"]
        )
        request.session[SESSION_KEY] = str(workspace.pk)
        messages.success(request, f"Created {workspace.name}. Invite your team below.")
        return redirect("workspaces:members", workspace_id=workspace.pk)
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("workspace")
        .order_by("-workspace__is_personal", "workspace__name")
    )
    return render(request, "workspaces/list.html", {"form": form, "memberships": memberships})


@require_POST
@login_required
def switch(request: WorkspaceRequest, workspace_id: uuid.UUID) -> HttpResponse:
    membership = get_membership(request, workspace_id)
    request.session[SESSION_KEY] = str(membership.workspace_id)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("home")
    return redirect(target)


def _members_context(
    request: WorkspaceRequest, membership: Membership, **extra: Any
) -> dict[str, Any]:
    workspace = membership.workspace
    is_admin = at_least(membership.role, Role.ADMIN)
    members = workspace.memberships.select_related("user").order_by("user__email")
    context: dict[str, Any] = {
        "workspace": workspace,
        "membership": membership,
        "is_admin": is_admin,
        "members": members,
        "grantable_roles": grantable_by(membership.role),
        "role_help": [(role.label, ROLE_HELP[role]) for role in Role],
        "invitations": workspace.invitations.pending().select_related("created_by")
        if is_admin
        else [],
        "invitation_form": InvitationForm(actor_role=membership.role) if is_admin else None,
        "rename_form": WorkspaceNameForm(initial={"name": workspace.name}) if is_admin else None,
        "two_factor": two_factor.policy(membership),
        "export_note": marking_only_note(),
    }
    context.update(extra)
    return context


@require_GET
@login_required
def members(request: WorkspaceRequest, workspace_id: uuid.UUID) -> HttpResponse:
    membership = get_membership(request, workspace_id)
    return render(request, "workspaces/members.html", _members_context(request, membership))


@require_POST
@login_required
def invite(request: WorkspaceRequest, workspace_id: uuid.UUID) -> HttpResponse:
    actor = get_membership(request, workspace_id, Role.ADMIN)
    if actor.workspace.is_personal:
        # The page offers no invitation form here; say why instead of failing silently.
        messages.error(request, services.PERSONAL_WORKSPACE_INVITE_REFUSAL)
        return _back_to_members(workspace_id)
    form = InvitationForm(request.POST, actor_role=actor.role)
    extra: dict[str, Any] = {"invitation_form": form}
    if form.is_valid():
        try:
            new = services.invitation_create(actor=actor, **form.cleaned_data)
        except services.WorkspaceError as error:
            form.add_error(None, str(error))
        else:
            link = request.build_absolute_uri(reverse("invitation", args=[new.token]))
            if new.invitation.email:
                _send_invitation_email(actor, new.invitation, link)
            # The link is shown once, now; only its hash is stored.
            extra = {"new_invitation": new.invitation, "new_link": link}
    context = _members_context(request, actor, **extra)
    template = "workspaces/members.html#invitations" if request.htmx else "workspaces/members.html"
    return render(request, template, context)


def _send_invitation_email(actor: Membership, invitation: Invitation, link: str) -> None:
    inviter = actor.user.get_username()
    send_mail(
        subject=f"{inviter} invited you to {actor.workspace.name} on avatarapp",
        message=(
            f"{inviter} invited you to join the workspace {actor.workspace.name} as "
            f"{invitation.get_role_display().lower()}.\n\nAccept here: {link}\n\n"
            f"The link works once and expires on {invitation.expires_at:%Y-%m-%d}."
        ),
        from_email=None,
        recipient_list=[invitation.email],
    )


def _back_to_members(workspace_id: uuid.UUID) -> HttpResponse:
    return redirect("workspaces:members", workspace_id=workspace_id)


@require_POST
@login_required
def revoke_invitation(
    request: WorkspaceRequest, workspace_id: uuid.UUID, invitation_id: int
) -> HttpResponse:
    actor, invitation = get_invitation_for_admin(request, workspace_id, invitation_id)
    try:
        services.invitation_revoke(actor=actor, invitation=invitation)
    except services.WorkspaceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Invitation withdrawn. Its link no longer works.")
    return _back_to_members(workspace_id)


@require_POST
@login_required
def change_role(
    request: WorkspaceRequest, workspace_id: uuid.UUID, membership_id: int
) -> HttpResponse:
    actor, target = get_member_for_admin(request, workspace_id, membership_id)
    form = RoleForm(request.POST, actor_role=actor.role)
    if not form.is_valid():
        messages.error(request, "Choose one of the listed roles.")
        return _back_to_members(workspace_id)
    try:
        services.membership_change_role(actor=actor, target=target, role=form.cleaned_data["role"])
    except services.WorkspaceError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"{target.user.email} is now {target.get_role_display().lower()}."
        )
    return _back_to_members(workspace_id)


@require_POST
@login_required
def remove_member(
    request: WorkspaceRequest, workspace_id: uuid.UUID, membership_id: int
) -> HttpResponse:
    actor, target = get_member_for_admin(request, workspace_id, membership_id)
    try:
        services.membership_remove(actor=actor, target=target)
    except services.WorkspaceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Removed {target.user.email} from {actor.workspace.name}.")
    return _back_to_members(workspace_id)


@require_POST
@login_required
def leave(request: WorkspaceRequest, workspace_id: uuid.UUID) -> HttpResponse:
    membership = get_membership(request, workspace_id)
    try:
        services.workspace_leave(membership=membership)
    except services.WorkspaceError as error:
        messages.error(request, str(error))
        return _back_to_members(workspace_id)
    request.session.pop(SESSION_KEY, None)
    messages.success(request, f"You left {membership.workspace.name}.")
    return redirect("workspaces:list")


@require_POST
@login_required
def rename(request: WorkspaceRequest, workspace_id: uuid.UUID) -> HttpResponse:
    actor = get_membership(request, workspace_id, Role.ADMIN)
    form = WorkspaceNameForm(request.POST)
    if form.is_valid():
        services.workspace_rename(actor=actor, name=form.cleaned_data["name"])
        messages.success(request, "Workspace renamed.")
        return _back_to_members(workspace_id)
    context = _members_context(request, actor, rename_form=form)
    return render(request, "workspaces/members.html", context)


# The two buttons of the members page's "Two-factor sign-in" card.
TWO_FACTOR_CHOICES = {"on": True, "off": False}


@require_POST
@login_required
def require_two_factor(request: WorkspaceRequest, workspace_id: uuid.UUID) -> HttpResponse:
    actor = get_membership(request, workspace_id, Role.OWNER)
    required = TWO_FACTOR_CHOICES.get(request.POST.get("require", ""))
    if required is None:
        messages.error(request, "Choose whether to require two-factor sign-in.")
        return _back_to_members(workspace_id)
    try:
        two_factor.workspace_set_two_factor_requirement(actor=actor, required=required)
    except services.WorkspaceError as error:
        messages.error(request, str(error))
        return _back_to_members(workspace_id)
    name = actor.workspace.name
    if required:
        messages.success(
            request,
            f"{name} now requires two-factor sign-in. Members without it are asked to set it up "
            "when they next open the workspace.",
        )
    else:
        messages.success(request, f"{name} no longer requires two-factor sign-in.")
    return _back_to_members(workspace_id)
