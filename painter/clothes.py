"""Shoulders and clothes for the built-in renderer: `body` goes behind the hair and neck, `collar`
(turtlenecks, shirt and polo collars, necklaces) over the neck. Garments open at the front
(blazer, suit, cardigan, denim jacket) are drawn by jackets."""

from __future__ import annotations

from . import jackets as jackets
from .canvas import Canvas, Shape
from .figure import BODY_TOP, Geometry
from .palette import hex_rgb
from .traits import Traits
from .wardrobe import JACKETS
from .words import darker, lighter, luminance

WHITE = hex_rgb("#ffffff")
PEARL = hex_rgb("#f4efe6")


def neck_width(t: Traits) -> float:
    return 0.056 * t.face_w


def body_shape(c: Canvas, g: Geometry, t: Traits, dy: float = 0.0) -> Shape:
    sw = 0.36 * t.shoulders
    top, hx, bot = BODY_TOP + dy, g.hx, c.bottom + 0.1
    right = [
        (hx + 0.14, top + 0.005),
        (hx + sw * 0.8, top + 0.04),
        (hx + sw, top + 0.12),
        (hx + sw * 1.08, top + 0.3),
        (hx + sw * 1.1, bot),
    ]
    left = [(2 * hx - x, y) for x, y in reversed(right)]
    return c.poly([(hx, top - 0.008), *right, *left])


def neck(c: Canvas, g: Geometry, t: Traits) -> None:
    """The neck down to the clothes' edge, with the chin's shadow."""
    w = neck_width(t)
    neck_shape = c.rect(g.hx - w, g.hy + 0.05, g.hx + w, BODY_TOP + 0.1)
    clothes = body_shape(c, g, t)
    c.fill_masked(t.skin, [neck_shape], sub=[clothes])
    chin = g.hy + g.ry
    shadow = c.ellipse(g.hx, chin - 0.01, w * 1.25, 0.05)
    c.fill_masked(darker(t.skin, 0.14), [shadow], sub=[clothes], clip=neck_shape)


def body(c: Canvas, g: Geometry, t: Traits) -> None:
    sw = 0.36 * t.shoulders
    top, hx, bot = BODY_TOP, g.hx, c.bottom + 0.1
    kind = t.garment
    if kind == "dress":
        _dress(c, g, t)
        return
    cloth, shade = t.cloth, darker(t.cloth, 0.16)
    c.fill(body_shape(c, g, t), cloth)
    for s in (-1, 1):  # arm creases
        c.stroke([(hx + s * sw * 0.7, top + 0.16), (hx + s * sw * 0.74, bot)], 0.006, shade)
    nw = neck_width(t)
    if kind in JACKETS:
        jackets.front(c, g, t, nw)
    elif kind == "hoodie":
        c.fill(c.ellipse(hx, top + 0.015, 0.19, 0.07), shade)
        c.fill(c.ellipse(hx, top + 0.005, 0.145, 0.045), darker(cloth, 0.3))
        c.fill(c.ellipse(hx, top - 0.005, nw + 0.012, 0.04), t.skin)
        for s in (-1, 1):
            c.stroke([(hx + s * 0.045, top + 0.06), (hx + s * 0.05, top + 0.16)], 0.008, WHITE)
    elif kind == "vneck":
        c.fill(
            c.poly(
                [(hx - nw - 0.014, top - 0.01), (hx + nw + 0.014, top - 0.01), (hx, top + 0.1)],
                smooth=False,
            ),
            shade,
        )
        c.fill(
            c.poly([(hx - nw, top - 0.01), (hx + nw, top - 0.01), (hx, top + 0.08)], smooth=False),
            t.skin,
        )
    elif kind == "scoop":
        c.fill(c.ellipse(hx, top - 0.01, 0.125, 0.085), shade)
        c.fill(c.ellipse(hx, top - 0.015, 0.115, 0.075), t.skin)
    elif kind == "sweater":  # a thick ribbed neckband
        band = darker(cloth, 0.1)
        c.fill(c.ellipse(hx, top + 0.002, nw + 0.04, 0.056), band)
        for i in range(-6, 7):
            x = hx + i * (nw + 0.03) / 6
            c.stroke([(x, top + 0.02), (x, top + 0.05)], 0.004, darker(cloth, 0.2), smooth=False)
        c.fill(c.ellipse(hx, top - 0.012, nw + 0.012, 0.036), t.skin)
    elif kind != "turtleneck":  # crew (t-shirt), collar (shirt), polo
        c.fill(c.ellipse(hx, top - 0.004, nw + 0.022, 0.042), shade)
        c.fill(c.ellipse(hx, top - 0.01, nw + 0.01, 0.034), t.skin)
        if kind == "collar":
            c.stroke([(hx, top + 0.03), (hx, bot)], 0.004, shade, smooth=False)
            for i in range(4):
                c.fill(c.ellipse(hx + 0.012, top + 0.07 + i * 0.09, 0.006), lighter(cloth, 0.3))
        elif kind == "polo":
            c.fill(c.rect(hx - 0.018, top + 0.01, hx + 0.018, top + 0.12), shade)
            for i in range(2):
                c.fill(c.ellipse(hx, top + 0.045 + i * 0.045, 0.007), lighter(cloth, 0.35))


