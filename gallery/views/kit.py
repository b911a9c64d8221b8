"""The persona kit page: a persona's finished portraits to tick, and the ZIP (gallery.kit).

Every member may export a kit, viewers too: like a gallery's ZIP download it changes nothing,
and viewers are the people who take finished work to where it is used.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.models import Membership
from catalog import model_name
from gallery.focal_points import focal_points
from gallery.kit import (
    MAX_PORTRAITS,
    NO_PORTRAITS,
    KitError,
    chosen_portraits,
    first_ticked,
    kit_portraits,
    kit_response,
)
from generation.models import Image
from personas.access import get_persona_for_member
from personas.models import Persona

SHOWN = 48  # the newest; ticked ones older than these are shown as well


@require_http_methods(["GET", "POST"])
@login_required
def persona_kit(request: WorkspaceRequest, pk: uuid.UUID) -> HttpResponseBase:
    membership, persona = get_persona_for_member(request, pk)
    if request.method == "POST":
        ticked = request.POST.getlist("image")
        try:
            chosen = chosen_portraits(persona, ticked)
        except KitError as error:
            return _page(request, membership, persona, set(ticked), str(error))
        return kit_response(persona, chosen)
    return _page(request, membership, persona, {str(pk) for pk in first_ticked(persona)})


def _page(
    request: WorkspaceRequest,
    membership: Membership,
    persona: Persona,
    ticked: set[str],
    error: str = "",
) -> HttpResponse:
    portraits = _shown(persona, ticked)
    points = focal_points(portrait.pk for portrait in portraits)
    cards = [
        {
            "image": portrait,
            "model": model_name(portrait.model_id),
            "ticked": str(portrait.pk) in ticked,
            "focal_set": portrait.pk in points,
        }
        for portrait in portraits
    ]
    context = {
        "persona": persona,
        "cards": cards,
        "error": error,
        "most": MAX_PORTRAITS,
        "no_portraits": NO_PORTRAITS.format(name=persona.name),
        "can_edit": membership.can_edit,
    }
    return render(request, "gallery/kit.html", context)


def _shown(persona: Persona, ticked: set[str]) -> list[Image]:
    """The newest SHOWN portraits, and any ticked ones older than those, newest first."""
    portraits = kit_portraits(persona)
    newest = list(portraits[:SHOWN])
    older_ids = _uuids(ticked) - {portrait.pk for portrait in newest}
    older = list(portraits.filter(pk__in=older_ids)) if older_ids else []
    return newest + older


def _uuids(texts: set[str]) -> set[uuid.UUID]:
    found = set()
    for text in texts:
        try:
            found.add(uuid.UUID(text))
        except ValueError:
            continue  # not an id: there is nothing to show for it
    return found
