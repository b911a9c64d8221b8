"""The persona form: create and edit, with its live previews (the built-in portrait of the look,
the composed prompt) and, while creating, reference photos held until the persona is saved."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.access import get_current_membership
from avatarapp.workspaces.roles import Role
from personas import services, uploads
from personas.access import get_persona_for_member
from personas.chip_fields import PERSONA_PICKS, lenient_values
from personas.forms import PersonaForm
from personas.models import LOOK_FIELDS, MAX_REFERENCES, Persona
from personas.prompt_previews import build_previews, model_choices
from personas.style_specs import DEFAULT_STYLE_KEY
from personas.upload_forms import PendingUploadForm
from personas.views.common import go_to
from personas.views.looks import preview_src
from personas.views.uploads import is_saving, take_posted

NEW = "New persona"
# Folded groups of the form: open when one of their fields holds something.
BRIEF_DETAILS = ("industry", "personality", "goals", "pain_points", "backstory", "tags")
LOOK_DETAILS = ("eye_colour", "build", "features", "wardrobe", "accessories")


def _draft(data: Any, base: Persona) -> Persona:
    """An unsaved persona from half-filled form data, for the live previews: every value cut to
    its field's length, so nothing the form would refuse can reach the composer oversized."""
    names = tuple(name for name in PersonaForm.Meta.fields if name != "tags")  # not in prompts
    values = lenient_values(data, Persona, names, PERSONA_PICKS)
    return Persona(workspace_id=base.workspace_id, pk=base.pk, **values)


def _form_page(
    request: WorkspaceRequest,
    form: PersonaForm,
    persona: Persona | None,
    title: str,
    *,
    draft: uuid.UUID | None = None,
    upload_form: PendingUploadForm | None = None,
) -> HttpResponse:
    base = persona or Persona(workspace=request.workspace, pk=draft)
    shown = _draft(form.data, base) if form.is_bound else base
    style_key = str(form.data.get("preview_style", "")) or DEFAULT_STYLE_KEY
    styles = services.style_spec_list(workspace=base.workspace)
    selected = next((s for s in styles if s.key == style_key), styles[0])
    held = (
        list(uploads.upload_list(workspace=base.workspace, user=request.user, draft=draft))
        if draft
        else []
    )
    previews = build_previews(
        shown,
        [selected],
        persona_default=shown.default_model if shown.default_model in dict(model_choices()) else "",
        references=persona.references.count() if persona else len(held),
    )
    context = {
        "form": form,
        "persona": persona,
        "title": title,
        "styles": styles,
        "preview_style": selected.key,
        "previews": previews,
        "action": request.path,
        "preview_url": (
            reverse("personas:edit_preview", args=[persona.pk])
            if persona
            else reverse("personas:create_preview")
        ),
        "portrait": preview_src(
            "personas:look_preview", form, LOOK_FIELDS, PERSONA_PICKS, seed=base.render_seed
        ),
        "brief_open": form.has_any(*BRIEF_DETAILS),
        "details_open": form.has_any(*LOOK_DETAILS),
        "draft": draft,
        "pending": held,
        "upload_form": upload_form or PendingUploadForm(limit=MAX_REFERENCES),
        "max_references": MAX_REFERENCES,
    }
    template = "personas/persona_form.html"
    if request.htmx:
        target = request.htmx.target or ""
        template += "#prompt-preview" if target == "prompt-preview" else "#persona-form"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@login_required
@vary_on_headers("HX-Request")
def persona_create(request: WorkspaceRequest) -> HttpResponse:
    membership = get_current_membership(request, Role.EDITOR)
    draft = uploads.draft_id(request.POST.get("draft", ""))
    form = PersonaForm(request.POST or None)
    if request.method != "POST":
        return _form_page(request, form, None, NEW, draft=draft)
    upload_form, _ = take_posted(request, membership.workspace, draft, uploads.PERSONA)
    # Validate the persona even when a photo was refused, so every problem shows at once.
    if is_saving(request) and form.is_valid() and not upload_form.errors:
        persona = form.save(commit=False)
        persona.workspace = membership.workspace
        persona.created_by = request.user
        uploads.persona_create_from_draft(persona=persona, user=request.user, draft=draft)
        messages.success(request, f"Created {persona.name}. Pick styles to see its prompts.")
        return go_to(request, persona.get_absolute_url())
    return _form_page(request, form, None, NEW, draft=draft, upload_form=upload_form)


@require_http_methods(["GET", "POST"])
@login_required
@vary_on_headers("HX-Request")
def persona_edit(request: WorkspaceRequest, pk: uuid.UUID) -> HttpResponse:
    _, persona = get_persona_for_member(request, pk, Role.EDITOR)
    title = f"Edit {persona.name}"  # before binding: an invalid post changes the instance
    form = PersonaForm(request.POST or None, instance=persona)
    if is_saving(request) and form.is_valid():
        form.save()
        messages.success(request, f"Saved {persona.name}.")
        return go_to(request, persona.get_absolute_url())
    return _form_page(request, form, persona, title)


@require_POST
@login_required
def create_preview(request: WorkspaceRequest) -> HttpResponse:
    get_current_membership(request, Role.EDITOR)
    draft = uploads.draft_id(request.POST.get("draft", ""))
    return _form_page(request, PersonaForm(request.POST), None, NEW, draft=draft)


@require_POST
@login_required
def edit_preview(request: WorkspaceRequest, pk: uuid.UUID) -> HttpResponse:
    _, persona = get_persona_for_member(request, pk, Role.EDITOR)
    # Bind to a throwaway form (no is_valid), so the stored persona is never touched.
    return _form_page(request, PersonaForm(request.POST), persona, f"Edit {persona.name}")
