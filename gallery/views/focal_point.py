"""Setting a portrait's focal point from its image page (gallery.focal_points): editors and above,
like every other change to the workspace's work. A point outside the image, or one that cannot
be read, changes nothing and says why."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.roles import Role
from gallery.focal_points import (
    FocalPointError,
    focal_point_of,
    focal_point_set,
    picker_size,
    posted_point,
)
from gallery.kit import RATIOS
from generation.access import get_image_for_member
from generation.models import Image
from painter.crop import crop_box

SAVED = "Focal point set: the persona kit's crops of this portrait centre on it."


@require_POST
@login_required
def set_focal_point(request: WorkspaceRequest, image_id: uuid.UUID) -> HttpResponse:
    membership, image = get_image_for_member(request, image_id, Role.EDITOR)
    problem = ""
    try:
        point = posted_point(request.POST, image)
        focal_point_set(membership=membership, image=image, point=point)
    except FocalPointError as error:
        problem = str(error)
    query = request.GET.urlencode()
    if request.htmx:
        context = focal_context(image, query, error=problem, saved="" if problem else SAVED)
        return render(request, "gallery/_focal_point.html", context)
    if problem:
        messages.error(request, problem)
    else:
        messages.success(request, SAVED)
    return redirect(reverse("gallery:image", args=[image.pk]) + (f"?{query}" if query else ""))


def focal_context(image: Image, query: str, **extra: Any) -> dict[str, Any]:
    """What the image page's focal point picker needs: the point, and the four crops it gives,
    each as percentages of the picture, to draw over it."""
    (x, y), is_set = focal_point_of(image)
    width, height = image.width or 1, image.height or 1
    crops = []
    for label, ratio in RATIOS:
        box = crop_box(width, height, (x, y), ratio)
        crops.append(
            {
                "label": label.replace("x", ":"),
                "x": 100 * box.left / width,
                "y": 100 * box.top / height,
                "width": 100 * box.width / width,
                "height": 100 * box.height / height,
            }
        )
    picker_width, picker_height = picker_size(image)
    return {
        "image": image,
        "focal_url": reverse("gallery:image_focal_point", args=[image.pk])
        + (f"?{query}" if query else ""),
        "focal_x": 100 * x,
        "focal_y": 100 * y,
        "focal_is_set": is_set,
        "focal_crops": crops,
        "picker_width": picker_width,
        "picker_height": picker_height,
        **extra,
    }
