"""The "builtin" provider: the pipeline's adapter for the offline renderer in `painter`. No key,
no network, no cost."""

from __future__ import annotations

from typing import Any

from avatarapp.keys.secret import Secret
from painter.portrait import MIN_SIDE, Look, Scene, check_size, draw, encode, seed_from_prompt
from painter.traits import resolve

from .base import (
    Endpoint,
    ErrorKind,
    GeneratedImage,
    GenerationResult,
    ImageRequest,
    PermanentError,
    Usage,
)


def _size(request: ImageRequest) -> tuple[int, int]:
    if request.width is not None or request.height is not None:
        return request.width or request.height or 1024, request.height or request.width or 1024
    if request.aspect_ratio and ":" in request.aspect_ratio:
        a, _, b = request.aspect_ratio.partition(":")
        try:
            ratio = float(a) / float(b)
        except (ValueError, ZeroDivisionError):
            ratio = 1.0
        if ratio > 0:
            if ratio >= 1:
                return 1024, max(MIN_SIDE, round(1024 / ratio))
            return max(MIN_SIDE, round(1024 * ratio)), 1024
    return 1024, 1024


def look_and_scene(request: ImageRequest) -> tuple[Look, Scene | None]:
    """What the pipeline stores for the renderer in `request.extra`: the persona's look and the
    style's scene. Images made before scenes existed have none: they render as they always did."""
    look: Any = request.extra.get("look", {})
    scene: Any = request.extra.get("scene")
    return Look(**look), Scene(**scene) if scene is not None else None


class BuiltinProvider:
    """The adapter the generation pipeline calls for the "builtin" provider. No key, no cost.
    It draws from the look and scene it is given, or else from the request's own."""

    def generate(
        self, request: ImageRequest, look: Look | None = None, scene: Scene | None = None
    ) -> GenerationResult:
        if look is None:
            look, scene = look_and_scene(request)
        width, height = _size(request)
        try:
            check_size(width, height)
        except ValueError as exc:
            raise PermanentError(str(exc), kind=ErrorKind.INVALID) from exc
        seed = request.seed if request.seed is not None else seed_from_prompt(request.prompt)
        image = draw(resolve(look), seed, width, height, None, scene)
        data, mime = encode(image, request.output_format.lower())
        return GenerationResult(
            images=(GeneratedImage(data=data, mime_type=mime, width=width, height=height),),
            usage=Usage(),
            request_id=None,
        )


# --- How the studio builds this adapter and checks a key with it (see its registry entry) -----


def client_for(_secret: Secret | None, _where: Endpoint) -> BuiltinProvider:
    return BuiltinProvider()
