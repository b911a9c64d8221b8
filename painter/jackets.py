"""Garments open at the front, over an inner top: blazer and suit (lapels), cardigan (a deep V
with buttons), denim jacket (pockets, a placket and contrast stitching). Drawn over the body's
cloth by clothes.body."""

from __future__ import annotations

from .canvas import Canvas
from .figure import BODY_TOP, Geometry
from .palette import hex_rgb
from .traits import Traits
from .words import darker, lighter, mix

STITCH = hex_rgb("#d08a3a")  # denim's orange thread
BUTTON = hex_rgb("#2a2424")


def front(c: Canvas, g: Geometry, t: Traits, nw: float) -> None:
    if t.garment == "denim":
        _denim(c, g, t, nw)
    else:
        _lapels(c, g, t, nw)


def _inner_v(c: Canvas, g: Geometry, t: Traits, nw: float, v_bot: float) -> None:
    """The inner top in the opening, with the neck's skin (or a tie) at its top."""
    top, hx = BODY_TOP, g.hx
    c.fill(c.poly([(hx - 0.12, top), (hx + 0.12, top), (hx, v_bot + 0.05)], smooth=False), t.inner)
    if t.tie is None:
        c.fill(
            c.poly([(hx - nw, top - 0.02), (hx + nw, top - 0.02), (hx, top + 0.05)], smooth=False),
            t.skin,
        )
        return
    knot = [
        (hx - 0.02, top + 0.0),
        (hx + 0.02, top + 0.0),
        (hx + 0.014, top + 0.035),
        (hx - 0.014, top + 0.035),
    ]
    blade = [
        (hx - 0.016, top + 0.03),
        (hx + 0.016, top + 0.03),
        (hx + 0.03, v_bot),
        (hx, v_bot + 0.03),
        (hx - 0.03, v_bot),
    ]
    c.fill(c.poly(blade, smooth=False), t.tie)
    c.fill(c.poly(knot, smooth=False), darker(t.tie, 0.15))


def _lapels(c: Canvas, g: Geometry, t: Traits, nw: float) -> None:
    top, hx, kind, cloth = BODY_TOP, g.hx, t.garment, t.cloth
    v_bot = top + {"blazer": 0.2, "suit": 0.17}.get(kind, 0.24)
    _inner_v(c, g, t, nw, v_bot)
    lapel_colour = {"blazer": darker(cloth, 0.16), "suit": darker(cloth, 0.08)}.get(kind, cloth)
    for s in (-1, 1):
        lapel = [
            (hx + s * 0.12, top - 0.002),
            (hx + s * 0.004, v_bot + 0.05),
            (hx + s * 0.085, v_bot - 0.06),
            (hx + s * 0.125, top + 0.1),
            (hx + s * 0.16, top + 0.04),
        ]
        if kind == "suit":  # the notch where collar meets lapel
            lapel.insert(4, (hx + s * 0.165, top + 0.085))
        c.fill(c.poly(lapel, smooth=False), lapel_colour)
        c.stroke([lapel[0], lapel[1]], 0.004, darker(cloth, 0.28), smooth=False)
    if kind == "suit":
        for i in range(2):
            c.fill(c.ellipse(hx + 0.008, v_bot + 0.09 + i * 0.09, 0.009), BUTTON)
        c.fill(c.rect(hx + 0.17, top + 0.15, hx + 0.24, top + 0.165), lighter(t.inner, 0.2))
    elif kind == "cardigan":
        for i in range(3):
            c.fill(c.ellipse(hx + 0.006, v_bot + 0.1 + i * 0.08, 0.008), lighter(cloth, 0.35))


def _denim(c: Canvas, g: Geometry, t: Traits, nw: float) -> None:
    top, hx, cloth = BODY_TOP, g.hx, t.cloth
    seam = mix(cloth, STITCH, 0.7)
    _inner_v(c, g, t, nw, top + 0.09)
    for s in (-1, 1):
        # The open front's edge, a yoke seam and a flapped chest pocket with a button.
        edge = [(hx + s * 0.06, top + 0.06), (hx + s * 0.025, c.bottom)]
        c.stroke(edge, 0.005, seam, smooth=False)
        c.stroke([(hx + s * 0.07, top + 0.09), (hx + s * 0.33, top + 0.13)], 0.004, seam)
        x0, x1 = sorted((hx + s * 0.09, hx + s * 0.2))
        c.fill(c.rect(x0, top + 0.15, x1, top + 0.27, 0.01), darker(cloth, 0.06))
        mid = (x0 + x1) / 2
        flap = [(x0, top + 0.15), (x1, top + 0.15), (x1, top + 0.19), (mid, top + 0.205)]
        c.fill(c.poly([*flap, (x0, top + 0.19)], smooth=False), darker(cloth, 0.14))
        c.fill(c.ellipse(mid, top + 0.19, 0.008), STITCH)
    for i in range(3):
        c.fill(c.ellipse(hx - 0.04, top + 0.14 + i * 0.1, 0.008), STITCH)
