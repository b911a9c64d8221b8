"""Small helpers the persona views share."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect
from django_htmx.http import HttpResponseClientRedirect

from avatarapp.http import WorkspaceRequest


def go_to(request: WorkspaceRequest, url: str) -> HttpResponse:
    """After a successful htmx form post, htmx must load the next page itself (a 302 would be
    followed inside the XHR and swapped into the form); plain posts get an ordinary redirect."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)
