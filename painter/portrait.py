"""The built-in offline renderer: a flat-illustration portrait drawn with Pillow from a persona's
look, a style's scene and a seed. It costs nothing, needs no key and no network, and is what a new
user sees working first.

- `render_portrait(look, seed=..., width=..., height=..., scene=...)` -> PNG bytes. The same
  arguments always give byte-identical output; the seed only varies small things (the pastel
  backdrop when the scene names no colour, gaze, the smile when it names no mood).
- `draw(...)` and `encode(...)` for callers that pick the size and format themselves
  (generation.providers.builtin, the adapter the pipeline calls).

The look is read by traits / wardrobe / words (picked words, common colour
and style words, hex codes, and a hash-derived fallback so unknown words still give a stable,
distinct result); the scene (backdrop colour and kind, light, framing, mood) by scene.
"""

from __future__ import annotations

import hashlib
import io
import random

from PIL import Image

from . import backdrop as backdrop
from . import clothes as clothes
from . import figure as fig
from . import light as light
from .canvas import Canvas, Frame
from .face import face
from .hair import HIDDEN_EARS, hair_back, hair_front, hair_over
from .look import Look
from .palette import COLOURS, RGB, hex_rgb
from .scene import Scene
from .traits import Traits, resolve
from .words import hashed_colour, normalise, read_colour

__all__ = ["MAX_SIDE", "MIN_SIDE", "Look", "Scene", "draw", "encode", "render_portrait"]

MIN_SIDE = 64
MAX_SIDE = 4096
# Drawn at 2x and halved for smooth edges while the canvas is small enough to stay fast.
_SUPERSAMPLE_MAX_PIXELS = 4_200_000

BACKGROUNDS = [
    hex_rgb(c)
    for c in (
        "#bcdcec",
        "#c6e3c4",
        "#f5d3b8",
        "#f3c9d3",
        "#d6cdf1",
        "#f6e0a4",
        "#b8e1dc",
        "#f4c5b0",
        "#cdd8e8",
        "#e4d7c2",
    )
]


def _background(text: str | None, rng: random.Random) -> RGB:
    if text:
        norm = normalise(text)
        return read_colour(norm, COLOURS) or hashed_colour(norm, "bg", lum=0.85, sat=0.45)
    return rng.choice(BACKGROUNDS)


# The style's framing -> the camera: a headshot comes closer, a half body shows more torso.
FRAMES = {"headshot": Frame(zoom=1.3, head_at=0.47), "half body": Frame(zoom=0.66, head_at=0.34)}


def draw(
    t: Traits, seed: int, width: int, height: int, background: str | None, scene: Scene | None
) -> Image.Image:
    rng = random.Random(seed)  # noqa: S311 - deterministic art, not security
    scene = scene or Scene()
    bg = _background(scene.backdrop_colour or background, rng)
    pose = fig.Pose.from_rng(rng, scene.mood)
    scale = 2 if width * height <= _SUPERSAMPLE_MAX_PIXELS else 1
    c = Canvas(width, height, scale, bg, FRAMES.get(scene.framing, Frame()))
    g = fig.geometry(t, pose)
    if scene.backdrop or scene.backdrop_colour:
        backdrop.paint(c, scene.backdrop, bg, seed)
    else:  # no scene asked for: the seed's pastel with a lighter disc, as before scenes
        fig.background(c, bg, 0.5)
    if scene.lighting_direction in light.SHADED:
        c.track_figure()
    hair_back(c, g, t)
    clothes.body(c, g, t)
    hair_over(c, g, t)
    if t.hijab is None:
        clothes.neck(c, g, t)
        clothes.collar(c, g, t)
        if t.hair_style not in HIDDEN_EARS:
            fig.ears(c, g, t)
    face(c, g, t, pose, rng)
    hair_front(c, g, t)
    fig.earrings(c, g, t)
    image = c.image
    figure = c.figure.convert("L") if c.figure is not None else None
    if scale > 1:
        image = image.reduce(scale)
        figure = figure.reduce(scale) if figure is not None else None
    light.apply(image, figure, c.px(g.hx, 0)[0] / scale, c.u / scale, scene.lighting_direction)
    return image


def check_size(width: int, height: int) -> None:
    for side in (width, height):
        if not MIN_SIDE <= side <= MAX_SIDE:
            raise ValueError(f"Image sides must be between {MIN_SIDE} and {MAX_SIDE} pixels.")


def encode(image: Image.Image, fmt: str) -> tuple[bytes, str]:
    out = io.BytesIO()
    if fmt in ("jpeg", "jpg"):
        image.save(out, format="JPEG", quality=92)
        return out.getvalue(), "image/jpeg"
    if fmt == "webp":
        image.save(out, format="WEBP", quality=90)
        return out.getvalue(), "image/webp"
    # No pnginfo, no timestamps: the bytes depend only on the pixels.
    image.save(out, format="PNG", compress_level=2)
    return out.getvalue(), "image/png"


def render_portrait(
    look: Look,
    *,
    seed: int,
    width: int = 1024,
    height: int = 1024,
    background: str | None = None,
    scene: Scene | None = None,
) -> bytes:
    """A PNG portrait of `look` in `scene` (or, without one, on `background`: a colour in words,
    else the seed's pastel). Deterministic in all of its arguments."""
    check_size(width, height)
    data, _ = encode(draw(resolve(look), seed, width, height, background, scene), "png")
    return data


def seed_from_prompt(prompt: str) -> int:
    return int.from_bytes(hashlib.sha256(prompt.encode()).digest()[:4], "big") & 0x7FFFFFFF
