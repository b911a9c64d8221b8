"""The built-in renderer listens: every input a persona or a style gives changes the
rendered pixels as asked. Each test renders with only that input changed and samples the picture:
backdrop colour and kind, garment colour and garment, light, framing, mood, hair length, glasses,
skin tone."""

from __future__ import annotations

import itertools

import pytest
from PIL import Image

from painter.light import RIM
from painter.palette import COLOURS, RGB, hex_rgb
from painter.portrait import Look, Scene, render_portrait
from painter.wardrobe import WHITE_SHIRT
from personas.choices import GARMENT_COLOURS, SKIN_TONES, Backdrop, Garment, Glasses
from tests.providers.pixels import (
    brightness,
    decode,
    distance,
    mean_abs_diff,
    region,
    sample,
    share_near,
)

SIZE = 256
# Places on a square portrait at the default framing, as fractions of its width and height.
CORNERS = ((0.05, 0.05), (0.95, 0.05))
SHOULDER = (0.8, 0.95)  # cloth for every garment but a dress (bare shoulders)
FOREHEAD = (0.5, 0.375)
SIDE_OF_NECK = (0.69, 0.65)  # long hair falls here; short hair leaves the backdrop
CHEEKS = ((0.38, 0.49, 0.46, 0.545), (0.54, 0.49, 0.62, 0.545))  # the face's left and right
CHEST = (0.36, 0.74, 0.64, 1.0)
MOUTH = (0.42, 0.52, 0.58, 0.6)
EYES = (0.38, 0.43, 0.62, 0.49)

GREY = "#c9ccd1"
BASE = Look(
    skin_tone="brown",
    hair_colour="black",
    hair_style="short",
    garment="t-shirt",
    garment_colour="navy",
)
PLAIN = Scene(backdrop_colour=GREY, backdrop="plain")


def render(look: Look = BASE, scene: Scene | None = PLAIN, seed: int = 3) -> Image.Image:
    return decode(render_portrait(look, seed=seed, width=SIZE, height=SIZE, scene=scene))


def looks(**changes: str) -> Look:
    return Look(**{**BASE.__dict__, **changes})


def scenes(**changes: str) -> Scene:
    return Scene(**{**PLAIN.__dict__, **changes})


@pytest.mark.parametrize("colour", [GREY, "#1f4e79", "#f4b6c2", "#2e5e3e"])
def test_the_backdrop_is_the_picked_colour_exactly(colour: str) -> None:
    image = render(scene=scenes(backdrop_colour=colour))
    # The corners, and beside the head, where a decoration would hide the backdrop.
    for point in (*CORNERS, (0.12, 0.3), (0.88, 0.55)):
        assert distance(sample(image, *point), hex_rgb(colour)) <= 2, point


@pytest.mark.parametrize("kind", Backdrop.values)
def test_every_backdrop_kind_keeps_the_picked_colour_in_its_top_corners(kind: str) -> None:
    image = render(scene=scenes(backdrop="" if kind == "plain" else kind))
    for point in CORNERS:
        assert distance(sample(image, *point), hex_rgb(GREY)) <= 2, point


def _changes_from_plain(kind: str) -> Image.Image:
    plain, other = render(), render(scene=scenes(backdrop=kind))
    left_strip = (0.0, 0.1, 0.2, 0.7)
    assert share_near(region(plain, *left_strip), hex_rgb(GREY), 1) == 1.0  # one flat colour
    assert mean_abs_diff(plain, other) > 2
    return other


def test_a_gradient_darkens_towards_the_bottom() -> None:
    image = _changes_from_plain("gradient")
    top, bottom = sample(image, 0.05, 0.3), sample(image, 0.05, 0.97)
    assert sum(top) - sum(bottom) > 60


def test_a_studio_backdrop_has_a_pool_of_light_behind_the_head() -> None:
    image = _changes_from_plain("studio")
    assert sum(sample(image, 0.5, 0.12)) - sum(sample(image, *CORNERS[0])) > 20


def test_an_office_has_a_bright_window() -> None:
    image = _changes_from_plain("office")
    assert sum(sample(image, 0.14, 0.2)) - sum(hex_rgb(GREY)) > 30


def test_outdoors_has_green_hills_under_the_sky() -> None:
    image = _changes_from_plain("outdoors")
    r, g, b = sample(image, 0.05, 0.9)
    assert g > r + 10
    assert g > b + 10


def test_a_city_has_buildings_darker_than_the_sky() -> None:
    image = _changes_from_plain("city")
    assert sum(hex_rgb(GREY)) - sum(sample(image, 0.03, 0.62)) > 60


@pytest.mark.parametrize("name", GARMENT_COLOURS)
def test_the_garment_is_the_picked_colour(name: str) -> None:
    image = render(looks(garment_colour=name))
    assert distance(sample(image, *SHOULDER), COLOURS[name]) <= 3


