"""Photos dropped on a persona or style form before it is saved (personas.uploads): upload one
or more (static/js/drop-zone.js sends each file on its own, to show its progress), show its
thumbnail, remove it. A held photo is its uploader's alone: anyone else gets 404.

Without JavaScript the photos travel with the form itself, and its Remove buttons submit the
form: `take_posted` handles both for the form views.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from avatarapp.caching import serve_private_file
from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.access import get_current_membership
from avatarapp.workspaces.models import Workspace
from avatarapp.workspaces.roles import Role
from personas import uploads
from personas.models import PendingUpload
from personas.reference_files import content_type_of
from personas.services import PersonaError
from personas.upload_forms import PendingUploadForm


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _own(request: WorkspaceRequest, pk: uuid.UUID) -> PendingUpload:
    membership = get_current_membership(request, Role.EDITOR)
    upload = PendingUpload.objects.filter(
        pk=pk, workspace=membership.workspace, created_by=request.user
    ).first()
    if upload is None:
        raise Http404("No such photo.")
    return upload


def take_posted(
    request: WorkspaceRequest, workspace: Workspace, draft: uuid.UUID, purpose: str
) -> tuple[PendingUploadForm, list[PendingUpload]]:
    """Hold the photos posted with a form and apply its Remove button. Returns the upload form,
    which carries the refusal when a photo was refused (then none was kept), and the photos
    held now."""
    removed = _uuid(request.POST.get("remove_pending"))
    if removed is not None:
        upload = (
            uploads.upload_list(workspace=workspace, user=request.user, draft=draft)
            .filter(pk=removed)
            .first()
        )
        if upload is not None:
            uploads.upload_remove(upload=upload)
    limit = uploads.LIMITS[purpose]
    form = PendingUploadForm(request.POST, request.FILES, limit=limit)
    if not form.is_valid() or not form.cleaned_data["images"]:
        return form, []
    names = [f.name or "photo" for f in request.FILES.getlist("images")]
    prepared = list(zip(form.cleaned_data["images"], names, strict=True))
    try:
        return form, uploads.upload_hold(
            workspace=workspace, user=request.user, draft=draft, prepared=prepared, limit=limit
        )
    except PersonaError as error:
        form.add_error("images", str(error))
        return form, []


def is_saving(request: WorkspaceRequest) -> bool:
    """Whether a form post means Save, rather than "Update preview" or a photo's Remove."""
    return request.method == "POST" and not (
        "preview" in request.POST or "remove_pending" in request.POST
    )


@require_POST
@login_required
def upload(request: WorkspaceRequest) -> HttpResponse:
    membership = get_current_membership(request, Role.EDITOR)
    purpose = request.POST.get("purpose", "")
    draft = _uuid(request.POST.get("draft"))
    if purpose not in uploads.LIMITS or draft is None:
        return HttpResponse("This form is out of date. Reload the page.", status=400)
    form, added = take_posted(request, membership.workspace, draft, purpose)
    if not added:
        errors = form.errors.get("images") or ["Choose at least one image."]
        message = " ".join(str(error) for error in errors)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    return render(request, "personas/_pending_items.html", {"pending": added})


@require_POST
@login_required
def remove(request: WorkspaceRequest, pk: uuid.UUID) -> HttpResponse:
    uploads.upload_remove(upload=_own(request, pk))
    return HttpResponse(status=204)


@require_GET
@login_required
def thumbnail(request: WorkspaceRequest, pk: uuid.UUID) -> HttpResponseBase:
    name = _own(request, pk).thumbnail_name
    return serve_private_file(name, content_type_of(name))
