from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from avatarapp.http import WorkspaceRequest


@require_GET
@login_required
def persona_list(request: WorkspaceRequest) -> HttpResponse:
    return render(request, "personas/list.html", {"workspace": request.workspace})
