"""Who may see and do what with provider keys. Every key view reaches keys through here.

- Workspace keys: owners and admins manage them (add, check, rename, revoke, delete, see the
  trail); editors use them in jobs and see them masked; viewers see only that they exist
  (provider, label, status).
- Personal keys: only their owner sees, uses or manages them. To everyone else, admins included,
  they do not exist (404, like another tenant's objects). Adding one needs the editor role: a
  viewer cannot run jobs, so a personal key would only be one more secret to guard.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from avatarapp.keys.models import ProviderKey
from avatarapp.workspaces.access import get_owned, role_required_message
from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role, at_least

MANAGE_WORKSPACE_KEYS = Role.ADMIN
ADD_PERSONAL_KEY = Role.EDITOR


@dataclass(frozen=True)
class KeyView:
    """A key as one member may see it; templates show only what the flags allow."""

    key: ProviderKey
    can_manage: bool
    show_mask: bool
    show_fingerprint: bool
    show_details: bool  # last check message, last use, balance


def can_manage(membership: Membership, key: ProviderKey) -> bool:
    if key.owner_id is not None:
        return key.owner_id == membership.user_id
    return at_least(membership.role, MANAGE_WORKSPACE_KEYS)


def can_add_workspace_key(membership: Membership) -> bool:
    return at_least(membership.role, MANAGE_WORKSPACE_KEYS)


def can_add_personal_key(membership: Membership) -> bool:
    # In a personal workspace every key is the owner's; the form offers no scope there.
    return not membership.workspace.is_personal and at_least(membership.role, ADD_PERSONAL_KEY)


def can_see_trail(membership: Membership) -> bool:
    return at_least(membership.role, MANAGE_WORKSPACE_KEYS)


def key_view(membership: Membership, key: ProviderKey) -> KeyView:
    own = key.owner_id is not None and key.owner_id == membership.user_id
    admin = at_least(membership.role, Role.ADMIN)
    editor = at_least(membership.role, Role.EDITOR)
    return KeyView(
        key=key,
        can_manage=can_manage(membership, key),
        show_mask=own or editor,
        show_fingerprint=own or (admin and key.owner_id is None),
        show_details=own or editor,
    )


def visible_keys(membership: Membership) -> QuerySet[ProviderKey]:
    """The workspace's keys plus the member's own personal keys."""
    return ProviderKey.objects.filter(workspace_id=membership.workspace_id).filter(
        Q(owner__isnull=True) | Q(owner_id=membership.user_id)
    )


def get_key_for_member(request: HttpRequest, key_id: uuid.UUID) -> tuple[Membership, ProviderKey]:
    """(membership, key) for a key the requesting user may see; 404 for anyone else, including
    members of the workspace looking at another member's personal key."""
    seen = ProviderKey.objects.filter(Q(owner__isnull=True) | Q(owner_id=request.user.pk))
    return get_owned(request, seen, pk=key_id)


def get_key_for_manager(request: HttpRequest, key_id: uuid.UUID) -> tuple[Membership, ProviderKey]:
    """As get_key_for_member, and 403 unless the member may manage the key (can_manage)."""
    membership, key = get_key_for_member(request, key_id)
    if not can_manage(membership, key):
        raise PermissionDenied(role_required_message(MANAGE_WORKSPACE_KEYS))
    return membership, key
