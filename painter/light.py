"""Light on the figure for the built-in renderer: a lit side and a shadow side across the face, hair
and clothes (light from the left or right; dramatic is the same with a hard, deep shadow), or a
rim of light from behind. Front light, or none named, leaves the flat colours as they are.

Shading darkens or lightens what is already painted (black or white pasted through a graded mask),
so every colour keeps its hue. It falls only where the figure was painted (Canvas.figure), never
on the backdrop. It is applied to the final image, after supersampling: blending costs per pixel.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageChops

from .palette import RGB

BLACK: RGB = (0, 0, 0)
WHITE: RGB = (255, 255, 255)
RIM: RGB = (255, 247, 232)


@dataclass(frozen=True)
class Side:
    shadow_side: int  # 1: the shadow falls on the right (light from the left); -1: on the left
    shadow: float  # how much darker the far side of the shadow gets, 0..1
    highlight: float  # how much lighter the far side of the light gets
    softness: float  # how far (in units) the shadow takes to deepen from the centre line


SIDES = {
    "left": Side(1, 0.32, 0.1, 0.14),
    "right": Side(-1, 0.32, 0.1, 0.14),
    "dramatic": Side(1, 0.58, 0.12, 0.012),
}
SHADED = (*SIDES, "rim")  # the directions that change the picture (front light is the flat one)


def apply(image: Image.Image, figure: Image.Image | None, centre: float, unit: float, kind: str):
    """Light `image` (at its final size) where `figure` (the same size) covers it. `centre` is the
    face's centre line and `unit` the figure's unit, both in pixels."""
    box = figure.getbbox() if figure is not None else None
    if figure is None or box is None:
        return
    if kind in SIDES:
        _sides(image, figure, box, centre, unit, SIDES[kind])
    elif kind == "rim":
        _rim(image, figure, box, unit)


def _ramp(box: tuple[int, int, int, int], start: float, width: float, peak: float) -> Image.Image:
    """A mask over `box` that rises from 0 at pixel column `start` to `peak` (0..1) `width` pixels
    further on (a negative width rises to the left): one row, stretched down."""
    x0, y0, x1, y1 = box
    row = bytes(int(255 * peak * min(1.0, max(0.0, (x - start) / width))) for x in range(x0, x1))
    return Image.frombytes("L", (x1 - x0, 1), row).resize(
        (x1 - x0, y1 - y0), Image.Resampling.NEAREST
    )


def _shade(image: Image.Image, figure: Image.Image, box: tuple[int, int, int, int], colour: RGB,
           start: float, width: float, peak: float) -> None:  # fmt: skip
    """Blend `colour` into the figure from column `start` on, in the direction of `width`: only
    that side of the figure is touched (blending is what costs)."""
    x0, y0, x1, y1 = box
    box = (max(x0, int(start)), y0, x1, y1) if width > 0 else (x0, y0, min(x1, int(start) + 1), y1)
    if box[2] <= box[0]:
        return
    mask = ImageChops.multiply(figure.crop(box), _ramp(box, start, width, peak))
    image.paste(colour, box, mask)


def _sides(image: Image.Image, figure: Image.Image, box: tuple[int, int, int, int], centre: float,
           unit: float, side: Side) -> None:  # fmt: skip
    soft = side.softness * unit * side.shadow_side
    _shade(image, figure, box, BLACK, centre, soft, side.shadow)
    _shade(image, figure, box, WHITE, centre, -soft * 1.5, side.highlight)


def _rim(image: Image.Image, figure: Image.Image, found: tuple[int, int, int, int], unit: float):
    """Light from behind: the front of the figure a little darker, a bright edge along the top and
    sides of the hair, head and shoulders."""
    edge = max(1, round(0.009 * unit))
    box = (
        max(0, found[0] - edge),
        max(0, found[1] - edge),
        min(image.width, found[2] + edge),
        min(image.height, found[3] + edge),
    )
    mask = figure.crop(box)
    image.paste(BLACK, box, mask.point(lambda v: v * 0.16))
    # A pixel is on the rim when the one `edge` above it (or beside it) is not the figure.
    rims = [
        ImageChops.subtract(mask, ImageChops.offset(mask, dx, dy))
        for dx, dy in ((0, edge), (edge, 0), (-edge, 0))
    ]
    rim = ImageChops.lighter(ImageChops.lighter(rims[0], rims[1]), rims[2])
    image.paste(RIM, box, rim)
