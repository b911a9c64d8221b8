"""The workspace gallery (/gallery/) and a persona's gallery (on the persona's page).

One URL serves a gallery and its htmx pieces (Vary: HX-Request):
- the page (a pasted link, the back button, no JavaScript, the "More" link's next page);
- the results (`HX-Target: gallery-results`) for new filters: the grid's first page, pushing the
  filters' URL (HX-Push-Url: the filter as read, so a value that was left out is gone from it)
  and asking the filter panel to recount (the `gallery-filtered` event);
- the next page of cards (`HX-Target: gallery-more`, with a `cursor`), fetched when the end of
  the grid scrolls into view.
The filter panel's counts (gallery.facets: nine grouped queries) have their own URL, fetched
once the grid is on screen: over a large workspace they cost more than the page of thumbnails,
and the thumbnails are what a person came for. Without JavaScript the panel is a page of its own.

A persona's gallery is the same grid with the persona fixed. Its page is the persona's page
(personas.views), which fetches it from here: the persona layer knows nothing of galleries.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url, trigger_client_event

from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.access import get_current_membership
from gallery.facets import facets, matching_total
from gallery.views.grid import Grid, build
from personas.access import get_persona_for_member

RESULTS = "gallery-results"  # the id of the element the filter form swaps
MORE = "gallery-more"  # the id of the grid's last item, which fetches the next page
TITLES = {
    "persona": "Persona",
    "style": "Style",
    "model": "Model",
    "provider": "Provider",
    "status": "Status",
    "by": "Created by",
    "campaign": "Campaign",
    "tag": "Tag",
    "review": "Review",
}


@require_GET
@login_required
@vary_on_headers("HX-Request")
def gallery(request: WorkspaceRequest) -> HttpResponse:
    return _respond(request, _workspace_grid(request), "gallery/gallery.html")


@require_GET
@login_required
@vary_on_headers("HX-Request")
def persona_gallery(request: WorkspaceRequest, pk: uuid.UUID) -> HttpResponseBase:
    shown = _persona_grid(request, pk)
    if not request.htmx or request.htmx.history_restore_request:
        return redirect(f"{shown.page_url}#portraits")  # the persona's page shows it
    return _respond(request, shown, "gallery/_browser.html")


@require_GET
@login_required
@vary_on_headers("HX-Request")
def filters(request: WorkspaceRequest) -> HttpResponse:
    """The filter panel's choices with their counts; without JavaScript, a page of its own."""
    template = "gallery/_facets.html" if request.htmx else "gallery/filters.html"
    return render(request, template, _facets_context(_workspace_grid(request)))


@require_GET
@login_required
@vary_on_headers("HX-Request")
def persona_filters(request: WorkspaceRequest, pk: uuid.UUID) -> HttpResponseBase:
    shown = _persona_grid(request, pk)
    if not request.htmx:
        return redirect(f"{shown.page_url}#portraits")
    return render(request, "gallery/_facets.html", _facets_context(shown))


def _workspace_grid(request: WorkspaceRequest) -> Grid:
    membership = get_current_membership(request)
    url = reverse("gallery:gallery")
    return build(
        request.GET,
        membership,
        url=url,
        grid_url=url,
        filters_url=reverse("gallery:filters"),
        can_edit=membership.can_edit,
    )


def _persona_grid(request: WorkspaceRequest, pk: uuid.UUID) -> Grid:
    membership, persona = get_persona_for_member(request, pk)
    return build(
        request.GET,
        membership,
        url=reverse("personas:detail", args=[persona.pk]),
        grid_url=reverse("gallery:persona_gallery", args=[persona.pk]),
        filters_url=reverse("gallery:persona_filters", args=[persona.pk]),
        can_edit=membership.can_edit,
        persona=persona,
    )


def _respond(request: WorkspaceRequest, shown: Grid, page: str) -> HttpResponse:
    context = {"grid": shown, "workspace": shown.membership.workspace}
    if not request.htmx or request.htmx.history_restore_request:
        return render(request, page, context)
    if request.htmx.target == MORE:
        return render(request, "gallery/_browser.html#cards", context)
    if request.htmx.target == RESULTS:
        response = render(request, "gallery/_browser.html#results", context)
        push_url(response, shown.page_url)
        return trigger_client_event(response, "gallery-filtered", after="settle")
    return render(request, page, context)


def _facets_context(shown: Grid) -> dict[str, object]:
    counted = facets(shown.chosen, shown.membership)
    if shown.persona is not None:
        del counted["persona"]  # fixed: this is the persona's own gallery
    return {
        "grid": shown,
        "workspace": shown.membership.workspace,
        "panel": [(name, TITLES[name], values) for name, values in counted.items() if values],
        "matching": matching_total(counted),
    }