def test_a_hex_garment_colour_is_painted_exactly() -> None:
    image = render(looks(garment="sweater", garment_colour="#7a3b9c"))
    assert sample(image, *SHOULDER) == (0x7A, 0x3B, 0x9C)


def test_a_sage_green_blazer_in_the_wardrobe_text_is_a_sage_green_blazer() -> None:
    """The outside tester's persona: it came out as the default top in plain green."""
    blazer = render(Look(skin_tone="brown", hair_style="short", wardrobe="sage-green blazer"))
    tee = render(Look(skin_tone="brown", hair_style="short", wardrobe="sage-green t-shirt"))
    assert distance(sample(blazer, *SHOULDER), COLOURS["sage green"]) <= 3
    assert distance(sample(tee, *SHOULDER), COLOURS["sage green"]) <= 3
    # A blazer opens on a white shirt; a t-shirt does not.
    assert share_near(region(blazer, *CHEST), WHITE_SHIRT, 6) > 0.05
    assert share_near(region(tee, *CHEST), WHITE_SHIRT, 6) == 0


def test_garments_have_their_own_shapes() -> None:
    chests = {value: region(render(looks(garment=value)), *CHEST) for value in Garment.values}
    for a, b in itertools.combinations(chests, 2):
        assert mean_abs_diff(chests[a], chests[b]) > 0.5, (a, b)
    navy = COLOURS["navy"]
    assert share_near(chests["t-shirt"], navy, 6) > 0.75
    assert share_near(chests["t-shirt"], WHITE_SHIRT, 6) == 0
    assert share_near(chests["blazer"], WHITE_SHIRT, 6) > 0.05  # the shirt between the lapels
    assert share_near(chests["blazer"], navy, 6) < 0.7
    assert share_near(chests["hoodie"], (255, 255, 255), 30) > 0.003  # drawstrings
    dress = render(looks(garment="dress"))
    assert distance(sample(dress, *SHOULDER), sample(dress, *FOREHEAD)) <= 3  # bare shoulders


def _cheeks(image: Image.Image) -> tuple[float, float]:
    left, right = (brightness(region(image, *box)) for box in CHEEKS)
    return left, right


def test_light_from_the_left_lights_the_left_side() -> None:
    front = render(scene=scenes(lighting_direction="front"))
    assert front.tobytes() == render().tobytes()  # front light is the flat one
    left_lit = render(scene=scenes(lighting_direction="left"))
    right_lit = render(scene=scenes(lighting_direction="right"))
    left, right = _cheeks(front)
    assert abs(left - right) < 1
    left, right = _cheeks(left_lit)
    assert left > right + 10
    assert left > _cheeks(front)[0]
    left, right = _cheeks(right_lit)
    assert right > left + 10
    # The clothes too: the right shoulder is in shadow when the light comes from the left.
    assert sum(sample(left_lit, *SHOULDER)) < sum(sample(front, *SHOULDER)) - 20
    assert sum(sample(right_lit, *SHOULDER)) > sum(sample(front, *SHOULDER)) + 10


def test_dramatic_light_leaves_a_deeper_shadow_than_side_light() -> None:
    side = _cheeks(render(scene=scenes(lighting_direction="left")))
    dramatic = _cheeks(render(scene=scenes(lighting_direction="dramatic")))
    assert dramatic[0] - dramatic[1] > 2 * (side[0] - side[1])


def test_rim_light_outlines_the_figure_and_darkens_its_front() -> None:
    front = render()
    rim = render(scene=scenes(lighting_direction="rim"))
    assert brightness(region(rim, 0.45, 0.3, 0.55, 0.4)) < brightness(
        region(front, 0.45, 0.3, 0.55, 0.4)
    )
    shoulders = (0.6, 0.7, 0.95, 0.85)  # the top edge of the right shoulder against the backdrop
    assert share_near(region(front, *shoulders), RIM, 12) == 0
    assert share_near(region(rim, *shoulders), RIM, 12) > 0.01


@pytest.mark.parametrize("light", ["", "front", "left", "right", "dramatic", "rim"])
def test_light_never_touches_the_backdrop(light: str) -> None:
    image = render(scene=scenes(lighting_direction=light))
    for point in (*CORNERS, (0.12, 0.3), (0.9, 0.6)):
        assert sample(image, *point) == hex_rgb(GREY)


def test_a_headshot_comes_closer_and_half_body_shows_more_torso() -> None:
    skin, cloth = hex_rgb(SKIN_TONES[7][2]), COLOURS["navy"]  # "brown"
    shares = {
        framing: (share_near(image, skin, 2), share_near(image, cloth, 2))
        for framing in ("headshot", "", "half body")
        for image in [render(scene=scenes(framing=framing))]
    }
    # More face the closer the camera; more clothes the further.
    assert shares["headshot"][0] > 1.3 * shares[""][0] > 1.3 * 1.3 * shares["half body"][0]
    assert shares["half body"][1] > 1.2 * shares[""][1] > 1.2 * 1.2 * shares["headshot"][1]


