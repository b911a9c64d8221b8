"""The Costs page: where the money went (generation.views.cost_report) and the budget, whose
cap owners and admins set."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.access import role_required_message
from avatarapp.workspaces.roles import Role, at_least
from generation import ledger
from generation.models import Budget
from generation.reconciliation import count_needing_check
from generation.views import cost_report


class BudgetForm(forms.Form):
    monthly_cap_usd = forms.DecimalField(
        label="Monthly budget (USD)",
        required=False,
        min_value=Decimal(0),
        max_value=Decimal("1000000"),
        decimal_places=2,
        help_text="Leave empty for no cap. Jobs that would go over it are refused before any "
        "provider is called.",
    )


@require_http_methods(["GET", "POST"])
@login_required
def costs(request: WorkspaceRequest) -> HttpResponse:
    workspace = request.workspace
    can_manage = at_least(request.membership.role, Role.ADMIN)
    budget = ledger.budget_status(workspace)
    form = BudgetForm(request.POST or None, initial={"monthly_cap_usd": budget.cap})
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied(role_required_message(Role.ADMIN))
        if form.is_valid():
            Budget.objects.update_or_create(
                workspace=workspace,
                defaults={
                    "monthly_cap_usd": form.cleaned_data["monthly_cap_usd"],
                    "updated_by": request.user,
                },
            )
            messages.success(request, "Budget saved.")
            return redirect("generation:costs")
    report, status = cost_report.report(request, cap=budget.cap)
    return render(
        request,
        "generation/costs.html",
        {
            "workspace": workspace,
            "budget": budget,
            "form": form,
            "can_manage": can_manage,
            **report,
            # Admins resolve them (generation.views.reconciliation); they hold budget meanwhile.
            "needs_checking": count_needing_check(workspace.pk) if can_manage else 0,
        },
        status=status,
    )
