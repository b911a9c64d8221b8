"""What the built-in renderer reads from a persona's and a style's words: picks first, free text
where nothing was picked, and every word the forms offer known to the palette."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from painter.palette import COLOURS, SKIN, hex_rgb
from painter.portrait import Look
from painter.scene import Scene, scene_for
from painter.traits import resolve
from painter.wardrobe import PICKED, read_wardrobe
from painter.words import colour_name, normalise
from personas.choices import GARMENT_COLOURS, SKIN_TONES, Garment
from personas.style_specs import BUILTIN_STYLES, StyleSpec


def style(**fields: Any) -> StyleSpec:
    return replace(StyleSpec(key="style:test", name="Test"), **fields)


def test_every_skin_tone_on_the_form_is_known_with_its_swatch_colour() -> None:
    for value, _label, swatch in SKIN_TONES:
        assert SKIN[value] == hex_rgb(swatch), value


def test_every_garment_colour_on_the_form_is_known() -> None:
    assert [name for name in GARMENT_COLOURS if name not in COLOURS] == []


def test_every_garment_on_the_form_has_a_drawing() -> None:
    assert sorted(PICKED) == sorted(normalise(value) for value in Garment.values)


def test_a_light_grey_backdrop_in_free_text_is_a_plain_light_grey_wall() -> None:
    """The outside tester's style: it came out on blue, yellow and pink circles."""
    scene = scene_for(style(background="light grey backdrop"))
    assert scene == Scene(backdrop_colour="#c9ccd1", backdrop="plain")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"lens": "105mm lens at f/2.8, three-quarter length"}, {"framing": "half body"}),
        ({"lens": "85mm portrait lens, head and shoulders"}, {"framing": "headshot"}),
        ({"lighting": "soft window light from the side"}, {"lighting_direction": "left"}),
        ({"lighting": "key light from the right"}, {"lighting_direction": "right"}),
        ({"lighting": "Rembrandt, subtle hair light"}, {"lighting_direction": "dramatic"}),
        ({"lighting": "golden-hour sunlight with gentle backlight"}, {"lighting_direction": "rim"}),
        ({"lighting": "bright diffuse daylight"}, {"lighting_direction": "front"}),
        ({"background": "softly blurred modern office"}, {"backdrop": "office"}),
        ({"background": "sunlit park"}, {"backdrop": "outdoors"}),
        ({"background": "busy city street at dusk"}, {"backdrop": "city"}),
        ({"background": "soft gradient"}, {"backdrop": "gradient"}),
        ({"background": "navy studio wall"}, {"backdrop": "studio", "backdrop_colour": "#25355e"}),
        ({"palette": "muted sage tones"}, {"backdrop": "plain", "backdrop_colour": "#9db28c"}),
        ({"description": "Friendly, approachable profile"}, {"mood": "friendly"}),
        ({"description": "Playful portraits for makers"}, {"mood": "joyful"}),
    ],
)  # fmt: skip
def test_free_text_is_read_into_the_scene(fields: dict[str, str], expected: dict[str, str]) -> None:
    scene = scene_for(style(**fields)).as_dict()
    assert {name: scene[name] for name in expected} == expected
    assert all(value == "" for name, value in scene.items() if name not in expected)


def test_picks_win_over_free_text() -> None:
    scene = scene_for(
        style(
            background="light grey city street",
            lighting="from the left",
            lens="head and shoulders",
            description="serious",
            backdrop_colour="#123456",
            backdrop="studio",
            lighting_direction="rim",
            framing="half body",
            mood="joyful",
        )
    )
    assert scene == Scene("#123456", "studio", "rim", "half body", "joyful")


def test_a_style_that_says_nothing_leaves_the_scene_empty() -> None:
    assert scene_for(style(background="a nice place")) == Scene()


def test_every_built_in_style_has_a_full_scene() -> None:
    for spec in BUILTIN_STYLES:
        assert all(scene_for(spec).as_dict().values()), spec.key


@pytest.mark.parametrize(
    ("hex_code", "name"),
    [
        ("#c9ccd1", "light grey"),
        ("#9db28c", "sage green"),
        ("#283a66", "navy"),
        ("#fefefe", "white"),
    ],
)
def test_colour_names_for_prompts(hex_code: str, name: str) -> None:
    assert colour_name(hex_rgb(hex_code), COLOURS) == name


@pytest.mark.parametrize(
    ("look", "garment", "cloth"),
    [
        (Look(wardrobe="sage-green blazer"), "blazer", "sage green"),
        (Look(wardrobe="navy blazer over a white shirt"), "blazer", "navy"),
        (Look(wardrobe="light blue button-down"), "collar", "light blue"),
        (Look(wardrobe="charcoal suit and tie"), "suit", "charcoal"),
        (Look(wardrobe="faded denim jacket"), "denim", "denim"),
        (Look(garment="polo shirt", garment_colour="mustard", wardrobe="white"), "polo", "mustard"),
        (Look(garment="hoodie", wardrobe="red hoodie"), "hoodie", "red"),
    ],
)  # fmt: skip
def test_wardrobe_reading(look: Look, garment: str, cloth: str) -> None:
    wardrobe = read_wardrobe(look)
    assert (wardrobe.garment, wardrobe.cloth) == (garment, COLOURS[cloth])


@pytest.mark.parametrize(
    ("look", "style"),
    [
        (Look(hair_style="long wavy", hair_length="short"), "short"),
        (Look(hair_style="curly", hair_length="shoulder-length"), "curly_long"),
        (Look(hair_style="bun", hair_length="long"), "bun"),
        (Look(hair_style="bun", hair_length="bald"), "bald"),
        (Look(hair_length="chin-length"), "bob"),
        (Look(hair_length="buzz cut"), "buzz"),
    ],
)
def test_a_picked_hair_length_wins(look: Look, style: str) -> None:
    assert resolve(look).hair_style == style


def test_picked_glasses_win_over_the_accessories_text() -> None:
    assert resolve(Look(accessories="round glasses", glasses="none")).glasses is None
    assert resolve(Look(accessories="round glasses", glasses="sunglasses")).glasses == "sun"
    assert resolve(Look(glasses="cat-eye glasses")).glasses == "cat"
    assert resolve(Look(accessories="round glasses")).glasses == "round"
