"""Hair (and head coverings) for the built-in renderer: a back layer drawn behind the head and a
front layer (the cap and fringe) drawn over it."""

from __future__ import annotations

from .canvas import Canvas, Shape
from .figure import BODY_TOP, Geometry, head_shape
from .traits import Traits
from .words import darker, lighter, mix

LONG = ("medium", "long", "curly_long", "braids", "locs")
HIDDEN_EARS = (*LONG, "bob")


def _long_silhouette(c: Canvas, g: Geometry, t: Traits) -> tuple[Shape, float]:
    """The outline of hair that falls past the chin, and where it ends."""
    hx, hy, rx, ry = g.hx, g.hy, g.rx, g.ry
    style = t.hair_style
    bottom = {"medium": 0.74, "curly_long": 0.82}.get(style, 0.9)
    width = 1.42 if style == "curly_long" else 1.26
    side = [
        (rx * 0.95, -ry * 0.82),
        (rx * (width - 0.05), -ry * 0.2),
        (rx * width, 0.12),
        (rx * (width + 0.12), bottom - hy - 0.05),
        (rx * (width - 0.02), bottom - hy),
        (rx * 0.72, bottom - hy - 0.03),
        (rx * 0.62, BODY_TOP - hy + 0.02),
    ]
    notch = BODY_TOP - hy + 0.04
    pts = [(0.0, -ry - 0.035), *side, (0.0, notch), *[(-x, y) for x, y in reversed(side)]]
    shapes = [c.poly([(hx + x, hy + y) for x, y in pts])]
    if style == "curly_long":
        for s in (-1, 1):
            for k in range(9):
                f = k / 8
                x = hx + s * rx * (width - 0.04 + 0.16 * f)
                shapes.append(c.ellipse(x, hy - 0.06 + f * (bottom - hy + 0.0), 0.036))
            for k in range(4):
                shapes.append(c.ellipse(hx + s * rx * (0.8 + 0.2 * k), bottom - 0.012, 0.032))
    return c.group(shapes), bottom


def hair_back(c: Canvas, g: Geometry, t: Traits) -> None:
    """Hair behind the shoulders and head (drawn before the body)."""
    if t.hijab is not None:
        return
    style, hair, shade = t.hair_style, t.hair, darker(t.hair, 0.18)
    hx, hy, rx, ry = g.hx, g.hy, g.rx, g.ry
    if style == "afro":
        blob = c.group(
            [
                c.ellipse(hx, hy - 0.045, rx * 1.55, ry * 1.2),
                c.bumps(hx, hy - 0.045, rx * 1.55, ry * 1.2, 0, 360, 26, 0.045),
            ]
        )
        c.fill(blob, hair)
    elif style == "bob":
        c.fill(c.rect(hx - rx * 1.3, hy - 0.1, hx + rx * 1.3, hy + 0.17, 0.06), hair)
        c.fill(c.rect(hx - rx * 0.9, hy + 0.1, hx + rx * 0.9, hy + 0.17, 0.02), shade)
    elif style in LONG:
        c.fill(_long_silhouette(c, g, t)[0], shade)
    elif style == "bun":
        c.fill(c.ellipse(hx, hy - ry - 0.05, 0.07, 0.062), hair)
        c.arc(hx, hy - ry - 0.05, 0.045, 0.035, 200, 340, 0.006, shade)
    elif style == "ponytail":
        s = t.part
        tail = [
            (hx + s * rx * 0.75, hy - ry * 0.75),
            (hx + s * (rx + 0.05), hy - ry * 0.5),
            (hx + s * (rx + 0.06), hy + 0.02),
            (hx + s * (rx + 0.035), hy + 0.2),
            (hx + s * (rx + 0.01), hy + 0.28),
            (hx + s * (rx + 0.0), hy + 0.1),
            (hx + s * rx * 0.9, hy - ry * 0.3),
        ]
        c.fill(c.poly(tail), hair)
        c.stroke(
            [(hx + s * (rx + 0.03), hy + 0.0), (hx + s * (rx + 0.025), hy + 0.18)], 0.005, shade
        )
        c.stroke(
            [(hx + s * rx * 0.85, hy - ry * 0.62), (hx + s * (rx + 0.03), hy - ry * 0.45)],
            0.014,
            darker(hair, 0.35),
        )


