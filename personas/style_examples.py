"""One example picture per built-in style, made by the built-in renderer, so the Generate page
shows styles as pictures before anyone has generated anything.

The pictures are static files committed with the code (static/img/styles/<slug>.webp), made by
`manage.py render_style_examples`; the renderer is deterministic, so the command makes the same
bytes every time, and tests/personas/test_style_examples.py fails when a style or the renderer
changed and the files were not made again.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from painter.portrait import Look, draw, encode
from painter.scene import scene_for
from painter.traits import resolve
from personas.style_specs import BUILTIN_STYLES, StyleSpec

# Small: a tile shows it at 96 CSS pixels, twice that on a sharp screen.
SIDE = 192
FOLDER = "img/styles"
# The same person in every style, so the tiles differ by the style alone.
MODEL_LOOK = Look(
    skin_tone="medium",
    hair_length="shoulder-length",
    hair_colour="dark brown",
    hair_style="wavy",
    eye_colour="brown",
    garment="blazer",
    garment_colour="navy",
)
SEED = 14


def static_path(style: StyleSpec) -> str:
    """The example's path under STATIC_URL (for the {% static %} tag or staticfiles_storage)."""
    return f"{FOLDER}/{style.slug}.webp"


def source_folder() -> Path:
    """Where the committed files live: the first STATICFILES_DIRS entry, static/."""
    return Path(settings.STATICFILES_DIRS[0]) / FOLDER


def render_example(style: StyleSpec) -> bytes:
    """The example as the built-in renderer draws MODEL_LOOK in `style`: WEBP bytes."""
    image = draw(resolve(MODEL_LOOK), SEED, SIDE, SIDE, None, scene_for(style))
    return encode(image, "webp")[0]


def render_all(folder: Path) -> list[Path]:
    """Write every built-in style's example into `folder`; the paths written, in library order."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for style in BUILTIN_STYLES:
        path = folder / Path(static_path(style)).name
        path.write_bytes(render_example(style))
        written.append(path)
    return written
