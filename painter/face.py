"""The face for the built-in renderer: eyes, brows, nose, mouth, facial hair and glasses. The
expression comes from the Pose (the seed's small variations, or the style's mood)."""

from __future__ import annotations

import random

from .canvas import Canvas
from .figure import INK, WHITE, Geometry, Pose, head_shape
from .palette import hex_rgb
from .traits import Traits
from .words import darker, lighter, luminance, mix


def face(c: Canvas, g: Geometry, t: Traits, pose: Pose, rng: random.Random) -> None:
    c.fill(head_shape(c, g, t), t.skin)
    with c.inside_figure():  # every feature lies on the head, the neck or the hair
        features(c, g, t, pose, rng)


def features(c: Canvas, g: Geometry, t: Traits, pose: Pose, rng: random.Random) -> None:
    skin = t.skin
    shade = darker(skin, 0.16 if luminance(skin) > 0.4 else 0.3)
    if t.blush or t.dimples or luminance(skin) > 0.55:
        blush = mix(skin, hex_rgb("#f07c7c"), 0.28 if t.blush else 0.14)
        for s in (-1, 1):
            c.fill(c.ellipse(g.hx + s * g.rx * 0.58, g.mouth_y - 0.04, 0.03, 0.018), blush)
    if t.freckles:
        dots = mix(skin, hex_rgb("#7a4a2a"), 0.35)
        for s in (-1, 1):
            for _ in range(7):
                x = g.hx + s * (g.rx * rng.uniform(0.28, 0.7))
                y = g.eye_y + rng.uniform(0.035, 0.075)
                c.fill(c.ellipse(x, y, 0.0035), dots)
    eyes(c, g, t, pose)
    brows(c, g, t, pose)
    # Nose: a soft hint.
    c.arc(g.hx, g.hy + 0.085, 0.016, 0.012, 20, 160, 0.006, shade)
    beard(c, g, t)
    mouth(c, g, t, pose)
    if t.mole:
        c.fill(c.ellipse(g.hx + g.rx * 0.42, g.mouth_y - 0.01, 0.005), darker(skin, 0.5))
    if t.dimples:
        for s in (-1, 1):
            a0 = -60 if s > 0 else 120
            c.arc(g.hx + s * 0.062, g.mouth_y, 0.008, 0.012, a0, a0 + 120, 0.004, shade)
    if t.scar:
        c.stroke(
            [(g.hx - g.eye_dx - 0.01, g.eye_y - 0.075), (g.hx - g.eye_dx + 0.008, g.eye_y - 0.035)],
            0.004,
            lighter(skin, 0.25),
        )


def eyes(c: Canvas, g: Geometry, t: Traits, pose: Pose) -> None:
    lid = darker(t.skin, 0.1)
    for s in (-1, 1):
        x, y = g.hx + s * g.eye_dx, g.eye_y
        c.fill(c.ellipse(x, y, 0.03, 0.021), WHITE)
        ix, iy = x + pose.gaze[0], y + pose.gaze[1] + 0.002
        c.fill_masked(t.eyes, [c.ellipse(ix, iy, 0.0175)], clip=c.ellipse(x, y, 0.03, 0.021))
        c.fill(c.ellipse(ix, iy, 0.0085), INK)
        c.fill(c.ellipse(ix + 0.006, iy - 0.006, 0.0045), WHITE)
        if pose.squint:  # cheeks push the lower lids up: smiling eyes
            lift = 0.014 * pose.squint
            lower = c.ellipse(x, y + 0.024 - lift, 0.036, 0.016)
            c.fill_masked(t.skin, [lower], clip=c.ellipse(x, y, 0.031, 0.022))
            c.arc(x, y + 0.024 - lift, 0.03, 0.016, 205, 335, 0.004, lid)
        # Upper lid line and a little flick.
        c.arc(x, y + 0.002, 0.031, 0.024, 195, 345, 0.0065, INK)
        c.stroke(
            [(x + s * 0.029, y - 0.008), (x + s * 0.036, y - 0.012)], 0.0045, INK, smooth=False
        )
        if t.wrinkles:
            c.arc(
                x + s * 0.04,
                y + 0.004,
                0.012,
                0.014,
                -40 if s > 0 else 140,
                40 if s > 0 else 220,
                0.0035,
                lid,
            )
    glasses(c, g, t)


def brows(c: Canvas, g: Geometry, t: Traits, pose: Pose) -> None:
    colour = mix(darker(t.hair, 0.25), hex_rgb("#3a2a22"), 0.35)
    if luminance(colour) > 0.5:
        colour = darker(colour, 0.3)
    for s in (-1, 1):
        x = g.hx + s * g.eye_dx
        raise_ = pose.brow_raise if s > 0 else 0.0
        y = g.eye_y - 0.058 - pose.brow - s * pose.tilt * 0.5 - raise_
        pts = [(x - s * 0.03, y + 0.008), (x - s * 0.005, y - 0.003), (x + s * 0.03, y + 0.004)]
        c.stroke(pts, 0.012, colour)


