"""The live previews beside the forms: the built-in portrait of the values a form holds now
(personas:look_preview) and a sample persona in a style's scene (personas:style_example)."""

from __future__ import annotations

import io
from typing import Any
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from personas.choices import SKIN_TONES
from tests.personas.conftest import TeamClient

SWATCH = {value: colour for value, _, colour in SKIN_TONES}
FACE = (0.5, 0.47)  # the middle of the face, as a share of the sides


def _get(client: Client, name: str, **params: str) -> Any:
    return client.get(f"{reverse(name)}?{urlencode(params)}")


def _picture(response: Any) -> Image.Image:
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    return Image.open(io.BytesIO(response.content)).convert("RGB")


def _pixel(picture: Image.Image, at: tuple[float, float]) -> tuple[int, int, int]:
    return picture.getpixel((int(picture.width * at[0]), int(picture.height * at[1])))  # type: ignore[return-value]


def _rgb(code: str) -> tuple[int, int, int]:
    return (int(code[1:3], 16), int(code[3:5], 16), int(code[5:7], 16))


def test_the_look_preview_draws_the_unsaved_skin_tone(team_client: TeamClient) -> None:
    client = team_client("viewer")
    light = _picture(_get(client, "personas:look_preview", skin_tone_pick="porcelain", seed="5"))
    deep = _picture(_get(client, "personas:look_preview", skin_tone_pick="deep", seed="5"))
    assert light.size == (320, 320)
    assert _pixel(light, FACE) == _rgb(SWATCH["porcelain"])
    assert sum(_pixel(deep, FACE)) < sum(_pixel(light, FACE)) - 200
    # Typed words beside "Other" are drawn too.
    typed = _get(client, "personas:look_preview", skin_tone_pick="other", skin_tone="deep")
    chip = _get(client, "personas:look_preview", skin_tone_pick="deep")
    assert typed.content == chip.content


def test_the_look_preview_reads_a_half_filled_form_leniently(team_client: TeamClient) -> None:
    client = team_client("editor")
    plain = _get(client, "personas:look_preview", seed="9").content
    # An unknown chip is read as none picked, an over-long text is cut: never an error.
    odd = _get(client, "personas:look_preview", seed="9", glasses="monocle", skin_tone_pick="x")
    assert odd.content == plain
    long = _get(client, "personas:look_preview", seed="9", features="freckles " * 200)
    assert long.status_code == 200
    # A seed that is not a small number falls back to 0, never a server error.
    assert _get(client, "personas:look_preview", seed="9" * 40).status_code == 200
    assert _get(client, "personas:look_preview", seed="-3").status_code == 200


@pytest.mark.parametrize("size", ["0", "64", "2048", "big", "320.0"])
def test_sizes_are_bounded(size: str, team_client: TeamClient) -> None:
    assert _get(team_client("editor"), "personas:look_preview", size=size).status_code == 404
    assert _get(team_client("editor"), "personas:style_example", size=size).status_code == 404


def test_previews_are_cached_and_revalidated(team_client: TeamClient) -> None:
    client = team_client("editor")
    with mock.patch("personas.views.looks.render_portrait", return_value=b"\x89PNG fake") as render:
        first = _get(client, "personas:look_preview", hair_length="long", size="192")
        again = _get(client, "personas:look_preview", hair_length="long", size="192")
    assert render.call_count == 1
    assert first["Cache-Control"] == "private, max-age=3600"
    assert first.content == again.content == b"\x89PNG fake"
    url = f"{reverse('personas:look_preview')}?hair_length=long&size=192"
    unchanged = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert unchanged.status_code == 304
    other = _get(client, "personas:look_preview", hair_length="short", size="192")
    assert other["ETag"] != first["ETag"]


def test_the_style_example_shows_the_backdrop_colour(team_client: TeamClient) -> None:
    client = team_client("viewer")
    green = _picture(_get(client, "personas:style_example", backdrop_colour="#2e8b57"))
    assert _pixel(green, (0.03, 0.03)) == _rgb("#2e8b57")
    # Without the # and in capitals it is the same colour.
    assert _get(client, "personas:style_example", backdrop_colour="2E8B57").content == (
        _get(client, "personas:style_example", backdrop_colour="#2e8b57").content
    )
    # A colour that is not one is left out: the example is drawn without it.
    bad = _get(client, "personas:style_example", backdrop_colour="#2e8b5")
    assert bad.content == _get(client, "personas:style_example").content
    assert _pixel(_picture(bad), (0.03, 0.03)) != _rgb("#2e8b57")
