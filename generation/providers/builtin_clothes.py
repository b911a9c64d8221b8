"""Shoulders and clothes for the built-in renderer: `body` goes behind the hair and neck, `collar`
(turtlenecks, shirt collars, necklaces) over the neck."""

from __future__ import annotations

from .builtin_canvas import Canvas, Shape
from .builtin_figure import BODY_TOP, Geometry
from .builtin_palette import hex_rgb
from .builtin_traits import Traits
from .builtin_words import darker, lighter, luminance

WHITE = hex_rgb("#ffffff")
PEARL = hex_rgb("#f4efe6")


def _neck_w(t: Traits) -> float:
    return 0.056 * t.face_w


def body_shape(c: Canvas, g: Geometry, t: Traits) -> Shape:
    sw = 0.36 * t.shoulders
    top, hx, bot = BODY_TOP, g.hx, c.bottom + 0.1
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
    w = _neck_w(t)
    neck_shape = c.rect(g.hx - w, g.hy + 0.05, g.hx + w, BODY_TOP + 0.1)
    clothes = body_shape(c, g, t)
    c.fill_masked(t.skin, [neck_shape], sub=[clothes])
    chin = g.hy + g.ry
    shadow = c.ellipse(g.hx, chin - 0.01, w * 1.25, 0.05)
    c.fill_masked(darker(t.skin, 0.14), [shadow], sub=[clothes], clip=neck_shape)


def body(c: Canvas, g: Geometry, t: Traits) -> None:
    sw = 0.36 * t.shoulders
    top, hx, bot = BODY_TOP, g.hx, c.bottom + 0.1
    cloth, shade = t.cloth, darker(t.cloth, 0.16)
    c.fill(body_shape(c, g, t), cloth)
    for s in (-1, 1):  # arm creases
        c.stroke([(hx + s * sw * 0.7, top + 0.16), (hx + s * sw * 0.74, bot)], 0.006, shade)
    nw = _neck_w(t)
    kind = t.garment
    if kind == "hoodie":
        c.fill(c.ellipse(hx, top + 0.015, 0.19, 0.07), shade)
        c.fill(c.ellipse(hx, top + 0.005, 0.145, 0.045), darker(cloth, 0.3))
        c.fill(c.ellipse(hx, top - 0.005, nw + 0.012, 0.04), t.skin)
        for s in (-1, 1):
            c.stroke([(hx + s * 0.045, top + 0.06), (hx + s * 0.05, top + 0.16)], 0.008, WHITE)
    elif kind in ("blazer", "cardigan"):
        v_bot = top + (0.2 if kind == "blazer" else 0.24)
        c.fill(
            c.poly([(hx - 0.12, top), (hx + 0.12, top), (hx, v_bot + 0.05)], smooth=False), t.inner
        )
        if t.tie is None:
            c.fill(
                c.poly(
                    [(hx - nw, top - 0.02), (hx + nw, top - 0.02), (hx, top + 0.05)], smooth=False
                ),
                t.skin,
            )
        else:
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
        for s in (-1, 1):
            lapel = [
                (hx + s * 0.12, top - 0.002),
                (hx + s * 0.004, v_bot + 0.05),
                (hx + s * 0.085, v_bot - 0.06),
                (hx + s * 0.125, top + 0.1),
                (hx + s * 0.16, top + 0.04),
            ]
            c.fill(c.poly(lapel, smooth=False), shade if kind == "blazer" else cloth)
            c.stroke([lapel[0], lapel[1]], 0.004, darker(cloth, 0.28), smooth=False)
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
    elif kind != "turtleneck":  # crew, collar
        c.fill(c.ellipse(hx, top - 0.004, nw + 0.022, 0.042), shade)
        c.fill(c.ellipse(hx, top - 0.01, nw + 0.01, 0.034), t.skin)
        if kind == "collar":
            c.stroke([(hx, top + 0.03), (hx, bot)], 0.004, shade, smooth=False)


def collar(c: Canvas, g: Geometry, t: Traits) -> None:
    top, hx, nw, kind = BODY_TOP, g.hx, _neck_w(t), t.garment
    shade = darker(t.cloth, 0.16)
    if kind == "turtleneck":
        y0 = g.hy + g.ry + 0.035
        c.fill(c.rect(hx - nw - 0.018, y0, hx + nw + 0.018, top + 0.03, 0.025), t.cloth)
        for i in range(1, 5):
            y = y0 + i * (top - y0) / 5
            c.stroke([(hx - nw - 0.006, y), (hx + nw + 0.006, y)], 0.004, shade, smooth=False)
    elif kind in ("collar", "blazer"):
        base = t.cloth if kind == "collar" else t.inner
        col = lighter(base, 0.14) if luminance(base) < 0.85 else darker(base, 0.07)
        for s in (-1, 1):
            pts = [
                (hx + s * (nw + 0.002), top - 0.035),
                (hx + s * 0.003, top + 0.025),
                (hx + s * (nw + 0.045), top + 0.045),
                (hx + s * (nw + 0.03), top - 0.01),
            ]
            c.fill(c.poly(pts, smooth=False), col)
    if t.necklace is None or kind in ("turtleneck", "hoodie"):
        return
    ny = top + (0.03 if kind in ("vneck", "scoop", "blazer", "cardigan") else 0.0)
    if t.necklace == "pearls":
        for i in range(11):
            a = -0.9 + i * 0.18
            c.fill(c.ellipse(hx + a * nw * 0.95, ny + 0.012 * (1 - a * a) + 0.008, 0.008), PEARL)
    else:
        c.arc(hx, ny - 0.02, nw * 0.95, 0.05, 20, 160, 0.004, t.metal)
        c.fill(c.ellipse(hx, ny + 0.035, 0.009), t.metal)
