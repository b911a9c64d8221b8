"""Where to cut a picture to a ratio: the largest box of that ratio that fits inside it, centred
on a focal point as nearly as the edges allow.

Pure arithmetic on integers and fractions (no Pillow, no app), so its boxes can be checked by
hand: a 1024 x 1280 portrait cut to 16:9 around the upper-third centre is the full width, 576 high,
its top at 1280/3 - 288 = 138.67, so row 139.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    width: int
    height: int

    @property
    def corners(self) -> tuple[int, int, int, int]:
        """(left, top, right, bottom), as Pillow's Image.crop takes them."""
        return (self.left, self.top, self.left + self.width, self.top + self.height)


def crop_box(width: int, height: int, focal: tuple[float, float], ratio: tuple[int, int]) -> Box:
    """The largest `ratio` (width, height) box inside a `width` x `height` picture whose centre is
    as near to `focal` (x, y as fractions of the picture, 0 to 1 from the top left) as the
    picture's edges allow. Sides are rounded to whole pixels, so the box's ratio is exact to
    within one pixel."""
    ratio_w, ratio_h = ratio
    if width <= 0 or height <= 0 or ratio_w <= 0 or ratio_h <= 0:
        raise ValueError("a picture and a ratio need sides longer than zero")
    if width * ratio_h >= height * ratio_w:  # the picture is at least as wide as the ratio
        box_h = height
        box_w = min(width, max(1, _nearest(height * ratio_w / ratio_h)))
    else:
        box_w = width
        box_h = min(height, max(1, _nearest(width * ratio_h / ratio_w)))
    x, y = focal
    return Box(_place(x * width, box_w, width), _place(y * height, box_h, height), box_w, box_h)


def _place(centre: float, size: int, room: int) -> int:
    """Where a side of `size` starts to be centred on `centre`, kept inside 0..room."""
    return min(max(_nearest(centre - size / 2), 0), room - size)


def _nearest(value: float) -> int:
    """Rounded half up (Python's round() rounds half to even: 0.5 -> 0, 1.5 -> 2)."""
    return math.floor(value + 0.5)
