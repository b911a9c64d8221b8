"""The compare view (gallery.compare): a batch's portraits side by side, model against model, the
large view of one row with previous and next, and the same large view of 2-4 portraits chosen in a
gallery. Looking only: every member may, viewers included."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.access import get_membership
from gallery.compare import CompareError, compare_chosen, compare_job
from gallery.models import BakeOff
from gallery.selection import posted_ids
from generation.access import get_job_for_member


@require_GET
@login_required
def job_compare(request: WorkspaceRequest, job_id: uuid.UUID) -> HttpResponse:
    membership, job = get_job_for_member(request, job_id)
    comparison = compare_job(job)
    context = {
        "job": job,
        "comparison": comparison,
        "comparable": len(comparison.columns) >= 2,
        "bakeoff": BakeOff.objects.filter(job=job).first(),
        "can_edit": membership.can_edit,
    }
    return render(request, "gallery/compare.html", context)


@require_GET
@login_required
def job_compare_row(request: WorkspaceRequest, job_id: uuid.UUID, number: int) -> HttpResponse:
    _, job = get_job_for_member(request, job_id)
    comparison = compare_job(job)
    row = comparison.row(number)
    if row is None:
        raise Http404("This batch has no such row.")

    def row_url(n: int) -> str:
        return reverse("gallery:job_compare_row", args=[job.pk, n]) if comparison.row(n) else ""

    context = {
        "job": job,
        "row": row,
        "rows": len(comparison.rows),
        "previous_url": row_url(number - 1),
        "next_url": row_url(number + 1),
        "back_url": reverse("gallery:job_compare", args=[job.pk]) + f"#row-{number}",
    }
    return render(request, "gallery/compare_row.html", context)


@require_GET
@login_required
def chosen_compare(request: WorkspaceRequest) -> HttpResponse:
    """2-4 portraits from a gallery's bulk bar (gallery.views.bulk checks them before it sends
    the browser here; a link edited by hand is checked again, with the same words)."""
    try:
        membership = get_membership(request, uuid.UUID(request.GET.get("workspace", "")))
    except ValueError:
        raise Http404("No such workspace.") from None
    try:
        comparison = compare_chosen(membership, posted_ids(request.GET))
    except CompareError as error:
        messages.error(request, str(error))
        return redirect("gallery:gallery")
    context = {"row": comparison.rows[0], "back_url": reverse("gallery:gallery")}
    return render(request, "gallery/compare_row.html", context)
