"""Reading rendered portraits in tests: decode, sample a patch's colour, compare."""

from __future__ import annotations

import io
import math

from PIL import Image, ImageChops, ImageStat

RGB = tuple[float, ...]


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def sample(image: Image.Image, fx: float, fy: float, radius: int = 3) -> RGB:
    """Median colour of a small patch at a fraction of the image's width and height."""
    x, y = round(fx * image.width), round(fy * image.height)
    patch = image.convert("RGB").crop((x - radius, y - radius, x + radius + 1, y + radius + 1))
    return tuple(ImageStat.Stat(patch).median)


def region(image: Image.Image, x0: float, y0: float, x1: float, y1: float) -> Image.Image:
    """The part of the image between fractions of its width and height."""
    w, h = image.size
    return image.convert("RGB").crop((round(x0 * w), round(y0 * h), round(x1 * w), round(y1 * h)))


def brightness(image: Image.Image) -> float:
    return ImageStat.Stat(image.convert("L")).mean[0]


def distance(a: RGB, b: RGB) -> float:
    return math.dist(a, b)


def mean_abs_diff(a: Image.Image, b: Image.Image) -> float:
    diff = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
    return sum(ImageStat.Stat(diff).mean) / 3


def share_near(image: Image.Image, colour: RGB, within: float = 12) -> float:
    """The fraction of pixels within `within` of `colour`."""
    data = image.convert("RGB").tobytes()
    pixels = [data[i : i + 3] for i in range(0, len(data), 3)]
    return sum(1 for p in pixels if math.dist(p, colour) <= within) / len(pixels)
