"""The images the galleries show: a member's image that has not been deleted.

A deleted image stays in the table for the ledger, but it is gone for everyone: its page, its
download and every action on it answer 404, whatever the role. Another workspace's image is 404
too (generation.access), and a role too low for the action is 403 with a sentence.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404

from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.access import role_required_message
from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role, at_least
from generation.access import get_image_for_member
from generation.models import Image


def get_shown_image(
    request: WorkspaceRequest, image_id: uuid.UUID, minimum: str = Role.VIEWER
) -> tuple[Membership, Image]:
    membership, image = get_image_for_member(request, image_id)
    if image.deleted_at is not None:  # checked before the role: deleted is deleted for everyone
        raise Http404("No such image.")
    if not at_least(membership.role, minimum):
        raise PermissionDenied(role_required_message(minimum))
    return membership, image
