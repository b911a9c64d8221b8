"""A persona's cover portrait: the image that stands for it on its card, its page and in the
Generate picker (personas.faces), chosen by an editor from the persona's gallery."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.roles import Role
from gallery.models import PersonaCover
from gallery.views.common import back_to
from generation.models import Image
from personas.access import get_persona_for_member


@require_POST
@login_required
def set_cover(request: WorkspaceRequest, pk: uuid.UUID) -> HttpResponse:
    _, persona = get_persona_for_member(request, pk, Role.EDITOR)
    # Only this persona's own finished portraits, in its workspace, not deleted: any other id
    # (another persona's, another workspace's, a deleted or failed image) changes nothing.
    image = Image.objects.filter(
        pk__in=_uuids(request.POST.get("image", "")),
        persona=persona,
        workspace_id=persona.workspace_id,
        deleted_at=None,
        status=Image.Status.SUCCEEDED,
    ).first()
    if image is None:
        messages.error(request, f"Pick one of {persona.name}'s finished portraits as the cover.")
    else:
        PersonaCover.objects.update_or_create(
            persona=persona,
            defaults={"image": image, "chosen_by": request.user, "chosen_at": timezone.now()},
        )
        messages.success(request, f"{persona.name}'s cover portrait is chosen.")
    page = reverse("personas:detail", args=[persona.pk])
    return redirect(back_to(request, page) + "#portraits")


def _uuids(text: str) -> list[uuid.UUID]:
    try:
        return [uuid.UUID(text)]
    except ValueError:
        return []
