"""Every built-in style ships an example picture made by the built-in renderer,
and the committed files are exactly what `manage.py render_style_examples` makes: a style or a
renderer change that was not followed by running the command fails here."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.management import call_command
from PIL import Image

from personas.style_examples import SIDE, source_folder, static_path
from personas.style_specs import BUILTIN_STYLES

RERUN = "run `manage.py render_style_examples` and commit static/img/styles/"


def test_every_built_in_style_has_a_small_example_picture() -> None:
    for style in BUILTIN_STYLES:
        path = source_folder().parent.parent / static_path(style)
        assert path.is_file(), f"{style.name} has no example: {RERUN}"
        assert path.stat().st_size < 20_000
        with Image.open(io.BytesIO(path.read_bytes())) as picture:
            assert (picture.format, picture.size) == ("WEBP", (SIDE, SIDE))


def test_the_command_makes_the_committed_files_again(tmp_path: Path) -> None:
    call_command("render_style_examples", out=tmp_path, stdout=io.StringIO())
    made = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    committed = {path.name: path.read_bytes() for path in source_folder().iterdir()}
    assert sorted(made) == sorted(committed), RERUN
    stale = [name for name in made if made[name] != committed[name]]
    assert stale == [], f"{stale} differ from what the renderer makes now: {RERUN}"
