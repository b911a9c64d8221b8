"""The style library: built-in styles (copyable) and the workspace's own styles (editors+)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from avatarapp.caching import serve_private_file
from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.access import get_current_membership
from avatarapp.workspaces.models import Workspace
from avatarapp.workspaces.roles import Role
from catalog import CATALOG
from personas import services, uploads
from personas.access import get_style_for_member
from personas.chip_fields import STYLE_PICKS
from personas.forms import SCENE_FIELDS, STYLE_DETAIL_FIELDS, StyleForm
from personas.models import MAX_STYLE_REFERENCES, Style
from personas.reference_files import content_type_of
from personas.style_specs import BUILTIN_STYLES, UnknownStyleError, builtin_style
from personas.upload_forms import PendingUploadForm
from personas.views.common import go_to
from personas.views.looks import preview_src
from personas.views.uploads import is_saving, take_posted


def _model_name(model_id: str) -> str:
    model = CATALOG.get(model_id)
    return model.display_name if model else "The catalog default model"


@require_GET
@login_required
def style_list(request: WorkspaceRequest) -> HttpResponse:
    membership = get_current_membership(request)
    context = {
        "workspace": membership.workspace,
        "builtin_rows": [(s, _model_name(s.recommended_model)) for s in BUILTIN_STYLES],
        "workspace_rows": [
            (s, _model_name(s.recommended_model))
            for s in membership.workspace.styles.prefetch_related("references")
        ],
        "can_edit": membership.can_edit,
    }
    return render(request, "personas/styles.html", context)


def _style_form_page(
    request: WorkspaceRequest,
    form: StyleForm,
    style: Style | None,
    title: str,
    draft: uuid.UUID,
    upload_form: PendingUploadForm | None = None,
) -> HttpResponse:
    held = list(uploads.upload_list(workspace=form.workspace, user=request.user, draft=draft))
    kept = list(style.references.all()) if style else []
    context = {
        "form": form,
        "style": style,
        "title": title,
        "action": request.path,
        "draft": draft,
        "pending": held,
        "references": kept,
        "upload_form": upload_form or PendingUploadForm(limit=MAX_STYLE_REFERENCES),
        "room": max(0, MAX_STYLE_REFERENCES - len(kept) - len(held)),
        "max_references": MAX_STYLE_REFERENCES,
        "details_open": form.has_any(*STYLE_DETAIL_FIELDS),
        "example": preview_src("personas:style_example", form, SCENE_FIELDS, STYLE_PICKS),
    }
    template = "personas/style_form.html#style-form" if request.htmx else "personas/style_form.html"
    return render(request, template, context)


def _style_form_view(
    request: WorkspaceRequest, workspace: Workspace, style: Style | None, title: str
) -> HttpResponse:
    """Create (`style` None) or edit: photos posted or dropped wait for Save (personas.uploads)."""
    draft = uploads.draft_id(request.POST.get("draft", ""))
    upload_form = None
    if request.method == "POST":
        upload_form, _ = take_posted(request, workspace, draft, uploads.STYLE)
    incoming = uploads.upload_list(workspace=workspace, user=request.user, draft=draft).count()
    form = StyleForm(request.POST or None, instance=style, workspace=workspace, incoming=incoming)
    if is_saving(request) and form.is_valid() and not (upload_form and upload_form.errors):
        saved: Style = form.save(commit=False)
        saved.workspace = workspace
        if saved.created_by_id is None:
            saved.created_by = request.user
        removed = list(form.cleaned_data["remove_references"])
        uploads.style_save_from_draft(style=saved, user=request.user, draft=draft, removed=removed)
        messages.success(
            request,
            f"Saved the style {saved.name}." + ("" if style else " Pick it on any persona's page."),
        )
        return go_to(request, reverse("personas:styles"))
    return _style_form_page(request, form, style, title, draft, upload_form)


@require_http_methods(["GET", "POST"])
@login_required
@vary_on_headers("HX-Request")
def style_create(request: WorkspaceRequest) -> HttpResponse:
    membership = get_current_membership(request, Role.EDITOR)
    return _style_form_view(request, membership.workspace, None, "New workspace style")


@require_http_methods(["GET", "POST"])
@login_required
@vary_on_headers("HX-Request")
def style_edit(request: WorkspaceRequest, pk: uuid.UUID) -> HttpResponse:
    _, style = get_style_for_member(request, pk, Role.EDITOR)
    return _style_form_view(request, style.workspace, style, f"Edit {style.name}")


@require_GET
@login_required
def style_reference_file(
    request: WorkspaceRequest, pk: uuid.UUID, ref_pk: uuid.UUID
) -> HttpResponseBase:
    _, style = get_style_for_member(request, pk)
    reference = style.references.filter(pk=ref_pk).first()
    if reference is None:
        raise Http404("No such image.")
    name = reference.thumbnail_name
    return serve_private_file(name, content_type_of(name))


@require_http_methods(["GET", "POST"])
@login_required
def style_delete(request: WorkspaceRequest, pk: uuid.UUID) -> HttpResponse:
    _, style = get_style_for_member(request, pk, Role.EDITOR)
    if request.method == "POST":
        services.style_delete(style=style)
        messages.success(request, f"Deleted the style {style.name}.")
        return redirect("personas:styles")
    return render(request, "personas/style_delete.html", {"style": style})


@require_POST
@login_required
def style_copy(request: WorkspaceRequest, slug: str) -> HttpResponse:
    membership = get_current_membership(request, Role.EDITOR)
    try:
        spec = builtin_style(slug)
    except UnknownStyleError as error:
        messages.error(request, error.user_message)
        return redirect("personas:styles")
    style = services.style_copy_builtin(
        workspace=membership.workspace, user=request.user, spec=spec
    )
    messages.success(
        request, f"Copied {spec.name} into {membership.workspace.name}. Make it your brand's own."
    )
    return redirect("personas:style_edit", pk=style.pk)
