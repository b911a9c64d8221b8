"""Persona pages: list, detail (with prompt previews), duplicate, archive, delete. The form to
create and edit one is in persona_form.py."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.access import get_current_membership
from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role
from catalog import CatalogError, get_model
from personas import services
from personas.access import get_persona_for_member
from personas.faces import face_image_id
from personas.forms import TransferForm
from personas.models import MAX_REFERENCES, Persona
from personas.prompt_previews import build_previews, model_choices
from personas.style_specs import DEFAULT_STYLE_KEY
from personas.transfer import transfer_targets
from personas.upload_forms import ReferenceUploadForm


@require_GET
@login_required
def persona_list(request: WorkspaceRequest) -> HttpResponse:
    membership = get_current_membership(request)
    archived = request.GET.get("archived") == "1"
    in_workspace = Persona.objects.filter(workspace=membership.workspace)
    personas = (
        in_workspace.filter(archived_at__isnull=not archived)
        .annotate(reference_count=Count("references"), face_image_id=face_image_id())
        .order_by("-updated_at", "name")
    )
    counts = in_workspace.aggregate(
        active=Count("pk", filter=Q(archived_at__isnull=True)),
        archived=Count("pk", filter=Q(archived_at__isnull=False)),
    )
    context = {
        "workspace": membership.workspace,
        "personas": personas,
        "counts": counts,
        "show_archived": archived,
        "can_edit": membership.can_edit,
    }
    return render(request, "personas/list.html", context)


def _preview_choices(request: WorkspaceRequest) -> tuple[list[str], str, str]:
    """(style keys, chosen model id, error) from the style picker's query string. Before the
    picker is used (no `picked`), the first built-in style is shown so the page is never empty."""
    keys = request.GET.getlist("style") if "picked" in request.GET else [DEFAULT_STYLE_KEY]
    model_id = request.GET.get("model", "").strip()
    if model_id:
        try:
            get_model(model_id)
        except CatalogError as error:
            return keys, "", error.user_message
    return keys, model_id, ""


def _transfer_form(
    request: WorkspaceRequest, membership: Membership, persona: Persona
) -> TransferForm | None:
    """The Copy or move form, for an editor who can edit in another workspace too."""
    if not membership.can_edit:
        return None
    targets = transfer_targets(request.user, persona.workspace)
    return TransferForm(targets=targets) if targets else None


def detail_context(
    request: WorkspaceRequest, membership: Membership, persona: Persona, **extra: Any
) -> dict:
    keys, model_id, model_error = _preview_choices(request)
    selected, unknown = services.style_spec_resolve(workspace=persona.workspace, keys=keys)
    references = list(persona.references.all())
    face = Persona.objects.filter(pk=persona.pk).annotate(face=face_image_id())
    context = {
        "persona": persona,
        "face_image_id": face.values_list("face", flat=True).first(),
        # The persona's gallery (the gallery app) is fetched into the page with the gallery
        # filters of this page's URL, which it pushes as they change. A URL of the style
        # picker without JavaScript ("picked") carries its own style and model, not filters.
        "gallery_query": "" if "picked" in request.GET else request.GET.urlencode(),
        "can_edit": membership.can_edit,
        "references": references,
        "max_references": MAX_REFERENCES,
        "upload_form": ReferenceUploadForm() if membership.can_edit else None,
        "transfer_form": _transfer_form(request, membership, persona),
        "styles": services.style_spec_list(workspace=persona.workspace),
        "selected_keys": [s.key for s in selected],
        "unknown_styles": unknown,
        "chosen_model": model_id,
        "model_error": model_error,
        "model_choices": model_choices(),
        "previews": build_previews(
            persona,
            selected,
            persona_default=persona.default_model,
            chosen_model=model_id,
            references=len(references),
        ),
    }
    context.update(extra)
    return context


@require_GET
@login_required
@vary_on_headers("HX-Request")
def persona_detail(request: WorkspaceRequest, pk: uuid.UUID) -> HttpResponse:
    membership, persona = get_persona_for_member(request, pk)
    context = detail_context(request, membership, persona)
    # The style picker asks for the preview alone; a plain GET (no JS) gets the whole page.
    template = "personas/detail.html#prompt-preview" if request.htmx else "personas/detail.html"
    return render(request, template, context)


@require_POST
@login_required
def persona_duplicate(request: WorkspaceRequest, pk: uuid.UUID) -> HttpResponse:
    _, persona = get_persona_for_member(request, pk, Role.EDITOR)
    copy = services.persona_duplicate(persona=persona, user=request.user)
    messages.success(request, f"Duplicated {persona.name}. This is the copy: rename it here.")
    return redirect("personas:edit", pk=copy.pk)


@require_POST
@login_required
def persona_archive(request: WorkspaceRequest, pk: uuid.UUID) -> HttpResponse:
    _, persona = get_persona_for_member(request, pk, Role.EDITOR)
    services.persona_archive(persona=persona)
    messages.success(request, f"Archived {persona.name}. Find it under Archived to restore it.")
    return redirect("personas:list")


@require_POST
@login_required
def persona_unarchive(request: WorkspaceRequest, pk: uuid.UUID) -> HttpResponse:
    _, persona = get_persona_for_member(request, pk, Role.EDITOR)
    services.persona_unarchive(persona=persona)
    messages.success(request, f"Restored {persona.name}.")
    return redirect(persona)


@require_http_methods(["GET", "POST"])
@login_required
def persona_delete(request: WorkspaceRequest, pk: uuid.UUID) -> HttpResponse:
    _, persona = get_persona_for_member(request, pk, Role.EDITOR)
    if request.method == "POST":
        try:
            services.persona_delete(persona=persona)
        except services.PersonaError as error:
            messages.error(request, str(error))
            return redirect(persona)
        messages.success(request, f"Deleted {persona.name} and its reference images.")
        return redirect("personas:list")
    context = {"persona": persona, "reference_count": persona.references.count()}
    return render(request, "personas/persona_delete.html", context)
