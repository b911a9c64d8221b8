"""Add text: the short form on a finished portrait, and the new image it makes (a child of the
portrait, costing $0; generation.overlay)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from avatarapp import ratelimit
from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.roles import Role
from generation.access import get_image_for_member
from generation.models import Image
from generation.overlay import NOT_FINISHED, OverlayError, overlay_add
from painter.overlay import COLOURS, MAX_TEXT, POSITIONS, SIZES, TextOverlay

PAGE = "gallery/overlay.html"


def _choices(options: Mapping[str, tuple[str, object]]) -> list[tuple[str, str]]:
    return [(value, label) for value, (label, _) in options.items()]


def _read(request: WorkspaceRequest) -> TextOverlay:
    post = request.POST
    return TextOverlay(
        text=post.get("text", ""),
        position=post.get("position", ""),
        size=post.get("size", ""),
        colour=post.get("colour", ""),
        band=post.get("band") == "1",
    )


def _page(
    request: WorkspaceRequest,
    image: Image,
    overlay: TextOverlay,
    problems: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    problems = problems or {}
    if not image.is_done:
        problems[""] = NOT_FINISHED
    context = {
        "image": image,
        "refusal": problems.get(""),
        "overlay": overlay,
        "problems": problems,
        "max_text": MAX_TEXT,
        "positions": _choices(POSITIONS),
        "sizes": _choices(SIZES),
        "colours": _choices(COLOURS),
    }
    return render(request, PAGE, context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def add_text(request: WorkspaceRequest, image_id: uuid.UUID) -> HttpResponse:
    membership, image = get_image_for_member(request, image_id, Role.EDITOR)
    if request.method == "GET":
        return _page(request, image, TextOverlay(text=""))
    overlay = _read(request)
    # Each one decodes the whole portrait and encodes a new one inside this request: limited
    # like the other actions that make real work (settings.RATE_LIMITS["add_text"]).
    verdict = ratelimit.hit("add_text", user_id=request.user.pk, workspace_id=image.workspace_id)
    if not verdict.allowed:
        refused = {"": ratelimit.refusal("adding text", verdict)}
        return ratelimit.limited(_page(request, image, overlay, refused), verdict)
    try:
        child = overlay_add(membership=membership, image=image, overlay=overlay)
    except OverlayError as error:
        return _page(request, image, overlay, error.problems, status=400)
    messages.success(request, "Text added. This is a new image; the original is unchanged.")
    return redirect(reverse("gallery:image", args=[child.pk]))
