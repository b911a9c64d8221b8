"""Everything that changes workspaces, memberships and invitations.

Views stay thin and call these. Each change that could remove the last owner locks the workspace row
first (SELECT ... FOR UPDATE), so two owners demoting each other at the same moment cannot leave a
workspace with none.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from avatarapp.keys.services import key_forget_personal
from avatarapp.workspaces.models import Invitation, Membership, Workspace, hash_token
from avatarapp.workspaces.roles import Role, grantable_by

# 32 bytes from the OS CSPRNG: 256 bits, well past the 128 a link that grants access needs.
INVITATION_TOKEN_BYTES = 32


PERSONAL_WORKSPACE_INVITE_REFUSAL = (
    "A personal workspace is yours alone. Create a team workspace to invite people."
)


class WorkspaceError(Exception):
    """A refused change. The message is a sentence a user can act on."""


def workspace_create_personal(*, user: User) -> Workspace:
    workspace = Workspace.objects.create(name="Personal", is_personal=True, created_by=user)
    Membership.objects.create(workspace=workspace, user=user, role=Role.OWNER)
    return workspace


def workspace_ensure_personal(*, user: User) -> Membership:
    """Every user has somewhere to work: their personal workspace, made on first need."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_related("workspace")
            .filter(user=user, workspace__is_personal=True, workspace__created_by=user)
            .first()
        )
        if membership is None:
            workspace = workspace_create_personal(user=user)
            membership = Membership.objects.select_related("workspace").get(
                workspace=workspace, user=user
            )
    return membership


@transaction.atomic
def workspace_create_team(*, user: User, name: str) -> Workspace:
    workspace = Workspace.objects.create(name=name.strip(), created_by=user)
    Membership.objects.create(workspace=workspace, user=user, role=Role.OWNER)
    return workspace


@dataclass(frozen=True)
class NewInvitation:
    invitation: Invitation
    token: str  # shown once to the inviter (and mailed); only its hash is stored


def invitation_create(*, actor: Membership, email: str, role: str) -> NewInvitation:
    workspace = actor.workspace
    if workspace.is_personal:
        raise WorkspaceError(PERSONAL_WORKSPACE_INVITE_REFUSAL)
    if Role(role) not in grantable_by(actor.role):
        raise WorkspaceError(f"As {actor.get_role_display().lower()} you cannot invite {role}s.")
    email = email.strip().lower()
    if email and Membership.objects.filter(workspace=workspace, user__email__iexact=email).exists():
        raise WorkspaceError(f"{email} is already a member of {workspace.name}.")
    token = secrets.token_urlsafe(INVITATION_TOKEN_BYTES)
    invitation = Invitation.objects.create(
        workspace=workspace,
        email=email,
        role=role,
        token_hash=hash_token(token),
        created_by=actor.user,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS),
    )
    return NewInvitation(invitation=invitation, token=token)


def invitation_find(*, token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("workspace", "created_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


class AddressNotConfirmed(WorkspaceError):
    """The invitation is bound to an address the user has added but not yet confirmed."""

    def __init__(self, email: str) -> None:
        super().__init__(
            f"This invitation is for {email}, which is on your account but not confirmed yet. "
            "Confirm it first."
        )
        self.email = email


def _check_bound_address(invitation: Invitation, user: User) -> None:
    """An invitation bound to an email is for whoever has verified that address: holding the link
    and typing the address into one's own account is not enough."""
    if not invitation.email:
        return
    from allauth.account.models import EmailAddress

    verified = (
        EmailAddress.objects.filter(user=user, email__iexact=invitation.email)
        .values_list("verified", flat=True)
        .order_by("-verified")
        .first()
    )
    if verified:
        return
    # An account made outside sign-up (createsuperuser) may have the address on the user alone.
    if verified is not None or (user.email or "").lower() == invitation.email.lower():
        raise AddressNotConfirmed(invitation.email)
    raise WorkspaceError(
        "This invitation was sent to another email address. Log in with the address it was "
        "sent to, or ask for an invitation for your own."
    )


def invitation_status_refusal(*, invitation: Invitation) -> str | None:
    """Why nobody can use `invitation` any more, or None while it is pending."""
    status = invitation.status
    if status == Invitation.Status.ACCEPTED:
        return "This invitation has already been used. Ask for a new one."
    if status == Invitation.Status.DECLINED:
        return "This invitation was declined. Ask for a new one."
    if status == Invitation.Status.REVOKED:
        return "This invitation was withdrawn. Ask for a new one."
    if status == Invitation.Status.EXPIRED:
        return "This invitation has expired. Ask for a new one."
    return None


def invitation_check_may_use(*, invitation: Invitation, user: User) -> None:
    """Raise the reason `user` cannot accept or decline `invitation` right now, if there is one."""
    refusal = invitation_status_refusal(invitation=invitation)
    if refusal:
        raise WorkspaceError(refusal)
    _check_bound_address(invitation, user)


def invitation_accept(*, token: str, user: User) -> Membership:
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("workspace")
            .filter(token_hash=hash_token(token))
            .first()
        )
        if invitation is None:
            raise WorkspaceError("This invitation link is not valid.")
        # Checked under the row lock, in the transaction that accepts: no page seen earlier counts.
        invitation_check_may_use(invitation=invitation, user=user)
        existing = Membership.objects.filter(workspace=invitation.workspace, user=user).first()
        if existing is not None:
            raise WorkspaceError(f"You are already a member of {invitation.workspace.name}.")
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        return Membership.objects.create(
            workspace=invitation.workspace, user=user, role=invitation.role
        )


def invitation_decline(*, token: str, user: User) -> Invitation:
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().filter(token_hash=hash_token(token)).first()
        )
        if invitation is None:
            raise WorkspaceError("This invitation link is not valid.")
        invitation_check_may_use(invitation=invitation, user=user)
        invitation.declined_at = timezone.now()
        invitation.save(update_fields=["declined_at"])
        return invitation


