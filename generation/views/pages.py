from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from avatarapp.http import WorkspaceRequest


def _workspace_page(template: str):
    @require_GET
    @login_required
    def view(request: WorkspaceRequest) -> HttpResponse:
        return render(request, template, {"workspace": request.workspace})

    return view


gallery = _workspace_page("generation/gallery.html")
