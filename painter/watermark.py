"""A light watermark for portraits shown through a share link: a faint word repeated across the
picture, enough to mark a preview, light enough to judge the portrait through. Drawn on the
bytes sent, never on what is stored. Plain Python, no Django.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from painter.overlay import FONT_PATH

WORD = "PREVIEW"
OPACITY = 56  # of 255
SAVE_AS = {"PNG": ("PNG", "image/png"), "WEBP": ("WEBP", "image/webp")}
JPEG = ("JPEG", "image/jpeg")


def watermarked(source: bytes) -> tuple[bytes, str]:
    """`source` (a stored PNG, JPEG or WebP the app already checked) with the watermark, in the
    same format; returns the bytes and their content type."""
    with Image.open(io.BytesIO(source)) as picture:
        fmt, content_type = SAVE_AS.get(picture.format or "", JPEG)
        canvas = picture.convert("RGBA")
    width, height = canvas.size
    font = ImageFont.truetype(str(FONT_PATH), max(10, round(min(width, height) * 0.06)))
    step_x = round(font.getlength(WORD) * 1.8)
    step_y = max(1, round(min(width, height) * 0.22))
    layer = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for row, y in enumerate(range(step_y // 3, height, step_y)):
        offset = (row % 2) * step_x // 2  # staggered rows, so no column of words lines up
        for x in range(-offset, width, step_x):
            draw.text((x, y), WORD, font=font, fill=(255, 255, 255, OPACITY))
    drawn = Image.alpha_composite(canvas, layer).convert("RGB")
    out = io.BytesIO()
    options = {} if fmt == "PNG" else {"quality": 90}
    drawn.save(out, format=fmt, **options)
    return out.getvalue(), content_type