def hair_over(c: Canvas, g: Geometry, t: Traits) -> None:
    """Long hair falling over the shoulders, and the hijab's drape (drawn after the body)."""
    if t.hijab is not None:
        hijab_back(c, g, t)
        return
    style, hair, shade = t.hair_style, t.hair, darker(t.hair, 0.18)
    if style not in LONG:
        return
    hx, hy, rx = g.hx, g.hy, g.rx
    shape, bottom = _long_silhouette(c, g, t)
    # Over the shoulders only: behind the neck the darker back layer shows.
    c.fill_masked(hair, [shape], sub=[c.ellipse(hx, BODY_TOP + 0.13, rx * 0.68, 0.19)])
    if style == "braids":
        for s in (-1, 1):
            for k in range(3):
                x = hx + s * rx * (0.85 + 0.18 * k)
                for j in range(9):
                    y = hy + 0.06 + j * (bottom - hy - 0.08) / 9
                    colour = shade if (j + k) % 2 else lighter(hair, 0.08)
                    c.fill(c.ellipse(x, y, 0.016, 0.024), colour)
    elif style == "locs":
        for s in (-1, 1):
            for k in range(4):
                x = hx + s * rx * (0.8 + 0.15 * k)
                colour = shade if k % 2 else lighter(hair, 0.06)
                c.stroke([(x, hy), (x + s * 0.005, bottom - 0.02)], 0.018, colour)
    elif style != "curly_long":
        for s in (-1, 1):
            pts = [(hx + s * rx * 1.0, hy + 0.08), (hx + s * rx * 1.12, bottom - 0.08)]
            c.stroke(pts, 0.006, shade)


def _caps(c: Canvas, g: Geometry, volume: float, drop: float = 0.0) -> Shape:
    return c.ellipse(g.hx, g.hy - 0.03 + drop, g.rx * (1 + volume), g.ry * (0.9 + volume))


def _fringe(c: Canvas, g: Geometry, t: Traits, low: float = 0.0) -> list[Shape]:
    """The face windows for a side-swept fringe: hair is what lies outside both."""
    s = t.part
    return [
        c.ellipse(g.hx + s * 0.05, g.hy + 0.07 + low, g.rx * 0.75, 0.165),
        c.ellipse(g.hx - s * 0.015, g.hy + 0.11 + low, g.rx * 0.95, 0.185),
    ]


def hair_front(c: Canvas, g: Geometry, t: Traits) -> None:
    if t.hijab is not None:
        hijab_front(c, g, t)
        return
    style, hair = t.hair_style, t.hair
    shine = lighter(hair, 0.18) if t.hair != (0, 0, 0) else (60, 60, 60)
    hx, hy, rx, ry = g.hx, g.hy, g.rx, g.ry

    def below(y: float) -> Shape:
        return c.rect(-2, hy + y, 3, 3)

    def upto(y: float, width: float) -> Shape:
        """Everything above hy + y, with the outer bottom corners of the hair rounded."""
        return c.rect(hx - rx * width, -2, hx + rx * width, hy + y, 0.045)

    if style == "bald":
        c.arc(hx - rx * 0.25, hy - ry * 0.72, 0.04, 0.02, 200, 300, 0.008, lighter(t.skin, 0.2))
    elif style == "buzz":
        colour = mix(t.skin, hair, 0.55)
        c.fill_masked(
            colour,
            [head_shape(c, g, t, grow=0.002)],
            sub=[c.ellipse(hx, hy + 0.1, rx * 0.92, 0.2), below(0.02)],
        )
    elif style in ("short", "medium", "long", "braids", "locs"):
        if style == "short":
            p = t.part
            outer = [
                c.ellipse(hx, hy - 0.02, rx * 1.06, ry * 0.98),
                c.ellipse(hx + p * rx * 0.12, hy - ry * 0.52, rx * 0.92, ry * 0.56),
            ]
            windows = [
                c.ellipse(hx + p * 0.045, hy + 0.06, rx * 0.8, 0.17),
                c.ellipse(hx - p * 0.01, hy + 0.1, rx * 0.97, 0.19),
            ]
            c.fill_masked(hair, outer, sub=windows, clip=upto(0.0, 1.08))
            c.arc(hx - p * rx * 0.2, hy - ry * 0.85, rx * 0.5, 0.03, 200, 300, 0.008, shine)
        else:
            c.fill_masked(hair, [_caps(c, g, 0.12)], sub=[*_fringe(c, g, t), below(0.16)])
            c.arc(hx - t.part * rx * 0.35, hy - ry * 0.78, 0.05, 0.025, 200, 290, 0.008, shine)
    elif style in ("curly_short", "curly_long", "afro"):
        volume = 0.14 if style == "curly_short" else 0.18
        cut = 0.0 if style == "curly_short" else 0.14
        cy, crx, cry = hy - 0.07, rx * (1 + volume), ry * (0.7 + volume)
        top = c.bumps(hx, cy, crx * 0.93, cry * 0.93, 160, 380, 14, 0.032)
        win = c.ellipse(hx, hy + 0.1, rx * 0.9, 0.19)
        cap = c.ellipse(hx, cy, crx, cry)
        if cut > 0:
            cap = c.group([cap, c.rect(hx - crx, cy, hx + crx, hy + cut, 0.05)])
        c.fill_masked(hair, [cap, top], sub=[win])
        curls = c.bumps(hx, hy + 0.1, rx * 0.9, 0.19, 228, 312, 6, 0.02)
        c.fill_masked(hair, [curls], clip=head_shape(c, g, t))
    elif style == "bob":
        c.fill_masked(
            hair,
            [_caps(c, g, 0.16)],
            sub=[c.rect(hx - rx * 0.82, hy - 0.07, hx + rx * 0.82, hy + 0.4, 0.07), below(0.17)],
        )
        c.arc(hx - rx * 0.35, hy - ry * 0.78, 0.05, 0.025, 200, 290, 0.008, shine)
    elif style in ("bun", "ponytail"):
        window = c.ellipse(hx, hy + 0.11, rx * 0.93, 0.2)
        c.fill_masked(hair, [_caps(c, g, 0.05)], sub=[window], clip=upto(0.01, 1.05))
        c.arc(hx - t.part * rx * 0.3, hy - ry * 0.75, 0.05, 0.025, 200, 290, 0.008, shine)
    if t.hat is not None:
        beanie(c, g, t)
    elif t.headband is not None and style not in ("bald", "buzz"):
        c.arc(hx, hy - 0.02, rx * 1.06, ry * 0.92, 200, 340, 0.018, t.headband)