def invitation_revoke(*, actor: Membership, invitation: Invitation) -> None:
    if invitation.status != Invitation.Status.PENDING:
        raise WorkspaceError("Only a pending invitation can be withdrawn.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


def _lock_and_refresh(*memberships: Membership) -> None:
    """Lock the workspace, then re-read the memberships: an actor demoted a moment ago must not
    act with the role they had when the request began."""
    Workspace.objects.select_for_update().filter(pk=memberships[0].workspace_id).first()
    for membership in memberships:
        try:
            membership.refresh_from_db(fields=["role"])
        except Membership.DoesNotExist:
            raise WorkspaceError("That membership no longer exists.") from None


def _other_owners(target: Membership) -> int:
    return (
        Membership.objects.filter(workspace_id=target.workspace_id, role=Role.OWNER)
        .exclude(pk=target.pk)
        .count()
    )


def _check_may_manage(actor: Membership, target: Membership) -> None:
    if target.role not in grantable_by(actor.role):
        role = actor.get_role_display().lower()
        raise WorkspaceError(f"As {role} you cannot change an {target.role}'s membership.")


def membership_change_role(*, actor: Membership, target: Membership, role: str) -> Membership:
    new_role = Role(role)
    with transaction.atomic():
        _lock_and_refresh(actor, target)
        _check_may_manage(actor, target)
        if new_role not in grantable_by(actor.role):
            raise WorkspaceError(
                f"As {actor.get_role_display().lower()} you cannot make someone {role}."
            )
        if target.role == Role.OWNER and new_role != Role.OWNER and not _other_owners(target):
            raise WorkspaceError(
                "A workspace needs at least one owner. Make someone else owner first."
            )
        target.role = new_role
        target.save(update_fields=["role"])
    return target


def membership_remove(*, actor: Membership, target: Membership) -> None:
    with transaction.atomic():
        _lock_and_refresh(actor, target)
        _check_may_manage(actor, target)
        if target.role == Role.OWNER and not _other_owners(target):
            raise WorkspaceError(
                "A workspace needs at least one owner. Make someone else owner first."
            )
        _end_membership(target)


def workspace_leave(*, membership: Membership) -> None:
    with transaction.atomic():
        _lock_and_refresh(membership)
        if membership.workspace.is_personal:
            raise WorkspaceError("You cannot leave your personal workspace.")
        if membership.role == Role.OWNER and not _other_owners(membership):
            raise WorkspaceError(
                "You are the last owner. Make someone else owner before you leave."
            )
        _end_membership(membership)


def _end_membership(membership: Membership) -> None:
    """A member who goes leaves nothing usable behind: their personal keys in this workspace are
    erased together with the membership."""
    key_forget_personal(membership=membership)
    membership.delete()


def workspace_rename(*, actor: Membership, name: str) -> Workspace:
    workspace = actor.workspace
    workspace.name = name.strip()
    workspace.save(update_fields=["name"])
    return workspace
