"""The style library: built-in styles (copyable) and the workspace's own styles (editors+)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.models import Workspace
from avatarapp.workspaces.roles import Role, at_least
from generation.catalog import CATALOG
from personas import services
from personas.access import current_member, get_style_for_member
from personas.forms import StyleForm
from personas.library import BUILTIN_STYLES, UnknownStyleError, builtin_style
from personas.models import Style
from personas.views.common import go_to


def _model_name(model_id: str) -> str:
    model = CATALOG.get(model_id)
    return model.display_name if model else "The catalog default model"


@require_GET
@login_required
def style_list(request: WorkspaceRequest) -> HttpResponse:
    membership = current_member(request)
    context = {
        "workspace": membership.workspace,
        "builtin_rows": [(s, _model_name(s.recommended_model)) for s in BUILTIN_STYLES],
        "workspace_rows": [
            (s, _model_name(s.recommended_model)) for s in membership.workspace.styles.all()
        ],
        "can_edit": at_least(membership.role, Role.EDITOR),
    }
    return render(request, "personas/styles.html", context)


def _style_form_page(
    request: WorkspaceRequest, form: StyleForm, style: Style | None, title: str
) -> HttpResponse:
    context = {"form": form, "style": style, "title": title, "action": request.path}
    template = "personas/style_form.html#style-form" if request.htmx else "personas/style_form.html"
    return render(request, template, context)


def _save_style(request: WorkspaceRequest, form: StyleForm, workspace: Workspace) -> Style:
    style: Style = form.save(commit=False)
    style.workspace = workspace
    if style.created_by_id is None:
        style.created_by = request.user
    style.save()
    return style


@require_http_methods(["GET", "POST"])
@login_required
@vary_on_headers("HX-Request")
def style_create(request: WorkspaceRequest) -> HttpResponse:
    membership = current_member(request, Role.EDITOR)
    form = StyleForm(request.POST or None, workspace=membership.workspace)
    if request.method == "POST" and form.is_valid():
        style = _save_style(request, form, membership.workspace)
        messages.success(request, f"Saved the style {style.name}. Pick it on any persona's page.")
        return go_to(request, reverse("personas:styles"))
    return _style_form_page(request, form, None, "New workspace style")


@require_http_methods(["GET", "POST"])
@login_required
@vary_on_headers("HX-Request")
def style_edit(request: WorkspaceRequest, pk: uuid.UUID) -> HttpResponse:
    style = get_style_for_member(request, pk, Role.EDITOR).obj
    title = f"Edit {style.name}"
    form = StyleForm(request.POST or None, instance=style, workspace=style.workspace)
    if request.method == "POST" and form.is_valid():
        style = _save_style(request, form, style.workspace)
        messages.success(request, f"Saved the style {style.name}.")
        return go_to(request, reverse("personas:styles"))
    return _style_form_page(request, form, style, title)


@require_http_methods(["GET", "POST"])
@login_required
def style_delete(request: WorkspaceRequest, pk: uuid.UUID) -> HttpResponse:
    style = get_style_for_member(request, pk, Role.EDITOR).obj
    if request.method == "POST":
        style.delete()
        messages.success(request, f"Deleted the style {style.name}.")
        return redirect("personas:styles")
    return render(request, "personas/style_delete.html", {"style": style})


@require_POST
@login_required
def style_copy(request: WorkspaceRequest, slug: str) -> HttpResponse:
    membership = current_member(request, Role.EDITOR)
    try:
        spec = builtin_style(slug)
    except UnknownStyleError as error:
        messages.error(request, error.user_message)
        return redirect("personas:styles")
    style = services.copy_builtin_style(membership.workspace, request.user, spec)
    messages.success(
        request, f"Copied {spec.name} into {membership.workspace.name}. Make it your brand's own."
    )
    return redirect("personas:style_edit", pk=style.pk)
