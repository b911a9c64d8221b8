"""The figure's frame: the pose, the head's geometry and outline, ears and earrings (the face is in
face, clothes in clothes, hair in hair)."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Any

from .canvas import HEAD_Y, Canvas, Point, Shape
from .palette import RGB, hex_rgb
from .traits import Traits
from .words import darker, lighter

INK = hex_rgb("#2a2222")
WHITE = hex_rgb("#ffffff")
BODY_TOP = 0.735


@dataclass(frozen=True)
class Pose:
    """What the seed varies (small things only), and the expression a style's mood sets."""

    dx: float  # head offset
    gaze: Point  # pupil offset
    brow: float  # eyebrow lift
    mouth: str  # smile, grin, soft; a mood adds smirk, flat, pursed
    tilt: float  # brows and mouth asymmetry
    squint: float = 0.0  # 0 open eyes .. 1 lower lids pushed up by a laugh
    brow_raise: float = 0.0  # the right brow lifted on its own: a thoughtful look

    @staticmethod
    def from_rng(rng: random.Random, mood: str = "") -> Pose:
        pose = Pose(
            dx=rng.uniform(-0.008, 0.008),
            gaze=(rng.uniform(-0.004, 0.004), rng.uniform(-0.002, 0.002)),
            brow=rng.uniform(-0.004, 0.006),
            mouth=rng.choice(["smile", "grin", "soft", "smile"]),
            tilt=rng.uniform(-0.006, 0.006),
        )
        return replace(pose, **MOODS.get(mood, {}))


# A style's mood (personas.choices.Mood) -> the expression; without one the seed picks the mouth.
MOODS: dict[str, dict[str, Any]] = {
    "friendly": {"mouth": "smile", "brow": 0.004},
    "joyful": {"mouth": "grin", "brow": 0.008, "squint": 1.0},
    "confident": {"mouth": "smirk", "brow": -0.003, "tilt": 0.0},
    "serious": {"mouth": "flat", "brow": -0.007, "tilt": 0.0},
    "thoughtful": {"mouth": "pursed", "gaze": (0.008, -0.006), "brow_raise": 0.014},
}


@dataclass(frozen=True)
class Geometry:
    hx: float
    hy: float
    rx: float
    ry: float

    @property
    def eye_y(self) -> float:
        return self.hy + 0.035

    @property
    def eye_dx(self) -> float:
        return self.rx * 0.43

    @property
    def mouth_y(self) -> float:
        return self.hy + 0.128


def geometry(t: Traits, pose: Pose) -> Geometry:
    return Geometry(hx=0.5 + pose.dx, hy=HEAD_Y, rx=0.156 * t.face_w, ry=0.198)


def head_shape(c: Canvas, g: Geometry, t: Traits, grow: float = 0.0, dy: float = 0.0) -> Shape:
    j = t.jaw
    rel = [
        (0.0, -1.0),
        (0.68, -0.84),
        (0.98, -0.3),
        (0.98, 0.2),
        (0.8 + 0.1 * j, 0.66),
        (0.45 + 0.15 * j, 0.94),
        (0.0, 1.0),
    ]
    rel = rel + [(-x, y) for x, y in reversed(rel[1:-1])]
    rx, ry = g.rx + grow, g.ry + grow
    return c.poly([(g.hx + x * rx, g.hy + dy + y * ry) for x, y in rel])


def ears(c: Canvas, g: Geometry, t: Traits) -> None:
    for s in (-1, 1):
        x = g.hx + s * g.rx * 0.96
        c.fill(c.ellipse(x, g.hy + 0.03, 0.028, 0.04), t.skin)
        c.fill(c.ellipse(x + s * 0.004, g.hy + 0.032, 0.014, 0.024), darker(t.skin, 0.12))


def earrings(c: Canvas, g: Geometry, t: Traits) -> None:
    if t.earrings is None or t.hijab is not None:
        return
    for s in (-1, 1):
        x, y = g.hx + s * g.rx * 0.99, g.hy + 0.072
        if t.earrings == "hoop":
            c.arc(x, y + 0.022, 0.018, 0.022, 0, 360, 0.0045, t.metal)
        elif t.earrings == "pearl":
            c.fill(c.ellipse(x, y, 0.009), hex_rgb("#f4efe6"))
        else:
            c.fill(c.ellipse(x, y, 0.007), t.metal)


def background(c: Canvas, bg: RGB, hx: float) -> None:
    c.fill(c.ellipse(hx, 0.52, 0.44), lighter(bg, 0.4))
