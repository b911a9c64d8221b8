"""The built-in render of a persona, drawn on the fly from its look (no key, no cost, no storage).

It is what a persona card shows until the persona has generated portraits. Rendering takes tens
of milliseconds, so the PNG is kept in the cache under a hash of everything it depends on; the
same hash is the ETag and the `v` in the URL, so a browser keeps the image until the look changes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.views.decorators.http import require_GET

from avatarapp.http import WorkspaceRequest
from painter.portrait import Look, Scene, render_portrait
from painter.scene import scene_for
from personas.access import get_persona_for_member
from personas.models import LOOK_FIELDS, Persona
from personas.services import style_spec_get
from personas.style_specs import UnknownStyleError

SIZES = (96, 192, 320, 512, 768)
CACHE_SECONDS = 7 * 24 * 3600


def look_of(persona: Persona) -> Look:
    return Look(**{name: getattr(persona, name) for name in LOOK_FIELDS})


def _scene(persona: Persona, style_key: str) -> Scene | None:
    """A style's scene for the style strip's thumbnails (None: the persona's own backdrop)."""
    if not style_key:
        return None
    try:
        return scene_for(style_spec_get(workspace=persona.workspace, key=style_key))
    except UnknownStyleError:
        raise Http404("No such style.") from None


def png_response(
    request: WorkspaceRequest, tag: str, render: Callable[[], bytes], cache_control: str
) -> HttpResponse:
    """A rendered PNG named by `tag` (a hash of everything it depends on): 304 when the browser
    has it, else from the cache, else drawn now and kept."""
    etag = f'"{tag}"'
    if request.headers.get("If-None-Match") == etag:
        response: HttpResponse = HttpResponseNotModified()
    else:
        key = f"personas:render:{tag}"
        data = cache.get(key)
        if data is None:
            data = render()
            cache.set(key, data, CACHE_SECONDS)
        response = HttpResponse(data, content_type="image/png")
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    return response


@require_GET
@login_required
def portrait(request: WorkspaceRequest, pk: uuid.UUID) -> HttpResponse:
    _, persona = get_persona_for_member(request, pk)
    try:
        size = int(request.GET.get("size", "512"))
    except ValueError:
        size = 0
    if size not in SIZES:
        raise Http404("No such size.")
    scene = _scene(persona, request.GET.get("style", ""))
    tag = persona.render_tag(size, scene.cache_key() if scene else "")
    # A versioned URL never changes meaning: the browser may keep it for good.
    versioned = request.GET.get("v") == tag
    cache_control = "private, max-age=31536000, immutable" if versioned else "private, no-cache"
    return png_response(
        request,
        tag,
        lambda: render_portrait(
            look_of(persona), seed=persona.render_seed, width=size, height=size, scene=scene
        ),
        cache_control,
    )
