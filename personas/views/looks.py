"""Live previews beside the persona and style forms: the built-in renderer's portrait of what the
form holds right now, unsaved. The form's fields travel in the query string (static/js/
look-form.js rewrites the image's URL as they change; without JavaScript, "Update preview" posts
the form and the page comes back with a new URL). Any member of the current workspace may draw
one: it reads nothing stored and costs nothing but a few milliseconds, cached like portraits.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from avatarapp.http import WorkspaceRequest
from avatarapp.workspaces.access import get_current_membership
from painter.portrait import Look, Scene, render_portrait
from personas.chip_fields import PERSONA_PICKS, STYLE_PICKS, Pick, lenient_values
from personas.choices import HEX_COLOUR_PATTERN
from personas.forms import SCENE_FIELDS
from personas.models import LOOK_FIELDS, RENDER_VERSION, Persona, Style
from personas.views.portraits import png_response

PREVIEW_SIZES = (192, 320, 512)
PREVIEW_SIZE = 320
# The query string names the whole image, so the browser may keep it a while; an hour bounds
# how long a changed renderer (a deploy) leaves an old drawing in a browser.
CACHE_CONTROL = "private, max-age=3600"
MAX_SEED = 2**31 - 1

# The style example's sample persona: neutral, so the style is what one sees.
SAMPLE_LOOK = Look(
    skin_tone="medium",
    hair_length="short",
    hair_colour="dark brown",
    hair_style="wavy",
    garment="sweater",
    garment_colour="grey",
)
SAMPLE_SEED = 7


def render_style_example(scene: Mapping[str, str], size: int) -> bytes:
    """The sample persona in a style's picked scene (backdrop colour, backdrop, light, framing,
    mood): what the renderer draws for images in that style."""
    picked = Scene(**{name: scene.get(name, "") for name in SCENE_FIELDS})
    return render_portrait(SAMPLE_LOOK, seed=SAMPLE_SEED, width=size, height=size, scene=picked)


def _size(request: WorkspaceRequest) -> int:
    size = request.GET.get("size", str(PREVIEW_SIZE))
    if not size.isdigit() or int(size) not in PREVIEW_SIZES:
        raise Http404("No such size.")
    return int(size)


def _seed(request: WorkspaceRequest) -> int:
    seed = request.GET.get("seed", "0")
    return min(int(seed), MAX_SEED) if seed.isdigit() and len(seed) <= 10 else 0


def _tag(kind: str, *parts: object) -> str:
    text = "\x1f".join(str(p) for p in (RENDER_VERSION, kind, *parts))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@require_GET
@login_required
def look_preview(request: WorkspaceRequest) -> HttpResponse:
    get_current_membership(request)
    size, seed = _size(request), _seed(request)
    look = lenient_values(request.GET, Persona, LOOK_FIELDS, PERSONA_PICKS)
    return png_response(
        request,
        _tag("look", size, seed, *look.values()),
        lambda: render_portrait(Look(**look), seed=seed, width=size, height=size),
        CACHE_CONTROL,
    )


@require_GET
@login_required
def style_example(request: WorkspaceRequest) -> HttpResponse:
    get_current_membership(request)
    size = _size(request)
    scene = lenient_values(request.GET, Style, SCENE_FIELDS, STYLE_PICKS)
    colour = scene["backdrop_colour"].strip().lower()
    colour = colour if colour.startswith("#") else f"#{colour}"
    scene["backdrop_colour"] = colour if re.fullmatch(HEX_COLOUR_PATTERN, colour) else ""
    return png_response(
        request,
        _tag("style", size, *scene.values()),
        lambda: render_style_example(scene, size),
        CACHE_CONTROL,
    )


def preview_src(
    url_name: str,
    form: forms.BaseForm,
    names: tuple[str, ...],
    picks: tuple[Pick, ...],
    **fixed: Any,
) -> dict[str, str]:
    """For the template: the live preview's URL for the form as it stands (`src`), the URL the
    page's script adds the fields to (`base`), and the names of those fields (`fields`)."""
    chips = [pick.chips_name for pick in picks if pick.name in names]
    params = {name: form[name].value() or "" for name in dict.fromkeys((*names, *chips))}
    base = f"{reverse(url_name)}?{urlencode({'size': PREVIEW_SIZE, **fixed})}"
    return {"base": base, "src": f"{base}&{urlencode(params)}", "fields": " ".join(params)}
