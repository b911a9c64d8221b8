"""The image page's Review section: the image's review state, what reviewers said, and the
editors' Lock that keeps an approved image from being deleted."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.roles import Role
from gallery import reviews
from gallery.models import ImageReview
from generation.access import get_image_for_member
from generation.models import Image

REVIEWS_SHOWN = 20


def review_context(image: Image) -> dict[str, Any]:
    state = ImageReview.objects.filter(image=image).first()
    return {
        "review_state": state,
        "reviews": list(reviews.reviews_of(image).select_related("link")[:REVIEWS_SHOWN]),
    }


@require_POST
@login_required
def lock(request: WorkspaceRequest, image_id: uuid.UUID) -> HttpResponse:
    membership, image = get_image_for_member(request, image_id, Role.EDITOR)
    locked = request.POST.get("locked") == "1"
    try:
        reviews.review_lock(membership=membership, image=image, locked=locked)
    except reviews.ReviewError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            "Locked: this portrait cannot be deleted until it is unlocked."
            if locked
            else "Unlocked: this portrait can be deleted again.",
        )
    query = request.GET.urlencode()  # the gallery's filter, carried on as every image action does
    return redirect(reverse("gallery:image", args=[image.pk]) + (f"?{query}" if query else ""))
