"""Text on a finished portrait: a headline or caption drawn with Pillow, for models that cannot
spell (FLUX is unreliable past five or six words). Plain Python, no Django: the choices below are
the only ones there are, so the form, the service and the drawing agree on them by name.

The font is Fira Sans Medium (SIL Open Font License 1.1, fonts/FiraSans-OFL.txt beside it),
shipped with the code so every machine draws the same letters. It covers Latin, Greek and
Cyrillic; other scripts draw as empty boxes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_PATH = Path(__file__).parent / "fonts" / "FiraSans-Medium.woff2"
MAX_TEXT = 120  # a headline or a caption, not a paragraph

# Each choice: the word a person picks -> what it means in pixels or colours.
# Positions: the fraction of the height the text block's centre sits at.
POSITIONS = {"top": ("Top", 0.10), "lower_third": ("Lower third", 0.72), "bottom": ("Bottom", 0.90)}
# Sizes: the letter height as a fraction of the image's shorter side.
SIZES = {"small": ("Small", 0.045), "medium": ("Medium", 0.07), "large": ("Large", 0.10)}
COLOURS = {
    "white": ("White", (255, 255, 255)),
    "black": ("Black", (17, 17, 17)),
    "yellow": ("Yellow", (255, 214, 10)),
    "red": ("Red", (220, 38, 38)),
    "navy": ("Navy", (23, 37, 84)),
}
BAND_OPACITY = 150  # of 255: the band darkens (or lightens) the photo, it does not hide it
MARGIN = 0.06  # of the width, left and right of the text


@dataclass(frozen=True)
class TextOverlay:
    """What to write and how; `problems()` says in words what is wrong with it, if anything."""

    text: str
    position: str = "bottom"
    size: str = "medium"
    colour: str = "white"
    band: bool = True

    def problems(self) -> dict[str, str]:
        """Field -> the sentence a person reads; empty when it can be drawn."""
        found = {}
        text = self.text.strip()
        if not text:
            found["text"] = "Type the words to put on the portrait."
        elif len(text) > MAX_TEXT:
            found["text"] = (
                f"Keep the text to {MAX_TEXT} characters (this has {len(text):,}): "
                "a headline or a short caption reads best on a portrait."
            )
        if self.position not in POSITIONS:
            found["position"] = "Choose top, lower third or bottom."
        if self.size not in SIZES:
            found["size"] = "Choose small, medium or large."
        if self.colour not in COLOURS:
            names = ", ".join(label.lower() for label, _ in COLOURS.values())
            found["colour"] = f"Choose one of the colours offered: {names}."
        return found


def _lines(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """The words wrapped to `width` pixels; a single word too long for it stays whole."""
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _band_colour(colour: tuple[int, int, int]) -> tuple[int, int, int, int]:
    """Dark behind light letters, light behind dark ones: the contrast is the point."""
    red, green, blue = colour
    light = 0.299 * red + 0.587 * green + 0.114 * blue > 128
    return (0, 0, 0, BAND_OPACITY) if light else (255, 255, 255, BAND_OPACITY)


def draw_text(picture: Image.Image, overlay: TextOverlay) -> Image.Image:
    """A copy of `picture` (RGB) with the text drawn on it. `overlay` must have no problems."""
    canvas = picture.convert("RGBA")
    width, height = canvas.size
    font = ImageFont.truetype(
        str(FONT_PATH), max(8, round(min(width, height) * SIZES[overlay.size][1]))
    )
    lines = _lines(" ".join(overlay.text.split()), font, round(width * (1 - 2 * MARGIN)))
    ascent, descent = font.getmetrics()
    line_height = round((ascent + descent) * 1.15)
    block = line_height * len(lines)
    top = round(height * POSITIONS[overlay.position][1] - block / 2)
    top = min(max(top, 0), max(height - block, 0))  # never off the picture
    colour = COLOURS[overlay.colour][1]
    layer = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    if overlay.band:
        pad = line_height // 3
        draw.rectangle((0, top - pad, width, top + block + pad), fill=_band_colour(colour))
    for index, line in enumerate(lines):
        x = (width - font.getlength(line)) / 2
        draw.text((x, top + index * line_height), line, font=font, fill=(*colour, 255))
    return Image.alpha_composite(canvas, layer).convert("RGB")


def overlay_png(source: bytes, overlay: TextOverlay) -> bytes:
    """`source` (a stored PNG, JPEG or WebP the app already checked) with the text, as PNG."""
    with Image.open(io.BytesIO(source)) as picture:
        drawn = draw_text(picture, overlay)
    out = io.BytesIO()
    drawn.save(out, format="PNG", optimize=False)
    return out.getvalue()
