"""The batches history page: every member of the workspace may browse it, all batches or one
campaign's (`?campaign=<id>`; another workspace's is left out with a sentence)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.access import get_current_membership
from gallery.history import history_page
from generation import campaigns


@require_GET
@login_required
def history(request: WorkspaceRequest) -> HttpResponse:
    membership = get_current_membership(request)
    campaign, problem = campaigns.filter_choice(
        membership.workspace_id, request.GET.get("campaign", "")
    )
    page = history_page(membership, request.GET.get("after", ""), campaign=campaign)
    context = {
        "workspace": membership.workspace,
        "page": page,
        "first_page": "after" not in request.GET,
        "campaign": campaign,
        "campaign_problem": problem,
        "campaigns": campaigns.of_workspace(membership.workspace_id),
    }
    return render(request, "gallery/jobs.html", context)
