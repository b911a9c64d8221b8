"""The page a share link opens, for people without an account: /s/<token>/.

It shows what was shared and nothing else: the images by position, each with its persona's name
and style (never its model, id or batch), the "AI-generated" label when the link asks for it,
and links to nothing of the workspace. Images come through short-lived signed URLs
(gallery.share_access) and leave through gallery.share_files.

An unknown, tampered, expired or revoked token gets one and the same 404 page, byte for byte: it
carries no CSRF token or anything else that differs per request, so nobody can tell a link that
once existed from one that never did. Every answer says noindex, sends no referrer to other
sites (the token is in the URL) and may be kept by no shared cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from avatarapp import ratelimit
from gallery import share_access, share_links
from gallery.models import ImageReview, ReviewState, SharedImage, ShareLink
from gallery.share_files import shared_image_response

PAGE = "gallery/shared/page.html"


def private(response: HttpResponseBase, cache: str = "private, no-store") -> HttpResponseBase:
    """The headers every answer under /s/ carries."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    # The token is in the URL: it goes to no other site. Not "no-referrer": under it Chromium
    # posts the page's own forms with "Origin: null", which CSRF protection rightly refuses.
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = cache
    return response


def gone(request: HttpRequest) -> HttpResponseBase:
    return private(render(request, "gallery/shared/gone.html", status=404))


@dataclass(frozen=True)
class Failed:
    """A review form that was refused: where, why, and what was typed, to show it again."""

    position: int
    message: str
    decision: str
    comment: str


def shared_items(link: ShareLink) -> QuerySet[SharedImage]:
    """The link's images still in the workspace (a deleted one is simply no longer shown)."""
    return SharedImage.objects.filter(link=link, image__deleted_at=None).select_related("image")


def _items(link: ShareLink, token: str, failed: Failed | None) -> list[dict[str, Any]]:
    shared = shared_items(link).order_by("position")
    states = dict(
        ImageReview.objects.filter(image__in=[s.image_id for s in shared]).values_list(
            "image_id", "state"
        )
    )
    items = []
    for item in shared:
        image = item.image
        items.append(
            {
                "position": item.position,
                "persona_name": image.persona_name,
                "style_name": image.style_name,
                "width": image.width,
                "height": image.height,
                "thumb_url": _image_url(link, token, item.position, "thumbnail"),
                "download_url": _image_url(link, token, item.position, "original"),
                "state": ReviewState(states[image.pk]).label if image.pk in states else "",
                "failed": failed if failed and failed.position == item.position else None,
            }
        )
    return items


def _image_url(link: ShareLink, token: str, position: int, variant: str) -> str:
    ticket = share_access.image_ticket(link, position, variant)
    return reverse("gallery:shared_image", args=[token, ticket])


def page(
    request: HttpRequest,
    link: ShareLink,
    token: str,
    failed: Failed | None = None,
    **extra: Any,
) -> HttpResponseBase:
    """The shared page (or its password form), with a refused review or `extra` errors."""
    if not share_access.is_unlocked(request, link):
        context = {"link": link, "token": token, **extra}
        return private(render(request, "gallery/shared/password.html", context))
    context = {
        "link": link,
        "token": token,
        "items": _items(link, token, failed),
        "reviewer": share_access.reviewer_name(request, link),
        **extra,
    }
    return private(render(request, PAGE, context))


@require_GET
def shared(request: HttpRequest, token: str) -> HttpResponseBase:
    link = share_links.find_live(token)
    if link is None:
        return gone(request)
    if share_access.is_unlocked(request, link):
        share_links.record_view(link)
    return page(request, link, token)


@require_POST
def unlock(request: HttpRequest, token: str) -> HttpResponseBase:
    link = share_links.find_live(token)
    if link is None:
        return gone(request)
    try:
        share_access.unlock(request, link, request.POST.get("password", ""))
    except share_access.PasswordRefused as refused:
        response = page(request, link, token, error=str(refused))
        if refused.retry_after:
            ratelimit.limited(response, ratelimit.Verdict(refused.retry_after))  # type: ignore[arg-type]
        else:
            response.status_code = 403
        return response
    return redirect("gallery:shared", token)


@require_GET
def shared_image(request: HttpRequest, token: str, ticket: str) -> HttpResponseBase:
    link = share_links.find_live(token)
    if link is None:
        return gone(request)
    found = share_access.read_ticket(link, ticket)
    if found is None or not share_access.is_unlocked(request, link):
        return gone(request)
    position, variant = found
    item = shared_items(link).filter(position=position).first()
    if item is None:
        return gone(request)
    response = shared_image_response(link, item.image, position, variant)
    return private(response, f"private, max-age={settings.SHARE_IMAGE_URL_SECONDS // 2}")