def _dress(c: Canvas, g: Geometry, t: Traits) -> None:
    """Bare shoulders and arms, a strapped bodice with a scooped neckline."""
    sw = 0.36 * t.shoulders
    top, hx, bot = BODY_TOP, g.hx, c.bottom + 0.1
    c.fill(body_shape(c, g, t), t.skin)
    for s in (-1, 1):  # where the arms meet the body
        arm = [(hx + s * sw * 0.62, top + 0.18), (hx + s * sw * 0.66, bot)]
        c.stroke(arm, 0.006, darker(t.skin, 0.16))
    right = [(hx + 0.15, top + 0.005), (hx + 0.21, top + 0.16), (hx + 0.23, bot)]
    neckline = [(hx - 0.07, top + 0.09), (hx, top + 0.125), (hx + 0.07, top + 0.09)]
    outline = [
        (hx + 0.11, top + 0.005),
        *right,
        *[(2 * hx - x, y) for x, y in reversed(right)],
        (hx - 0.11, top + 0.005),
        *neckline,
    ]
    c.fill(c.poly(outline, smooth=False), t.cloth)
    c.stroke(neckline, 0.005, darker(t.cloth, 0.18), smooth=False)


def collar(c: Canvas, g: Geometry, t: Traits) -> None:
    top, hx, nw, kind = BODY_TOP, g.hx, neck_width(t), t.garment
    shade = darker(t.cloth, 0.16)
    if kind == "turtleneck":
        y0 = g.hy + g.ry + 0.035
        c.fill(c.rect(hx - nw - 0.018, y0, hx + nw + 0.018, top + 0.03, 0.025), t.cloth)
        for i in range(1, 5):
            y = y0 + i * (top - y0) / 5
            c.stroke([(hx - nw - 0.006, y), (hx + nw + 0.006, y)], 0.004, shade, smooth=False)
    elif kind in ("collar", "polo", "blazer", "suit", "denim"):
        base = t.inner if kind in ("blazer", "suit") else t.cloth
        col = lighter(base, 0.14) if luminance(base) < 0.85 else darker(base, 0.07)
        spread = {"polo": 0.03, "denim": 0.07}.get(kind, 0.045)
        for s in (-1, 1):
            pts = [
                (hx + s * (nw + 0.002), top - 0.035),
                (hx + s * 0.003, top + 0.025),
                (hx + s * (nw + spread), top + 0.045),
                (hx + s * (nw + spread - 0.015), top - 0.01),
            ]
            c.fill(c.poly(pts, smooth=False), col)
    if t.necklace is None or kind in ("turtleneck", "hoodie"):
        return
    ny = top + (0.03 if kind in ("vneck", "scoop", "dress", *JACKETS) else 0.0)
    if t.necklace == "pearls":
        for i in range(11):
            a = -0.9 + i * 0.18
            c.fill(c.ellipse(hx + a * nw * 0.95, ny + 0.012 * (1 - a * a) + 0.008, 0.008), PEARL)
    else:
        c.arc(hx, ny - 0.02, nw * 0.95, 0.05, 20, 160, 0.004, t.metal)
        c.fill(c.ellipse(hx, ny + 0.035, 0.009), t.metal)
