"""Choose a width x height on a model's pixel grid for an aspect ratio and resolution class.

The rule, deterministic and documented so a size can be predicted:
1. The target area is 1 MP (2^20 px) for 1K, 4 MP for 2K, and as large as allowed for 4K, capped
   by the model's pixel limit and by what its longest-side limit allows at that ratio.
2. Candidates are the grid sizes within the model's limits whose area is within 15% of the target.
3. The candidate closest to the exact ratio wins; ties go to the area closest to the target, then
   to the narrower width. (So 16:9 at 1K on gpt-image-2 is 1280x720, exactly 16:9, rather than a
   0.4%-off 1360x768.) When no candidate is within 15%, the closest area wins instead.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

from .models import PixelGrid

TARGET_PIXELS = {"1K": 1 << 20, "2K": 4 << 20, "4K": 16 << 20}
AREA_WINDOW = math.log(1.15)


def parse_ratio(aspect_ratio: str) -> tuple[int, int]:
    width, height = aspect_ratio.split(":")
    return int(width), int(height)


def _fits(grid: PixelGrid, w: int, h: int) -> bool:
    if min(w, h) < grid.min_side:
        return False
    if grid.max_side is not None and max(w, h) > grid.max_side:
        return False
    if not grid.min_pixels <= w * h <= grid.max_pixels:
        return False
    return max(w, h) <= grid.max_ratio * min(w, h)


def _candidates(grid: PixelGrid, a: int, b: int) -> list[tuple[int, int]]:
    step = grid.step
    h_limit = math.isqrt(grid.max_pixels * b // a) + 2 * step
    if grid.max_side is not None:
        h_limit = min(h_limit, grid.max_side)
    found = []
    for h in range(step, h_limit + 1, step):
        w_floor = (h * a // b) // step * step
        for w in (w_floor, w_floor + step):
            if w > 0 and _fits(grid, w, h):
                found.append((w, h))
    return found


def target_area(grid: PixelGrid, a: int, b: int, resolution: str) -> float:
    target = float(min(TARGET_PIXELS[resolution], grid.max_pixels))
    if grid.max_side is not None:
        target = min(target, grid.max_side * grid.max_side * min(a, b) / max(a, b))
    return target


@lru_cache(maxsize=1024)
def fit_size(grid: PixelGrid, aspect_ratio: str, resolution: str) -> tuple[int, int] | None:
    """(width, height) for the ratio and class on this grid, or None if nothing fits."""
    a, b = parse_ratio(aspect_ratio)
    target = target_area(grid, a, b, resolution)
    candidates = _candidates(grid, a, b)
    if not candidates:
        return None

    def ratio_error(size: tuple[int, int]) -> Fraction:
        w, h = size
        return Fraction(abs(w * b - h * a), h * a)

    def area_distance(size: tuple[int, int]) -> float:
        return abs(math.log(size[0] * size[1] / target))

    window = [c for c in candidates if area_distance(c) <= AREA_WINDOW]
    if window:
        return min(window, key=lambda c: (ratio_error(c), area_distance(c), c[0]))
    return min(candidates, key=lambda c: (area_distance(c), ratio_error(c), c[0]))
