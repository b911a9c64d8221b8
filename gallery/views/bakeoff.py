"""The blind pick's pages (gallery.bakeoffs has the rules): start it from a batch's compare view,
vote row by row, close it, and make a row's winner its persona's default. Every action is a
plain POST form that redirects back to the voting page with a message, so it works without
JavaScript. Another workspace's batch is 404 (generation.access)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role
from catalog import model_name
from gallery.bakeoffs import (
    BakeOffError,
    bakeoff_close,
    bakeoff_start,
    letter_model,
    vote_cast,
    winner_as_default,
)
from gallery.blind_board import board
from gallery.models import BakeOff, BakeOffRow
from generation.access import get_job_for_member
from personas.errors import PersonaError

BLIND = "gallery:job_blind"


def _bakeoff(
    request: WorkspaceRequest, job_id: uuid.UUID, minimum: str = Role.VIEWER
) -> tuple[Membership, BakeOff]:
    """The batch's blind pick, for a member of its workspace with at least `minimum` (403 with a
    sentence below it); 404 for another workspace's batch or a batch without one."""
    membership, job = get_job_for_member(request, job_id, minimum)
    bakeoff = BakeOff.objects.select_related("job").filter(job=job).first()
    if bakeoff is None:
        raise Http404("This batch has no blind pick.")
    return membership, bakeoff


def _row(bakeoff: BakeOff, number: int) -> BakeOffRow:
    row: BakeOffRow = get_object_or_404(
        BakeOffRow.objects.select_related("bakeoff__job"), bakeoff=bakeoff, number=number
    )
    return row


@require_GET
@login_required
def blind(request: WorkspaceRequest, job_id: uuid.UUID) -> HttpResponse:
    membership, bakeoff = _bakeoff(request, job_id)
    context = {
        "job": bakeoff.job,
        "bakeoff": bakeoff,
        "board": board(bakeoff, membership.user_id),
        "can_edit": membership.can_edit,
    }
    return render(request, "gallery/blind.html", context)


@require_POST
@login_required
def start(request: WorkspaceRequest, job_id: uuid.UUID) -> HttpResponse:
    membership, job = get_job_for_member(request, job_id, Role.EDITOR)

    def begin() -> str:
        bakeoff_start(membership=membership, job=job)
        return "The blind pick has started: pick the portrait you prefer."

    if not _told(request, begin) and not BakeOff.objects.filter(job=job).exists():
        return redirect("gallery:job_compare", job.pk)
    return redirect(BLIND, job.pk)


@require_POST
@login_required
def vote(request: WorkspaceRequest, job_id: uuid.UUID, number: int) -> HttpResponse:
    membership, bakeoff = _bakeoff(request, job_id)
    row = _row(bakeoff, number)
    letter = request.POST.get("portrait", "")

    def cast() -> str:
        model_id = letter_model(row, membership.user_id, letter)
        vote_cast(membership=membership, row=row, model_id=model_id)
        return f"Your vote for portrait {letter} is in: it was {model_name(model_id)}."

    _told(request, cast)
    return redirect(f"{_blind_url(bakeoff)}#row-{row.number}")


@require_POST
@login_required
def close(request: WorkspaceRequest, job_id: uuid.UUID) -> HttpResponse:
    membership, bakeoff = _bakeoff(request, job_id, Role.EDITOR)

    def end() -> str:
        bakeoff_close(membership=membership, bakeoff=bakeoff)
        return "The vote is closed. Every row's result is below."

    _told(request, end)
    return redirect(_blind_url(bakeoff))


@require_POST
@login_required
def make_default(request: WorkspaceRequest, job_id: uuid.UUID, number: int) -> HttpResponse:
    membership, bakeoff = _bakeoff(request, job_id)
    row = _row(bakeoff, number)

    def set_default() -> str:
        persona = winner_as_default(membership=membership, row=row)
        return (
            f"{model_name(row.winner_model_id)} is now {persona.name}'s default model: "
            "Generate ticks it when you choose this persona."
        )

    _told(request, set_default)
    return redirect(f"{_blind_url(bakeoff)}#row-{row.number}")


def _told(request: WorkspaceRequest, action: Callable[[], str]) -> bool:
    """Run `action`; flash the sentence it returns, or the refusal's. True if it went through."""
    try:
        messages.success(request, action())
    except (BakeOffError, PersonaError) as error:
        messages.error(request, str(error))
        return False
    return True


def _blind_url(bakeoff: BakeOff) -> str:
    return reverse(BLIND, args=[bakeoff.job_id])
