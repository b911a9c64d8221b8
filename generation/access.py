"""Ownership helpers for jobs and images: another workspace's ids answer 404, and a workspace
that requires two-factor sign-in sends a member without it to set it up."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404

from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces import two_factor
from avatarapp.workspaces.access import role_required_message
from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role, at_least
from generation.models import Image, Job


def _membership(request: WorkspaceRequest, workspace_id: uuid.UUID, minimum: str) -> Membership:
    membership = (
        Membership.objects.select_related("workspace")
        .filter(user=request.user, workspace_id=workspace_id)
        .first()
    )
    if membership is None:
        raise Http404("No such job.")
    two_factor.enforce(request, workspace_id, membership.workspace.require_two_factor)
    if not at_least(membership.role, minimum):
        raise PermissionDenied(role_required_message(minimum))
    return membership


def get_job_for_member(request: WorkspaceRequest, job_id: uuid.UUID) -> tuple[Membership, Job]:
    job = Job.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        raise Http404("No such job.")
    return _membership(request, job.workspace_id, Role.VIEWER), job


def get_image_for_member(
    request: WorkspaceRequest, image_id: uuid.UUID, minimum: str = Role.VIEWER
) -> tuple[Membership, Image]:
    # A deleted image is gone for everyone: its row stays only for the ledger and costs.
    image = Image.objects.filter(pk=image_id, deleted_at=None).first()
    if image is None:
        raise Http404("No such image.")
    return _membership(request, image.workspace_id, minimum), image
