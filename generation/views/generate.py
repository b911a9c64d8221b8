"""The Generate page: pick personas, styles and models from tiles, see in words what the batch
will make, cost and take, and submit. The page opens calm: nothing is called wrong before the
person has changed something or pressed Generate."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from avatarapp import ratelimit
from avatarapp.http import WorkspaceRequest
from catalog import get_model
from generation import ledger, services
from generation.batch_wording import estimate_sentence
from generation.catalog_watch import not_offered_models
from generation.forms import BatchForm
from generation.latency import typical_seconds
from generation.offer import model_groups, seconds_for
from generation.prefill import prefill
from generation.preselect import changes_choices, newly_ticked, with_defaults
from generation.tile_pictures import persona_tiles, style_tiles

PAGE = "generation/generate.html"
VIEWER_PAGE = "generation/generate_viewer.html"


def _estimate(
    request: WorkspaceRequest, form: BatchForm, medians: dict[str, float]
) -> dict[str, Any]:
    """What the batch would make and cost, or why it cannot be submitted: each field's own
    message (`problems`), or one `problem` about the batch as a whole. A form that is only
    unfinished (nothing chosen yet in a group) is `waiting`: a hint, not an error."""
    if not form.is_valid():
        if form.unfinished():
            return {"waiting": True}
        if problems := form.field_problems():
            return {"problems": problems}
        # Only a refusal of the whole batch (shown above the form): price what was chosen.
    comparison = _comparison(request, form)  # before a refusal below marks the form
    try:
        plan = services.batch_plan(membership=request.membership, batch=form.batch())
    except services.SubmitError as error:
        if error.field:
            form.add_refusal(error)
            return {"problems": form.field_problems()}
        return {"problem": str(error), **comparison}
    over = _over_budget(request, plan)
    slowest = max(seconds_for(get_model(image.model_id), medians) for image in plan.images)
    personas = [image.persona.name for image in plan.images]
    return {
        "plan": plan,
        "sentence": estimate_sentence(len(plan.images), plan.total, slowest, personas, plan.keys),
        "problem": "This batch could cost more than the budget left this month." if over else "",
        **comparison,
    }


def _over_budget(request: WorkspaceRequest, plan: services.BatchPlan) -> bool:
    budget = ledger.budget_status(request.workspace)
    return budget.left is not None and plan.total > budget.left


def _comparison(request: WorkspaceRequest, form: BatchForm) -> dict[str, Any]:
    """What "Compare these models" would make and cost (one portrait per persona, style and
    model: fewer than Generate when more than one per combination is chosen), or why it cannot,
    so the price beside that button is its own."""
    try:
        plan = services.batch_plan(membership=request.membership, batch=form.batch(compare=True))
    except services.SubmitError as error:
        return {"compare_problem": str(error)}
    if _over_budget(request, plan):
        return {"compare_problem": "This comparison could cost more than the budget left."}
    return {"compare_plan": plan}


def _hit(request: WorkspaceRequest, action: str) -> ratelimit.Verdict:
    return ratelimit.hit(action, user_id=request.user.pk, workspace_id=request.workspace.pk)


def _estimate_context(
    request: WorkspaceRequest, form: BatchForm, estimate: dict[str, Any], medians: dict[str, float]
) -> dict[str, Any]:
    """What the estimate fragment shows, and (out of band) each model's price at the settings."""
    usable = form.models_field.usable_providers
    not_offered = not_offered_models(request.workspace.pk)  # the providers' own model lists
    groups = model_groups(usable, form.chosen_settings(), medians, not_offered)
    return {
        "form": form,
        # Whose defaults are applied (generation.preselect): ticking another applies its own.
        "defaults_applied": ",".join(map(str, form["personas"].value() or ())),
        "estimate": estimate,
        "model_groups": groups,
        "needs_key": any(not group.usable for group in groups),
        "budget": ledger.budget_status(request.workspace),
        "can_generate": request.membership.can_edit,
    }


def _page(
    request: WorkspaceRequest, form: BatchForm, *, priced: bool, **extra: Any
) -> HttpResponse:
    """The whole page; `priced`: with the posted batch's estimate (else the page opens calm, or
    a link's choices are priced by the page itself once it loads)."""
    medians = typical_seconds(request.workspace.pk)
    estimate = _estimate(request, form, medians) if priced else {}
    context = {
        **_estimate_context(request, form, estimate, medians),
        "personas": persona_tiles(form.persona_objects),
        "styles": style_tiles(form.style_objects),
        # Folded away unless something in it needs a look.
        "settings_open": form.shows_seed or any(form[name].errors for name in SETTINGS),
        **extra,
    }
    return render(request, PAGE, context)


SETTINGS = ("name", "per_combination", "aspect_ratio", "resolution", "quality", "seed")


@require_http_methods(["GET", "POST"])
@login_required
def generate(request: WorkspaceRequest) -> HttpResponse:
    if request.method == "POST":
        form = BatchForm(request.POST, membership=request.membership)
        if form.is_valid():
            verdict = _hit(request, "generate")
            if not verdict.allowed:
                form.add_error(None, ratelimit.refusal("generating", verdict))
                # No estimate here: the page prices the batch itself once it loads.
                return ratelimit.limited(_page(request, form, priced=False), verdict)
            # The "Compare these models" button: the same brief, one portrait per model.
            batch = form.batch(compare=request.POST.get("compare") == "1")
            try:
                job = services.batch_submit(membership=request.membership, batch=batch)
            except services.SubmitError as error:
                form.add_refusal(error)
            else:
                return redirect("generation:job", job_id=job.pk)
        return _page(request, form, priced=True)
    if not request.membership.can_edit:
        # One note and the way to what a viewer can do, not a form they cannot submit.
        return render(request, VIEWER_PAGE, {"workspace": request.workspace})
    form = BatchForm(membership=request.membership)
    # A link's choices ("Reuse these settings", a persona's Generate button with its defaults).
    notes = prefill(form, request.GET, not_offered_models(request.workspace.pk))
    return _page(request, form, priced=False, notes=notes, prefilled=bool(form.initial))


@require_POST
@login_required
def estimate(request: WorkspaceRequest) -> HttpResponse:
    verdict = _hit(request, "estimate")
    form = BatchForm(request.POST, membership=request.membership)
    medians = typical_seconds(request.workspace.pk)
    notes: list[str] = []
    redraw = False
    if newly_ticked(request.POST):
        # A persona was ticked: its defaults join the choices, and the page's models and
        # settings are redrawn with them (out of band, beside the estimate). Only when they
        # changed something: a redraw replaces the tiles, and with them any tick made while
        # this request was on its way.
        data, notes = with_defaults(form, request.POST, not_offered_models(request.workspace.pk))
        redraw = bool(notes) or changes_choices(request.POST, data)
        form = BatchForm(data, membership=request.membership)
    if not verdict.allowed:
        refused = {"problem": ratelimit.refusal("pricing batches", verdict)}
        context = _estimate_context(request, form, refused, medians)
        return ratelimit.limited(render(request, f"{PAGE}#estimate", context), verdict)
    context = _estimate_context(request, form, _estimate(request, form, medians), medians)
    redrawn = {"refreshed": True, "notes": notes} if redraw else {}
    return render(request, f"{PAGE}#estimate", {**context, "fragment": True, **redrawn})
