"""Reference images: upload (multipart, htmx-friendly), delete, and serve them to members only."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from avatarapp.caching import serve_private_file
from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role
from personas import reference_files, services
from personas.access import get_persona_for_member, get_reference_for_member
from personas.models import Persona
from personas.upload_forms import ReferenceUploadForm
from personas.views.personas import detail_context

# Tells the prompt preview on the page to refresh: the reference count changes its wording.
REFERENCES_CHANGED = "references-changed"


def _references_response(
    request: WorkspaceRequest,
    membership: Membership,
    persona: Persona,
    form: ReferenceUploadForm | None = None,
) -> HttpResponse:
    extra = {"upload_form": form} if form is not None else {}
    context = detail_context(request, membership, persona, **extra)
    if request.htmx:
        response = render(request, "personas/detail.html#references", context)
        response["HX-Trigger"] = REFERENCES_CHANGED
        return response
    # Without JS: show the whole page, with the form's errors when there are any.
    return render(request, "personas/detail.html", context)


@require_POST
@login_required
def upload_references(request: WorkspaceRequest, pk: uuid.UUID) -> HttpResponse:
    membership, persona = get_persona_for_member(request, pk, Role.EDITOR)
    form = ReferenceUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            added = services.reference_add(
                persona=persona, user=request.user, prepared=form.cleaned_data["images"]
            )
        except services.PersonaError as error:
            form.add_error("images", str(error))
        else:
            if not request.htmx:
                count = len(added)
                messages.success(request, f"Added {count} reference image{'s' * (count != 1)}.")
                return redirect(reverse("personas:detail", args=[pk]) + "#references")
            return _references_response(request, membership, persona)
    return _references_response(request, membership, persona, form)


@require_POST
@login_required
def delete_reference(request: WorkspaceRequest, pk: uuid.UUID, ref_pk: uuid.UUID) -> HttpResponse:
    _, reference = get_reference_for_member(request, pk, ref_pk, Role.EDITOR)
    services.reference_delete(reference=reference)
    if not request.htmx:
        messages.success(request, "Reference image deleted.")
        return redirect(reverse("personas:detail", args=[pk]) + "#references")
    membership, persona = get_persona_for_member(request, pk, Role.EDITOR)
    return _references_response(request, membership, persona)


@require_GET
@login_required
def reference_file(
    request: WorkspaceRequest, pk: uuid.UUID, ref_pk: uuid.UUID, variant: str
) -> HttpResponseBase:
    _, reference = get_reference_for_member(request, pk, ref_pk)
    if variant not in ("image", "thumb"):
        raise Http404("No such image.")
    name = reference.storage_name if variant == "image" else reference.thumbnail_name
    return serve_private_file(name, reference_files.content_type_of(name))
