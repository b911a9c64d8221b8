"""The batches history page: every member of the workspace may browse it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.access import get_current_membership
from gallery.history import history_page


@require_GET
@login_required
def history(request: WorkspaceRequest) -> HttpResponse:
    membership = get_current_membership(request)
    page = history_page(membership, request.GET.get("after", ""))
    context = {
        "workspace": membership.workspace,
        "page": page,
        "first_page": "after" not in request.GET,
    }
    return render(request, "gallery/jobs.html", context)