def beanie(c: Canvas, g: Geometry, t: Traits) -> None:
    assert t.hat is not None
    hx, hy, rx, ry = g.hx, g.hy, g.rx, g.ry
    grow = {"curly_short": 0.1, "curly_long": 0.12, "afro": 0.3}.get(t.hair_style, 0.0)
    dome = c.ellipse(hx, hy - 0.06, rx * (1.12 + grow), ry * (0.95 + grow * 0.6))
    c.fill_masked(t.hat, [dome], sub=[c.rect(-2, hy - 0.07, 3, 3)])
    rx = rx * (1 + grow)
    band = c.rect(hx - rx * 1.14, hy - 0.11, hx + rx * 1.14, hy - 0.05, 0.02)
    c.fill(band, darker(t.hat, 0.12))
    for i in range(-5, 6):
        x = hx + i * rx * 0.19
        c.stroke([(x, hy - 0.1), (x, hy - 0.06)], 0.005, darker(t.hat, 0.22), smooth=False)
    c.fill(c.ellipse(hx, hy - ry * (0.95 + grow * 0.6) - 0.075, 0.03), lighter(t.hat, 0.2))


def hijab_back(c: Canvas, g: Geometry, t: Traits) -> None:
    assert t.hijab is not None
    hx, hy, rx, ry = g.hx, g.hy, g.rx, g.ry
    pts = [
        (hx, hy - ry - 0.035),
        (hx + rx * 1.2, hy - ry * 0.6),
        (hx + rx * 1.3, hy + 0.1),
        (hx + rx * 1.6, hy + 0.3),
        (hx + rx * 1.75, c.bottom + 0.1),
        (hx - rx * 1.75, c.bottom + 0.1),
        (hx - rx * 1.6, hy + 0.3),
        (hx - rx * 1.3, hy + 0.1),
        (hx - rx * 1.2, hy - ry * 0.6),
    ]
    c.fill(c.poly(pts), t.hijab)
    for s in (-1, 1):
        fold = [(hx + s * rx * 1.0, hy + 0.22), (hx + s * rx * 1.35, hy + 0.42)]
        c.stroke(fold, 0.006, darker(t.hijab, 0.15))


def hijab_front(c: Canvas, g: Geometry, t: Traits) -> None:
    assert t.hijab is not None
    hx, hy, rx, ry = g.hx, g.hy, g.rx, g.ry
    outer = c.ellipse(hx, hy + 0.01, rx * 1.22, ry * 1.14)
    window = c.ellipse(hx, hy + 0.045, rx * 0.9, ry * 0.98)
    c.fill_masked(t.hijab, [outer], sub=[window, c.rect(-2, hy + 0.16, 3, 3)])
    c.arc(hx, hy + 0.045, rx * 0.9, ry * 0.98, 200, 340, 0.005, darker(t.hijab, 0.12))
