"""The image page as a lightbox: the large image, previous and next within the gallery's current
filter, download under a readable name, favourite, and delete.

The gallery links here with its filter in the query string (`/images/<id>/?persona=...&tag=...`);
every link and form on the page carries that query on, so previous/next, Back to gallery and
the page after an action all stay in the same selection.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role, at_least
from catalog import model_name
from gallery import credentials, lightbox
from gallery.deletion import Locked, image_delete
from gallery.download_names import download_name
from gallery.models import Favourite, PersonaCover
from gallery.query import GalleryFilter
from gallery.services import image_set_favourite
from gallery.views.focal_point import focal_context
from gallery.views.image_review import review_context
from generation.access import get_image_for_member
from generation.models import Image

PAGE = "gallery/image.html"
GALLERY_URL_NAME = "gallery:gallery"


def kept(query: str) -> str:
    """The filter's query string as a URL suffix: "?persona=...", or nothing."""
    return f"?{query}" if query else ""


def image_url(image_id: uuid.UUID, query: str) -> str:
    return reverse("gallery:image", args=[image_id]) + kept(query)


def tags_context(membership: Membership, image: Image, query: str, **extra: Any) -> dict:
    """What the tags part of the page needs (it is also swapped in alone by htmx)."""
    can_edit = membership.can_edit
    return {
        "image": image,
        "keep": kept(query),
        "gallery_url": reverse(GALLERY_URL_NAME),
        "can_edit": can_edit,
        "tags": lightbox.tags_of(image),
        "suggestions": lightbox.suggestions(membership, image) if can_edit else [],
        **extra,
    }


def page(
    request: WorkspaceRequest, membership: Membership, image: Image, **extra: Any
) -> HttpResponse:
    chosen = GalleryFilter.from_query(request.GET, membership)
    query = chosen.to_query()
    newer, older = lightbox.neighbours(chosen.images(membership), image)
    can_edit = membership.can_edit
    done = image.is_done
    context = {
        **tags_context(membership, image, query, **extra),
        "newer_url": image_url(newer, query) if newer else "",
        "older_url": image_url(older, query) if older else "",
        "back_url": reverse(GALLERY_URL_NAME) + kept(query),
        "model_name": model_name(image.model_id),
        "took": f"{image.latency_ms / 1000:.1f} s" if image.latency_ms else "",
        "is_favourite": Favourite.objects.filter(user=request.user, image=image).exists(),
        "done": done,
        "file_name": download_name(image) if done else "",
        "reuse_url": lightbox.reuse_url(image) if can_edit else "",
        "can_be_cover": can_edit and done and image.persona_id is not None,
        "is_cover": PersonaCover.objects.filter(image=image).exists(),
        "here": request.get_full_path(),
        "lineage": lightbox.lineage(image),
        "credentials": lightbox.credentials_sentence(image),
        "can_add_text": can_edit and done,
        "can_edit_portrait": can_edit and done,
        "can_set_focal": can_edit and done,
        # Owners and admins decide whether a flagged image was billed (generation.reconciliation).
        "can_resolve": image.status == Image.Status.NEEDS_RECONCILIATION
        and at_least(membership.role, Role.ADMIN),
        **review_context(image),
    }
    if can_edit and done:
        context |= focal_context(image, query)
    return render(request, PAGE, context)


@require_GET
@login_required
def image_page(request: WorkspaceRequest, image_id: uuid.UUID) -> HttpResponse:
    membership, image = get_image_for_member(request, image_id)
    return page(request, membership, image)


@require_GET
@login_required
def download(request: WorkspaceRequest, image_id: uuid.UUID) -> HttpResponseBase:
    """The original with our Content Credentials (gallery.credentials), saved by the browser as
    persona-style-model-YYYYMMDD-shortid.png."""
    _, image = get_image_for_member(request, image_id)
    if not image.is_done or not image.original.name:
        raise Http404("This image has no file to download.")
    try:
        return credentials.download_response(image, download_name(image))
    except FileNotFoundError:
        raise Http404("This image's file is missing from storage.") from None


@require_POST
@login_required
def favourite(request: WorkspaceRequest, image_id: uuid.UUID) -> HttpResponse:
    """Each person's own favourites: any member may favourite, viewers too."""
    membership, image = get_image_for_member(request, image_id)
    on = request.POST.get("on") == "1"
    image_set_favourite(membership=membership, images=[image], on=on)
    query = request.GET.urlencode()
    if request.htmx:
        context = {"image": image, "is_favourite": on, "keep": kept(query)}
        return render(request, f"{PAGE}#favourite", context)
    return redirect(image_url(image.pk, query))


@require_POST
@login_required
def delete(request: WorkspaceRequest, image_id: uuid.UUID) -> HttpResponse:
    """Delete this one image, then show the next in the selection (or the gallery)."""
    membership, image = get_image_for_member(request, image_id, Role.EDITOR)
    chosen = GalleryFilter.from_query(request.GET, membership)
    newer, older = lightbox.neighbours(chosen.images(membership), image)
    try:
        image_delete(membership=membership, images=Image.objects.filter(pk=image.pk))
    except Locked as refusal:  # nothing changed: say why, on the image's own page
        messages.error(request, str(refusal))
        return redirect(image_url(image.pk, chosen.to_query()))
    messages.success(request, "The image was deleted.")
    following = older or newer
    query = chosen.to_query()
    if following:
        return redirect(image_url(following, query))
    return redirect(reverse(GALLERY_URL_NAME) + kept(query))
