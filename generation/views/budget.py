"""The Costs page: this month's spend against the budget; owners and admins set the cap."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet, Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.access import role_required_message
from avatarapp.workspaces.roles import Role, at_least
from generation import campaigns, ledger
from generation.models import Budget, LedgerEntry


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
    form = BudgetForm(
        request.POST or None, initial={"monthly_cap_usd": ledger.monthly_cap(workspace)}
    )
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
    month = ledger.month_of()
    settlements = LedgerEntry.objects.filter(
        workspace=workspace, month=month, kind=LedgerEntry.Kind.SETTLEMENT
    )
    settlements, campaign_filter = _by_campaign(request, settlements)
    by_model = (
        settlements.values("image__model_id")
        .annotate(total=Sum("amount_usd"), images=Count("id"))
        .order_by("-total")
    )
    return render(
        request,
        "generation/costs.html",
        {
            "workspace": workspace,
            "budget": ledger.budget_status(workspace),
            "form": form,
            "can_manage": can_manage,
            "by_model": by_model,
            "month": month,
            **campaign_filter,
        },
    )


# --- The campaign filter (issue 19, item 1): `?campaign=<id>` narrows this page's totals to one
# campaign's batches. Kept apart from the page so a rewrite of it can fold it in whole.


def _by_campaign(
    request: WorkspaceRequest, entries: QuerySet[LedgerEntry]
) -> tuple[QuerySet[LedgerEntry], dict[str, object]]:
    """`entries` of the chosen campaign only (all of them without a filter, or with a campaign
    that is not this workspace's: then with a sentence saying it was left out), and what the
    page's campaign choice shows."""
    workspace_id = request.workspace.pk
    campaign, problem = campaigns.filter_choice(workspace_id, request.GET.get("campaign", ""))
    if campaign is not None:
        entries = entries.filter(image__job__campaign=campaign)
    return entries, {
        "campaign": campaign,
        "campaign_problem": problem,
        "campaigns": campaigns.of_workspace(workspace_id),
    }