def _mouth_height(image: Image.Image) -> int:
    """How many rows of the mouth region hold something other than skin."""
    mouth, skin = region(image, *MOUTH), sample(image, *FOREHEAD)
    rows = [
        region(mouth, 0, y / mouth.height, 1, (y + 1) / mouth.height) for y in range(mouth.height)
    ]
    return sum(1 for row in rows if share_near(row, skin, 25) < 1)


def test_the_mood_sets_the_expression() -> None:
    moods = ("friendly", "joyful", "confident", "serious", "thoughtful")
    images = {mood: render(scene=scenes(mood=mood)) for mood in moods}
    mouths = {mood: region(image, *MOUTH) for mood, image in images.items()}
    for a, b in itertools.combinations(moods, 2):
        assert mean_abs_diff(mouths[a], mouths[b]) > 0.3, (a, b)
    open_mouth: RGB = (0x6E, 0x2A, 0x33)
    assert share_near(mouths["joyful"], open_mouth, 10) > 0.02  # a laugh shows the mouth
    assert share_near(mouths["friendly"], open_mouth, 10) == 0
    assert _mouth_height(images["friendly"]) > _mouth_height(images["serious"])  # a curve
    eyes = {mood: region(image, *EYES) for mood, image in images.items()}
    assert mean_abs_diff(eyes["thoughtful"], eyes["serious"]) > 0.5  # looking up and aside


def test_a_mood_holds_whatever_the_seed() -> None:
    mouths = [region(render(scene=scenes(mood="joyful"), seed=seed), *MOUTH) for seed in (1, 2, 3)]
    assert all(share_near(mouth, (0x6E, 0x2A, 0x33), 10) > 0.02 for mouth in mouths)


def test_hair_length_follows_the_pick() -> None:
    blonde = hex_rgb("#ddb466")
    lengths = {
        length: render(looks(hair_colour="blonde", hair_style="", hair_length=length))
        for length in ("bald", "short", "shoulder-length", "long")
    }
    assert sample(lengths["short"], *SIDE_OF_NECK) == hex_rgb(GREY)
    assert distance(sample(lengths["shoulder-length"], *SIDE_OF_NECK), blonde) <= 3
    assert distance(sample(lengths["long"], *SIDE_OF_NECK), blonde) <= 3
    crown = (0.5, 0.25)
    assert distance(sample(lengths["short"], *crown), blonde) <= 3
    assert sample(lengths["bald"], *crown) == sample(lengths["bald"], *FOREHEAD)  # skin
    # A picked length wins over length words in the hair style.
    picked = render(looks(hair_colour="blonde", hair_style="long straight", hair_length="short"))
    assert sample(picked, *SIDE_OF_NECK) == hex_rgb(GREY)


def test_glasses_follow_the_pick() -> None:
    bare = render()
    worn = [value for value in Glasses.values if value != Glasses.NONE]
    eyes = {value: region(render(looks(glasses=value)), *EYES) for value in worn}
    for value, crop in eyes.items():
        assert mean_abs_diff(crop, region(bare, *EYES)) > 1, value
    assert brightness(eyes["sunglasses"]) < brightness(region(bare, *EYES)) - 30  # dark lenses
    # "No glasses" picked wins over glasses named in the accessories.
    no = looks(glasses="none", accessories="round glasses")
    assert render(no).tobytes() == bare.tobytes()


@pytest.mark.parametrize(("value", "swatch"), [(value, swatch) for value, _, swatch in SKIN_TONES])
def test_each_skin_tone_paints_its_swatch(value: str, swatch: str) -> None:
    image = render(looks(skin_tone=value))
    assert sample(image, *FOREHEAD) == hex_rgb(swatch)


def test_skin_tones_differ_from_each_other() -> None:
    foreheads = [sample(render(looks(skin_tone=value)), *FOREHEAD) for value, _, _ in SKIN_TONES]
    assert len(set(foreheads)) == len(SKIN_TONES)


def test_same_look_scene_and_seed_give_identical_bytes() -> None:
    scene = Scene(GREY, "city", "dramatic", "half body", "joyful")
    look = looks(glasses="round glasses", hair_length="long", garment="denim jacket")
    first = render_portrait(look, seed=8, width=300, height=200, scene=scene)
    assert first == render_portrait(look, seed=8, width=300, height=200, scene=scene)


def test_no_scene_draws_as_before_scenes() -> None:
    """Images made before scenes existed carry none: the seed's pastel and its lighter disc."""
    old = render(scene=None)
    assert render(scene=Scene()).tobytes() == old.tobytes()
    assert sample(old, *CORNERS[0]) != sample(old, 0.2, 0.5)  # the disc behind the head
