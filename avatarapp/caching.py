"""How long a browser or a proxy may keep what a logged-in user is sent.

Pages and fragments: never (`no-store`). They hold workspace names, members' emails, key masks,
costs and CSRF tokens; nothing of that may stay in a shared cache, or in the browser for the back
button to show after logging out.

Image bytes (generated images, reference images) are the one deliberate exception, and they are
still `private`, so only the user's own browser may keep them, never a shared cache. A gallery or
a job page shows dozens of thumbnails, and job cards are swapped in every 2 s while a batch runs;
with `no-store` every visit and every swap would fetch each thumbnail again (on S3, through a new
presigned URL each time, so not even S3's answer could be reused). Five minutes in the user's
own browser cache bounds how long bytes outlive a removed membership or a logout, and the pages
that list them are `no-store`, so nothing leads back to them. Static files are not affected:
WhiteNoise answers them before any of this runs, with its own long cache headers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.http import content_disposition_header

PRIVATE_IMAGE_SECONDS = 300


class NoStoreForUsersMiddleware:
    """`Cache-Control: no-store` on every response to a logged-in user, unless the view chose a
    policy itself (only the private image responses below do)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response


def serve_private_file(
    name: str, content_type: str | None = None, *, download_as: str = ""
) -> HttpResponseBase:
    """A stored image for a member the view has already checked; with `download_as`, as an
    attachment the browser saves under that file name instead of showing it.

    On S3: a redirect to a short-lived presigned URL, so the bytes never pass through the web
    server (S3 sends the attachment header itself: it is part of the signed URL). The browser may
    reuse the redirect for half the URL's lifetime, so a cached redirect never points at an
    expired URL. Only a signed URL is ever handed out: a storage with public URLs is streamed
    like the local folder.
    """
    if getattr(default_storage, "querystring_auth", False):
        disposition = content_disposition_header(True, download_as) if download_as else None
        parameters = {"ResponseContentDisposition": disposition} if disposition else None
        s3: Any = default_storage  # django-storages' S3Storage: its url() signs these too
        response: HttpResponseBase = redirect(s3.url(name, parameters=parameters))
        expire = getattr(default_storage, "querystring_expire", 0)
        seconds = min(PRIVATE_IMAGE_SECONDS, expire // 2)
    else:
        response = FileResponse(
            default_storage.open(name),
            content_type=content_type,
            as_attachment=bool(download_as),
            filename=download_as,
        )
        seconds = PRIVATE_IMAGE_SECONDS
    response["Cache-Control"] = f"private, max-age={seconds}"
    return response
