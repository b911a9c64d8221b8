"""The Generate page: choose the batch, see its price and the budget live, submit."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from avatarapp import ratelimit
from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.roles import Role, at_least
from generation import ledger, services
from generation.forms import BatchForm, model_groups
from generation.prefill import prefill

PAGE = "generation/generate.html"
VIEWER_PAGE = "generation/generate_viewer.html"


def _estimate(request: WorkspaceRequest, form: BatchForm) -> dict[str, Any]:
    """What the batch would make and cost, or why it cannot be submitted: each field's own
    message (`problems`), or one `problem` about the batch as a whole."""
    if not form.is_valid():
        if form.unfinished():
            return {"problem": services.NOTHING_CHOSEN}
        if problems := form.field_problems():
            return {"problems": problems}
        # Only a refusal of the whole batch (shown above the form): price what was chosen.
    try:
        plan = services.plan_batch(request.membership, form.batch())
    except services.SubmitError as error:
        if error.field:
            form.add_refusal(error)
            return {"problems": form.field_problems()}
        return {"problem": str(error)}
    budget = ledger.budget_status(request.workspace)
    over = budget.left is not None and plan.total > budget.left
    return {
        "plan": plan,
        "budget": budget,
        "problem": "This batch could cost more than the budget left this month." if over else "",
    }


def _hit(request: WorkspaceRequest, action: str) -> ratelimit.Verdict:
    return ratelimit.hit(action, user_id=request.user.pk, workspace_id=request.workspace.pk)


def _context(request: WorkspaceRequest, form: BatchForm, **extra: Any) -> dict[str, Any]:
    return {
        "form": form,
        "personas": form.persona_objects,
        "model_groups": model_groups(),
        "budget": ledger.budget_status(request.workspace),
        "can_generate": at_least(request.membership.role, Role.EDITOR),
        **extra,
    }


@require_http_methods(["GET", "POST"])
@login_required
def generate(request: WorkspaceRequest) -> HttpResponse:
    if request.method == "POST":
        form = BatchForm(request.POST, workspace=request.workspace)
        if form.is_valid():
            verdict = _hit(request, "generate")
            if not verdict.allowed:
                form.add_error(None, ratelimit.refusal("generating", verdict))
                # No estimate here: the page prices the batch itself once it loads.
                page = render(request, PAGE, _context(request, form, estimate={}))
                return ratelimit.limited(page, verdict)
            try:
                job = services.submit(request.membership, form.batch())
            except services.SubmitError as error:
                form.add_refusal(error)
            else:
                return redirect("generation:job", job_id=job.pk)
        return render(request, PAGE, _context(request, form, estimate=_estimate(request, form)))
    if not at_least(request.membership.role, Role.EDITOR):
        # One note and the way to what a viewer can do, not a form they cannot submit.
        return render(request, VIEWER_PAGE, {"workspace": request.workspace})
    form = BatchForm(workspace=request.workspace)
    notes = prefill(form, request.GET)  # a link's choices ("Reuse these settings")
    return render(request, PAGE, _context(request, form, estimate={}, notes=notes))


@require_POST
@login_required
def estimate(request: WorkspaceRequest) -> HttpResponse:
    verdict = _hit(request, "estimate")
    form = BatchForm(request.POST, workspace=request.workspace)
    if not verdict.allowed:
        refused = {"problem": ratelimit.refusal("pricing batches", verdict)}
        fragment = render(request, f"{PAGE}#estimate", _context(request, form, estimate=refused))
        return ratelimit.limited(fragment, verdict)
    context = _context(request, form, estimate=_estimate(request, form))
    return render(request, f"{PAGE}#estimate", context)
