"""Tags on the image page: add one (typed, or picked from the workspace's suggestions), remove
one, and the suggestions as you type. Editors and above; viewers get 403.

With htmx each answer is the tags part of the page, swapped in place (a refusal in it too); without
JavaScript the forms post and come back to the page, a refusal shown in place on it.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.access import owned
from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role
from gallery import lightbox, services
from gallery.models import Tag
from gallery.views.lightbox import PAGE, image_url, page, tags_context
from generation.access import get_image_for_member
from generation.models import Image


def _answer(
    request: WorkspaceRequest,
    membership: Membership,
    image: Image,
    error: str = "",
    typed: str = "",
) -> HttpResponse:
    query = request.GET.urlencode()
    if request.htmx:
        context = tags_context(membership, image, query, tag_error=error, tag_name=typed)
        return render(request, f"{PAGE}#tags", context)
    if error:
        return page(request, membership, image, tag_error=error, tag_name=typed)
    return redirect(image_url(image.pk, query))


@require_POST
@login_required
def add(request: WorkspaceRequest, image_id: uuid.UUID) -> HttpResponse:
    membership, image = get_image_for_member(request, image_id, Role.EDITOR)
    # A suggestion is a button named "pick"; the text field is "name".
    name = request.POST.get("pick") or request.POST.get("name", "")
    try:
        services.image_add_tag(membership=membership, images=[image], name=name)
    except services.TagError as error:
        return _answer(request, membership, image, error=str(error), typed=name)
    return _answer(request, membership, image)


@require_POST
@login_required
def remove(request: WorkspaceRequest, image_id: uuid.UUID, tag_id: int) -> HttpResponse:
    membership, image = get_image_for_member(request, image_id, Role.EDITOR)
    tag = get_object_or_404(owned(Tag.objects.all(), membership), pk=tag_id)
    services.image_remove_tag(membership=membership, images=[image], tag=tag)
    return _answer(request, membership, image)


@require_GET
@login_required
def suggest(request: WorkspaceRequest, image_id: uuid.UUID) -> HttpResponse:
    membership, image = get_image_for_member(request, image_id, Role.EDITOR)
    found = lightbox.suggestions(membership, image, request.GET.get("name", ""))
    return render(request, f"{PAGE}#suggestions", {"suggestions": found})
