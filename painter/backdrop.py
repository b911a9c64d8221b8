"""Backdrops for the built-in renderer, behind the figure: a plain wall, a soft gradient, a studio
backdrop with a pool of light, an office, outdoors, a city street.

The backdrop's own colour fills the canvas first and stays exact in the top corners of every kind
(the wall, the top of a gradient, the sky), so what a style picked is what a pixel shows there.
Scenery is placed in fractions of the image, not in the figure's units, so it stays put while the
framing moves the camera closer or further.
"""

from __future__ import annotations

import math
import random

from .canvas import Canvas
from .palette import RGB, hex_rgb
from .words import darker, lighter, luminance, mix

LEAF = hex_rgb("#5f8f58")
WOOD = hex_rgb("#a7825c")
SLATE = hex_rgb("#5d6878")
GLASS = hex_rgb("#f3f7fb")


def paint(c: Canvas, kind: str, colour: RGB, seed: int) -> None:
    painter = {
        "gradient": _gradient,
        "studio": _studio,
        "office": _office,
        "outdoors": _outdoors,
        "city": _city,
    }.get(kind)
    if painter is not None:
        painter(c, colour, seed)


def _box(c: Canvas, x0: float, y0: float, x1: float, y1: float) -> tuple[float, ...]:
    return (x0 * c.width, y0 * c.height, x1 * c.width, y1 * c.height)


def _away(colour: RGB, amount: float) -> RGB:
    """A shade of `colour` that stands apart from it: darker on light colours, lighter on dark."""
    return darker(colour, amount) if luminance(colour) > 0.3 else lighter(colour, amount)


def _bands(c: Canvas, top: RGB, bottom: RGB, start: float) -> None:
    """A vertical gradient from `top` at `start` (a fraction of the height) to `bottom` at the
    bottom edge, as solid bands one colour step apart (no blending: cheap at any size)."""
    first = int(start * c.height)
    steps = max(abs(a - b) for a, b in zip(top, bottom, strict=True)) + 1
    for i in range(steps):
        y0 = first + (c.height - first) * i // steps
        y1 = first + (c.height - first) * (i + 1) // steps
        c.draw.rectangle((0, y0, c.width, y1), fill=mix(top, bottom, (i + 0.5) / steps))


def _gradient(c: Canvas, colour: RGB, seed: int) -> None:
    _bands(c, colour, _away(colour, 0.3), 0.25)


def _studio(c: Canvas, colour: RGB, seed: int) -> None:
    """A seamless paper backdrop: a soft pool of light behind the head, the sweep darker below."""
    _bands(c, colour, _away(colour, 0.18), 0.8)  # the sweep starts where the pool ends
    glow = lighter(colour, 0.4)
    steps = max(abs(a - b) for a, b in zip(colour, glow, strict=True)) + 1
    cx, cy, radius = 0.5 * c.width, 0.4 * c.height, 0.4 * min(c.width, c.height)
    # Rings from the rim in, each a step lighter: outlines, not discs, so no pixel is painted twice.
    radii = [radius * (1 - i / steps) ** 0.7 for i in range(steps)] + [0.0]
    for i in range(steps):
        r, width = radii[i], math.ceil(radii[i] - radii[i + 1]) + 1
        shade = mix(colour, glow, (i + 1) / steps)
        c.draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=shade, width=width)


def _office(c: Canvas, colour: RGB, seed: int) -> None:
    """A wall of the backdrop colour with a bright window, a plant and a counter."""
    frame = _away(colour, 0.18)
    c.draw.rectangle(_box(c, 0.06, 0.1, 0.36, 0.62), fill=mix(GLASS, colour, 0.25))
    width = max(2, round(0.012 * c.width))
    c.draw.rectangle(_box(c, 0.06, 0.1, 0.36, 0.62), outline=frame, width=width)
    c.draw.line(_box(c, 0.21, 0.1, 0.21, 0.62), fill=frame, width=width)
    c.draw.line(_box(c, 0.06, 0.36, 0.36, 0.36), fill=frame, width=width)
    c.draw.rectangle(_box(c, 0.0, 0.74, 1.0, 1.0), fill=mix(WOOD, colour, 0.35))
    c.draw.rectangle(_box(c, 0.8, 0.6, 0.9, 0.74), fill=mix(hex_rgb("#c46e4e"), colour, 0.2))
    for dx, dy, r in ((-0.05, -0.05, 0.06), (0.05, -0.07, 0.055), (0.0, -0.13, 0.06)):
        x, y = 0.85 + dx, 0.6 + dy
        leaf = mix(LEAF, colour, 0.2) if dy < -0.1 else mix(darker(LEAF, 0.15), colour, 0.2)
        c.draw.ellipse(_box(c, x - r, y - r, x + r, y + r), fill=leaf)


def _outdoors(c: Canvas, colour: RGB, seed: int) -> None:
    """Sky of the backdrop colour over hazy hills, two trees and grass."""
    far, near = mix(LEAF, colour, 0.55), mix(darker(LEAF, 0.1), colour, 0.3)
    c.draw.ellipse(_box(c, -0.3, 0.55, 0.8, 1.3), fill=far)
    c.draw.ellipse(_box(c, 0.35, 0.6, 1.4, 1.35), fill=far)
    c.draw.rectangle(_box(c, 0.0, 0.8, 1.0, 1.0), fill=near)
    trunk = mix(hex_rgb("#6b4f3a"), colour, 0.3)
    for x, r in ((0.1, 0.11), (0.9, 0.13)):
        c.draw.rectangle(_box(c, x - 0.012, 0.5, x + 0.012, 0.82), fill=trunk)
        c.draw.ellipse(_box(c, x - r, 0.48 - r, x + r, 0.48 + r), fill=near)


def _city(c: Canvas, colour: RGB, seed: int) -> None:
    """Sky of the backdrop colour over a row of buildings with lit windows, and a pavement."""
    rng = random.Random(seed ^ 0xC17)  # noqa: S311 - deterministic art, not security
    x = -0.02
    while x < 1.0:
        width = rng.uniform(0.12, 0.22)
        top = rng.uniform(0.2, 0.5)
        body = mix(SLATE, colour, rng.uniform(0.3, 0.55))
        c.draw.rectangle(_box(c, x, top, x + width, 1.0), fill=body)
        window = lighter(body, 0.35)
        row = top + 0.04
        while row < 0.8:
            for k in range(3):
                wx = x + width * (0.15 + 0.28 * k)
                c.draw.rectangle(_box(c, wx, row, wx + width * 0.14, row + 0.025), fill=window)
            row += 0.06
        x += width + 0.01
    c.draw.rectangle(_box(c, 0.0, 0.86, 1.0, 1.0), fill=mix(SLATE, colour, 0.2))
