"""The Generate page: choose the batch, see its price and the budget live, submit."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.roles import Role, at_least
from generation import ledger, services
from generation.forms import BatchForm, model_groups


def _estimate(request: WorkspaceRequest, form: BatchForm) -> dict[str, Any]:
    """What the batch would make and cost, or why it cannot be submitted."""
    if not form.is_valid():
        return {"problem": "Choose at least one persona, one style and one model."}
    try:
        plan = services.plan_batch(request.membership, form.batch())
    except services.SubmitError as error:
        return {"problem": str(error)}
    budget = ledger.budget_status(request.workspace)
    over = budget.left is not None and plan.total > budget.left
    return {
        "plan": plan,
        "budget": budget,
        "problem": "This batch could cost more than the budget left this month." if over else "",
    }


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
            try:
                job = services.submit(request.membership, form.batch())
            except services.SubmitError as error:
                form.add_error(None, str(error))
            else:
                return redirect("generation:job", job_id=job.pk)
        estimate = _estimate(request, form) if form.is_bound else {}
        return render(
            request, "generation/generate.html", _context(request, form, estimate=estimate)
        )
    initial: dict[str, Any] = {}
    if persona := request.GET.get("persona"):
        initial["personas"] = [persona]
    form = BatchForm(initial=initial, workspace=request.workspace)
    return render(request, "generation/generate.html", _context(request, form, estimate={}))


@require_POST
@login_required
def estimate(request: WorkspaceRequest) -> HttpResponse:
    form = BatchForm(request.POST, workspace=request.workspace)
    context = _context(request, form, estimate=_estimate(request, form))
    return render(request, "generation/generate.html#estimate", context)
