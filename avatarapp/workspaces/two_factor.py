"""Two-factor sign-in as a workspace rule: an owner can require it of every member.

A member "has two-factor sign-in" when signing in asks them for a second factor (an authenticator
app or a passkey), the same test allauth's login stage makes. Recovery codes alone do not count:
allauth makes them only beside one of those and deletes them with the last.

A workspace that requires it opens only to a session that has used a second factor: signed in
with one, confirmed one since (allauth records both in the session), or set one up just now. A
member without any is sent to set one up; a member who has one, in a session that signed in by
password alone (say before they set it up, or someone else who knew the password), is asked for a
code. `enforce` is the one check, called from two places: the ownership helpers
(`access.get_owned` and `access.get_membership`, which every lookup goes through), so an object
reached by id is closed even while another workspace is current; and CurrentWorkspaceMiddleware,
for pages that read the current workspace. Both raise TwoFactorRequired; the middleware turns it
into a redirect.

Removing one's last second factor while a workspace requires 2FA is refused (avatarapp.workspaces
.mfa), with a sentence naming the workspaces: someone who can work there today should not lock
themselves out by one click. The check here stays the backstop for any other way an authenticator
disappears (an administrator deleting it): its owner is simply sent to set one up again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import Enum
from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.dispatch import receiver
from django.http import HttpRequest

from avatarapp.workspaces.models import Membership, Workspace
from avatarapp.workspaces.roles import Role
from avatarapp.workspaces.services import WorkspaceError

SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
# Set when a second factor is added in this session: adding one proves it as well as using it.
SET_UP_SESSION_KEY = "two_factor_set_up"
_CACHE_ATTRIBUTE = "_avatarapp_two_factor_need"


class Need(Enum):
    SET_UP = "set up a second factor"  # the member has none
    CODE = "use the second factor in this session"  # the member has one; this session did not


class TwoFactorRequired(Exception):
    """`workspace_id` requires two-factor sign-in and the requesting session has not used it."""

    def __init__(self, workspace_id: uuid.UUID, need: Need) -> None:
        super().__init__(f"Workspace {workspace_id} requires two-factor sign-in: {need.value}.")
        self.workspace_id = workspace_id
        self.need = need


def has_two_factor(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(is_mfa_enabled(user, SECOND_FACTORS))


def session_used_second_factor(request: HttpRequest) -> bool:
    if request.session.get(SET_UP_SESSION_KEY):
        return True
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


@receiver(authenticator_added)
def remember_set_up(sender: Any, request: HttpRequest, **kwargs: Any) -> None:
    # allauth sends this once the authenticator is committed, still inside the request that
    # added it (requests are not wrapped in one transaction here), so the session is saved after.
    request.session[SET_UP_SESSION_KEY] = True


def _need(request: HttpRequest) -> Need | None:
    """What the requesting session still needs, worked out once per request."""
    if not hasattr(request, _CACHE_ATTRIBUTE):
        found = None
        if not has_two_factor(request.user):
            found = Need.SET_UP
        elif not session_used_second_factor(request):
            found = Need.CODE
        setattr(request, _CACHE_ATTRIBUTE, found)
    need: Need | None = getattr(request, _CACHE_ATTRIBUTE)
    return need


def enforce(request: HttpRequest, workspace_id: uuid.UUID, requires_two_factor: bool) -> None:
    """Raise TwoFactorRequired when the workspace requires 2FA and this session has not used it."""
    need = _need(request) if requires_two_factor else None
    if need is not None:
        raise TwoFactorRequired(workspace_id, need)


def required_message(workspace_name: str, need: Need) -> str:
    if need is Need.CODE:
        return (
            f"{workspace_name} requires two-factor sign-in, and this browser signed in with your "
            "password only. Confirm with your authenticator app or passkey to open "
            f"{workspace_name}."
        )
    return (
        f"{workspace_name} requires two-factor sign-in. Set it up here to open {workspace_name}; "
        "your other workspaces work as before."
    )


def workspaces_requiring(user_id: int) -> list[str]:
    """Names of the user's workspaces that require two-factor sign-in."""
    return list(
        Workspace.objects.filter(memberships__user_id=user_id, require_two_factor=True)
        .order_by("name")
        .values_list("name", flat=True)
    )


def removal_refusal(authenticator: Authenticator) -> str | None:
    """Why `authenticator` may not be removed, or None when it may: it is the user's last second
    factor and a workspace of theirs requires one."""
    others = Authenticator.objects.filter(
        user_id=authenticator.user_id, type__in=SECOND_FACTORS
    ).exclude(pk=authenticator.pk)
    if authenticator.type not in SECOND_FACTORS or others.exists():
        return None
    names = workspaces_requiring(authenticator.user_id)
    if not names:
        return None
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    verb = "requires" if len(names) == 1 else "require"
    return (
        f"You cannot turn off two-factor sign-in while {listed} {verb} it. Leave {listed}, or "
        "ask an owner there to stop requiring it, first."
    )


def workspace_set_two_factor_requirement(*, actor: Membership, required: bool) -> None:
    """An owner (the view checks the role) turns the rule on or off. Turning it on needs 2FA on
    the owner's own account: nobody requires of others what they have not done themselves."""
    workspace = actor.workspace
    if workspace.is_personal:
        raise WorkspaceError(
            "A personal workspace is yours alone: turn on two-factor sign-in for your account "
            "instead."
        )
    if required and not has_two_factor(actor.user):
        raise WorkspaceError(
            "Set up two-factor sign-in for your own account first (account menu, Two-factor "
            f"sign-in), then you can require it for everyone in {workspace.name}."
        )
    workspace.require_two_factor = required
    workspace.save(update_fields=["require_two_factor"])


@dataclass(frozen=True)
class Policy:
    """What the members page shows about the rule."""

    required: bool
    can_change: bool  # owners only
    actor_ready: bool  # the viewing owner has 2FA, so may turn the rule on
    members_without: list[str]  # emails, shown to owners so they know who will be asked


def policy(membership: Membership) -> Policy:
    workspace = membership.workspace
    is_owner = membership.role == Role.OWNER
    without: list[str] = []
    if is_owner:
        with_two_factor = Authenticator.objects.filter(
            user__memberships__workspace=workspace, type__in=SECOND_FACTORS
        ).values("user_id")
        without = list(
            workspace.memberships.exclude(user_id__in=with_two_factor)
            .order_by("user__email")
            .values_list("user__email", flat=True)
        )
    return Policy(
        required=workspace.require_two_factor,
        can_change=is_owner,
        actor_ready=is_owner and has_two_factor(membership.user),
        members_without=without,
    )