def mouth(c: Canvas, g: Geometry, t: Traits, pose: Pose) -> None:
    lips = mix(darker(t.skin, 0.35), hex_rgb("#b8485a"), 0.45)
    y = g.mouth_y
    if pose.mouth == "grin":
        shape = c.poly(
            [
                (g.hx - 0.045, y - 0.006),
                (g.hx, y - 0.002),
                (g.hx + 0.045, y - 0.006),
                (g.hx + 0.02, y + 0.032),
                (g.hx - 0.02, y + 0.032),
            ]
        )
        c.fill(shape, hex_rgb("#6e2a33"))
        c.fill_masked(WHITE, [c.rect(g.hx - 0.05, y - 0.01, g.hx + 0.05, y + 0.006)], clip=shape)
        c.fill_masked(hex_rgb("#e07a86"), [c.ellipse(g.hx, y + 0.036, 0.022, 0.014)], clip=shape)
    elif pose.mouth == "soft":
        c.arc(g.hx, y - 0.012, 0.03, 0.022, 30, 150, 0.0075, lips)
    elif pose.mouth == "smirk":  # closed, one corner up
        c.stroke([(g.hx - 0.036, y), (g.hx, y + 0.006), (g.hx + 0.04, y - 0.01)], 0.008, lips)
    elif pose.mouth == "flat":
        c.stroke([(g.hx - 0.032, y + 0.004), (g.hx + 0.032, y + 0.004)], 0.008, lips, smooth=False)
    elif pose.mouth == "pursed":  # small, closed, drawn to one side
        c.stroke([(g.hx - 0.012, y + 0.004), (g.hx + 0.026, y - 0.002)], 0.008, lips, smooth=False)
    else:
        c.arc(g.hx, y - 0.02, 0.04, 0.03, 35, 145, 0.008, lips)


def beard(c: Canvas, g: Geometry, t: Traits) -> None:
    if t.beard is None:
        return
    hair = t.beard_colour
    y = g.mouth_y
    # The face's own outline, extended a little below the chin (never wider than the face).
    jaw = c.group(
        [head_shape(c, g, t), head_shape(c, g, t, dy=0.014 if t.beard == "full" else 0.0)]
    )
    cheeks = c.ellipse(g.hx, g.hy + 0.055, g.rx * 0.8, 0.075)
    if t.beard == "stubble":
        colour = mix(t.skin, darker(hair, 0.25), 0.3)
        if abs(luminance(colour) - luminance(t.skin)) < 0.06:
            colour = darker(t.skin, 0.14)
        c.fill_masked(
            colour, [jaw], sub=[c.rect(-2, -2, 3, g.hy + 0.03), cheeks], clip=head_shape(c, g, t)
        )
        return
    if t.beard == "full":
        c.fill_masked(hair, [jaw], sub=[c.rect(-2, -2, 3, g.hy + 0.03), cheeks])
    if t.beard == "goatee":
        c.fill(
            c.poly(
                [
                    (g.hx - 0.03, y + 0.02),
                    (g.hx + 0.03, y + 0.02),
                    (g.hx + 0.024, g.hy + g.ry + 0.004),
                    (g.hx - 0.024, g.hy + g.ry + 0.004),
                ]
            ),
            hair,
        )
    # Moustache (all but stubble).
    c.fill(
        c.poly(
            [
                (g.hx - 0.05, y + 0.002),
                (g.hx - 0.03, y - 0.028),
                (g.hx, y - 0.022),
                (g.hx + 0.03, y - 0.028),
                (g.hx + 0.05, y + 0.002),
                (g.hx, y - 0.01),
            ]
        ),
        hair,
    )


def glasses(c: Canvas, g: Geometry, t: Traits) -> None:
    if t.glasses is None:
        return
    frame = t.frame
    w = 0.0065 if t.glasses in ("square", "cat", "sun") else 0.0045
    if t.glasses == "wire":
        frame = t.frame if t.frame != hex_rgb("#2b2b30") else t.metal
    ys = g.eye_y
    for s in (-1, 1):
        x = g.hx + s * g.eye_dx
        if t.glasses == "sun":
            c.fill(c.rect(x - 0.045, ys - 0.03, x + 0.045, ys + 0.03, 0.022), hex_rgb("#24262d"))
            c.stroke(
                [(x - 0.025, ys - 0.016), (x - 0.008, ys - 0.022)],
                0.006,
                hex_rgb("#5a5e6b"),
                smooth=False,
            )
        elif t.glasses in ("round", "wire"):
            c.arc(x, ys, 0.044, 0.04, 0, 360, w, frame)
        else:
            top = -0.038 if t.glasses == "cat" else -0.033
            pts = [
                (x - 0.048, ys + top),
                (x + 0.048, ys + top),
                (x + 0.044, ys + 0.03),
                (x - 0.044, ys + 0.03),
            ]
            c.stroke([*pts, pts[0]], w, frame, smooth=False)
        c.stroke(
            [(x + s * 0.046, ys - 0.012), (x + s * (g.rx - g.eye_dx + 0.004), ys - 0.016)],
            w,
            frame,
            smooth=False,
        )
    c.arc(g.hx, ys - 0.004, 0.02, 0.012, 200, 340, w, frame)
