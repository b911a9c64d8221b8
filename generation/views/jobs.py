"""A job's page: cards that poll themselves until their image is done, cancel and retry, and
the stored files behind an ownership check."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from avatarapp import ratelimit
from avatarapp.caching import serve_private_file
from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.roles import Role
from generation import cancellation, services
from generation.access import get_image_for_member, get_job_for_member
from generation.models import Image, Job
from generation.progress import JobSummary, summarize


def _job_context(
    request: WorkspaceRequest,
    job: Job,
    can_edit: bool,
    *,
    with_images: bool = True,
    summary: JobSummary | None = None,
) -> dict[str, object]:
    images = list(job.images.filter(deleted_at=None)) if with_images else []
    return {
        "job": job,
        "images": images,
        "summary": summary or summarize(job),
        "can_edit": can_edit,
        # Two models or more: the page links to their comparison (gallery.compare).
        "comparable": len({image.model_id for image in images}) >= 2,
    }


@require_GET
@login_required
def job_detail(request: WorkspaceRequest, job_id: uuid.UUID) -> HttpResponse:
    membership, job = get_job_for_member(request, job_id)
    context = _job_context(request, job, membership.can_edit)
    return render(request, "generation/job.html", context)


@require_GET
@login_required
def job_progress(request: WorkspaceRequest, job_id: uuid.UUID) -> HttpResponse:
    """The progress bar, polled every 2 s while the batch runs. A comparison ("Compare these
    models") that this poll sees finish takes the person to its compare view: only here, at the
    moment it finishes, so opening the batch page later shows the batch page (with the link)."""
    membership, job = get_job_for_member(request, job_id)
    summary = summarize(job)
    if job.is_comparison and summary.finished and summary.counts.done:
        return HttpResponseClientRedirect(reverse("gallery:job_compare", args=[job.pk]))
    context = _job_context(request, job, membership.can_edit, with_images=False, summary=summary)
    return render(request, "generation/job.html#progress", context)


def _card(request: WorkspaceRequest, image: Image, can_edit: bool) -> HttpResponse:
    return render(request, "generation/job.html#card", {"image": image, "can_edit": can_edit})


@require_GET
@login_required
def image_card(request: WorkspaceRequest, image_id: uuid.UUID) -> HttpResponse:
    membership, image = get_image_for_member(request, image_id)
    return _card(request, image, membership.can_edit)


@require_POST
@login_required
def image_cancel(request: WorkspaceRequest, image_id: uuid.UUID) -> HttpResponse:
    membership, image = get_image_for_member(request, image_id, Role.EDITOR)
    if not cancellation.image_cancel(membership=membership, image=image):
        messages.error(request, "That image has already finished, so it cannot be cancelled.")
    image.refresh_from_db()
    if request.htmx:
        return _card(request, image, True)
    return redirect("generation:job", job_id=image.job_id)


@require_POST
@login_required
def image_retry(request: WorkspaceRequest, image_id: uuid.UUID) -> HttpResponse:
    membership, image = get_image_for_member(request, image_id, Role.EDITOR)
    verdict = ratelimit.hit("retry", user_id=request.user.pk, workspace_id=image.workspace_id)
    if not verdict.allowed:
        messages.error(request, ratelimit.refusal("retrying images", verdict))
        page = render(request, "generation/job.html", _job_context(request, image.job, True))
        return ratelimit.limited(page, verdict)
    try:
        services.image_retry(membership=membership, image=image)
    except services.SubmitError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "A new attempt is on its way.")
    return redirect("generation:job", job_id=image.job_id)


@require_GET
@login_required
def image_file(request: WorkspaceRequest, image_id: uuid.UUID, variant: str) -> HttpResponseBase:
    """The stored files behind an ownership check (see avatarapp/caching.py for how long a
    browser may keep them)."""
    _, image = get_image_for_member(request, image_id)
    name = {"original": image.original.name, "thumbnail": image.thumbnail.name}.get(variant)
    if not name:
        raise Http404("No such file.")
    return serve_private_file(name)
