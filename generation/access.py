"""Ownership helpers for jobs and images, in the shape of `avatarapp.workspaces.access.get_owned`:
`(membership, obj)`, 404 for another workspace's ids, the two-factor rule, 403 for a role too low.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest

from avatarapp.workspaces.access import get_owned
from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role
from generation.models import Image, Job


def get_job_for_member(
    request: HttpRequest, job_id: uuid.UUID, minimum: str = Role.VIEWER
) -> tuple[Membership, Job]:
    return get_owned(
        request, Job.objects.select_related("created_by", "campaign"), pk=job_id, minimum=minimum
    )


def get_image_for_member(
    request: HttpRequest, image_id: uuid.UUID, minimum: str = Role.VIEWER
) -> tuple[Membership, Image]:
    """A deleted image is gone for everyone, whatever the role: its page, its download and every
    action on it answer 404. Its row stays only for the ledger and costs."""
    images = Image.objects.filter(deleted_at=None)
    return get_owned(request, images, pk=image_id, minimum=minimum)
