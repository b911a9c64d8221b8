"""A small vector layer over Pillow for the built-in renderer.

Drawing happens in "units": the figure lives in a unit square (0..1 both ways) that the canvas maps
onto the image (centred horizontally, a little below centre vertically, so any aspect ratio works).
Shapes are described once and can be painted straight onto the image or into a mask, which is how
the renderer makes intersections and cut-outs (a fringe is "hair minus the face window").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageDraw

from .palette import RGB

Point = tuple[float, float]
Paint = Callable[[ImageDraw.ImageDraw, "int | RGB", float, float], None]


def spline(points: Sequence[Point], *, closed: bool = True, steps: int = 10) -> list[Point]:
    """A Catmull-Rom curve through `points` (sampled as a polyline)."""
    n = len(points)
    if n < 3:
        return list(points)
    out: list[Point] = []
    last = n if closed else n - 1
    for i in range(last):
        p0 = points[(i - 1) % n] if closed or i > 0 else points[0]
        p1 = points[i]
        p2 = points[(i + 1) % n]
        p3 = points[(i + 2) % n] if closed or i + 2 < n else points[-1]
        for s in range(steps):
            t = s / steps
            t2, t3 = t * t, t * t * t
            out.append(
                tuple(  # type: ignore[arg-type]
                    0.5
                    * (
                        2 * p1[k]
                        + (-p0[k] + p2[k]) * t
                        + (2 * p0[k] - 5 * p1[k] + 4 * p2[k] - p3[k]) * t2
                        + (-p0[k] + 3 * p1[k] - 3 * p2[k] + p3[k]) * t3
                    )
                    for k in (0, 1)
                )
            )
    if not closed:
        out.append(points[-1])
    return out


class Shape:
    """Something that can be painted into an ImageDraw at an offset; `bbox` is in pixels."""

    def __init__(self, bbox: tuple[float, float, float, float], paint: Paint) -> None:
        self.bbox = bbox
        self.paint = paint


HEAD_Y = 0.425  # the head's centre in units (figure.geometry): what framing aims at


@dataclass(frozen=True)
class Frame:
    """How close the camera is: `zoom` scales the figure, `head_at` is where the head's centre
    sits as a fraction of the image height (None: the original head-and-shoulders placement)."""

    zoom: float = 1.0
    head_at: float | None = None


class Canvas:
    def __init__(
        self, width: int, height: int, scale: int, background: RGB, frame: Frame = Frame()
    ) -> None:
        self.width, self.height = width * scale, height * scale
        self.image = Image.new("RGB", (self.width, self.height), background)
        self.draw = ImageDraw.Draw(self.image)
        # Tall canvases zoom in a little so the face is not lost in empty sky.
        base = min(width * 1.2, height) if height > width else min(width, height)
        self.u = base * scale * frame.zoom
        self.ox = (self.width - self.u) / 2
        if frame.head_at is None:
            self.oy = (self.height - self.u) * 0.6
        else:
            self.oy = frame.head_at * self.height - HEAD_Y * self.u
        self.bottom = (self.height - self.oy) / self.u + 0.02  # unit y just past the bottom edge
        self.left = -self.ox / self.u - 0.02
        self.right = (self.width - self.ox) / self.u + 0.02
        # Which pixels the figure covers, once track_figure() is called (what light falls on).
        self.figure: Image.Image | None = None
        self._figure_draw: ImageDraw.ImageDraw | None = None

    def track_figure(self) -> None:
        """From now on, also mark every painted pixel in `figure` (called after the backdrop)."""
        self.figure = Image.new("1", (self.width, self.height), 0)
        self._figure_draw = ImageDraw.Draw(self.figure)

    @contextmanager
    def inside_figure(self) -> Iterator[None]:
        """Painting that stays within what is already painted (the face's features): no need to
        mark it again, which saves time."""
        figure, self.figure = self.figure, None
        draw, self._figure_draw = self._figure_draw, None
        try:
            yield
        finally:
            self.figure, self._figure_draw = figure, draw

    # -- unit -> pixel ---------------------------------------------------------------------------
    def px(self, x: float, y: float) -> Point:
        return (self.ox + x * self.u, self.oy + y * self.u)

    def d(self, length: float) -> float:
        return length * self.u

    # -- shape makers ----------------------------------------------------------------------------
    def ellipse(self, cx: float, cy: float, rx: float, ry: float | None = None) -> Shape:
        ry = rx if ry is None else ry
        x0, y0 = self.px(cx - rx, cy - ry)
        x1, y1 = self.px(cx + rx, cy + ry)

        def paint(dr: ImageDraw.ImageDraw, fill: int | RGB, dx: float, dy: float) -> None:
            dr.ellipse((x0 - dx, y0 - dy, x1 - dx, y1 - dy), fill=fill)

        return Shape((x0, y0, x1, y1), paint)

    def rect(self, x0: float, y0: float, x1: float, y1: float, radius: float = 0.0) -> Shape:
        a, b = self.px(x0, y0)
        c, e = self.px(x1, y1)
        r = self.d(radius)

        def paint(dr: ImageDraw.ImageDraw, fill: int | RGB, dx: float, dy: float) -> None:
            box = (a - dx, b - dy, c - dx, e - dy)
            if r > 0:
                dr.rounded_rectangle(box, radius=r, fill=fill)
            else:
                dr.rectangle(box, fill=fill)

        return Shape((a, b, c, e), paint)

    def poly(self, points: Sequence[Point], *, smooth: bool = True, steps: int = 10) -> Shape:
        pts = spline(points, steps=steps) if smooth else list(points)
        pix = [self.px(x, y) for x, y in pts]
        xs = [p[0] for p in pix]
        ys = [p[1] for p in pix]

        def paint(dr: ImageDraw.ImageDraw, fill: int | RGB, dx: float, dy: float) -> None:
            dr.polygon([(x - dx, y - dy) for x, y in pix], fill=fill)

        return Shape((min(xs), min(ys), max(xs), max(ys)), paint)

    def group(self, shapes: Sequence[Shape]) -> Shape:
        def paint(dr: ImageDraw.ImageDraw, fill: int | RGB, dx: float, dy: float) -> None:
            for s in shapes:
                s.paint(dr, fill, dx, dy)

        return Shape(
            (
                min(s.bbox[0] for s in shapes),
                min(s.bbox[1] for s in shapes),
                max(s.bbox[2] for s in shapes),
                max(s.bbox[3] for s in shapes),
            ),
            paint,
        )

    def bumps(
        self, cx: float, cy: float, rx: float, ry: float, a0: float, a1: float, n: int, r: float
    ) -> Shape:
        """Circles of radius r along an elliptical arc from angle a0 to a1 (degrees): curls."""
        circles = []
        for i in range(n):
            a = math.radians(a0 + (a1 - a0) * i / max(1, n - 1))
            circles.append(self.ellipse(cx + rx * math.cos(a), cy + ry * math.sin(a), r))
        return self.group(circles)

    # -- painting --------------------------------------------------------------------------------
    def fill(self, shape: Shape, colour: RGB) -> None:
        shape.paint(self.draw, colour, 0.0, 0.0)
        if self._figure_draw is not None:
            shape.paint(self._figure_draw, 255, 0.0, 0.0)

    def coverage(
        self, add: Sequence[Shape], sub: Sequence[Shape] = (), clip: Shape | None = None
    ) -> tuple[tuple[int, int, int, int], Image.Image] | None:
        """(box, mask) of (union of `add`) minus (union of `sub`), intersected with `clip`; None
        when that lies outside the canvas."""
        box = (
            max(0, math.floor(min(s.bbox[0] for s in add)) - 1),
            max(0, math.floor(min(s.bbox[1] for s in add)) - 1),
            min(self.width, math.ceil(max(s.bbox[2] for s in add)) + 2),
            min(self.height, math.ceil(max(s.bbox[3] for s in add)) + 2),
        )
        if box[2] <= box[0] or box[3] <= box[1]:
            return None
        # One-bit masks: the shapes have hard edges (supersampling smooths them), and pasting
        # through a one-bit mask copies pixels where an 8-bit one blends them, six times slower.
        size = (box[2] - box[0], box[3] - box[1])
        mask = Image.new("1", size, 0)
        dr = ImageDraw.Draw(mask)
        for s in add:
            s.paint(dr, 255, box[0], box[1])
        for s in sub:
            s.paint(dr, 0, box[0], box[1])
        if clip is not None:
            clip_mask = Image.new("1", size, 0)
            clip.paint(ImageDraw.Draw(clip_mask), 255, box[0], box[1])
            mask = ImageChops.logical_and(mask, clip_mask)
        return box, mask

    def fill_masked(
        self,
        colour: RGB,
        add: Sequence[Shape],
        sub: Sequence[Shape] = (),
        clip: Shape | None = None,
    ) -> None:
        """Paint (union of `add`) minus (union of `sub`), intersected with `clip`."""
        covered = self.coverage(add, sub, clip)
        if covered is not None:
            self.image.paste(colour, covered[0], covered[1])
            if self.figure is not None:
                self.figure.paste(255, covered[0], covered[1])

    def stroke(self, points: Sequence[Point], width: float, colour: RGB, *, smooth: bool = True):
        """A line through `points` with round ends; width in units."""
        pts = spline(points, closed=False, steps=8) if smooth and len(points) > 2 else points
        pix = [self.px(x, y) for x, y in pts]
        w = max(1, round(self.d(width)))
        r = w / 2 - 0.5
        for dr, fill in ((self.draw, colour), (self._figure_draw, 255)):
            if dr is not None:
                dr.line(pix, fill=fill, width=w, joint="curve")
                for x, y in (pix[0], pix[-1]):
                    dr.ellipse((x - r, y - r, x + r, y + r), fill=fill)

    def arc(
        self,
        cx: float,
        cy: float,
        rx: float,
        ry: float,
        a0: float,
        a1: float,
        width: float,
        colour: RGB,
    ) -> None:
        """An elliptical arc (degrees, clockwise from 3 o'clock) with round ends."""
        n = max(6, int(abs(a1 - a0) / 6))
        pts = [
            (
                cx + rx * math.cos(math.radians(a0 + (a1 - a0) * i / n)),
                cy + ry * math.sin(math.radians(a0 + (a1 - a0) * i / n)),
            )
            for i in range(n + 1)
        ]
        self.stroke(pts, width, colour, smooth=False)
