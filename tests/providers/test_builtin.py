"""The built-in offline renderer: deterministic, look-driven, fast, and always renders something."""

from __future__ import annotations

import statistics
import time

import pytest

from generation.providers.base import ErrorKind, ImageRequest, PermanentError, Usage
from generation.providers.builtin import BuiltinProvider
from painter.portrait import Look, render_portrait
from painter.traits import resolve
from tests.providers.pixels import decode, mean_abs_diff, sample

ANA = Look(
    skin_tone="fair with freckles",
    hair_colour="auburn",
    hair_style="long, wavy",
    eye_colour="green",
    build="slim",
    features="freckles, rosy cheeks",
    wardrobe="cream cable-knit sweater",
    accessories="round glasses, gold hoop earrings",
)
KOFI = Look(
    skin_tone="deep brown",
    hair_colour="black",
    hair_style="short curly",
    eye_colour="dark brown",
    build="athletic",
    features="full beard",
    wardrobe="navy blazer over a white shirt",
)
# Two looks that differ only in colours, with the same short hair so regions line up.
LIGHT_BLONDE = Look(skin_tone="light", hair_colour="blonde", hair_style="short", wardrobe="red tee")
DEEP_BLACK = Look(skin_tone="deep", hair_colour="black", hair_style="short", wardrobe="red tee")


# Points on a square portrait: the forehead just below the hairline, and the top of the head.
FOREHEAD = (0.5, 0.375)
CROWN = (0.5, 0.25)


def test_same_look_seed_and_size_give_identical_bytes() -> None:
    first = render_portrait(ANA, seed=42, width=512, height=512)
    second = render_portrait(ANA, seed=42, width=512, height=512)
    assert first == second


def test_png_carries_no_timestamp_or_text_chunks() -> None:
    data = render_portrait(KOFI, seed=1, width=256, height=256)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    for chunk in (b"tIME", b"tEXt", b"iTXt", b"zTXt"):
        assert chunk not in data


def test_different_looks_give_clearly_different_portraits() -> None:
    a = decode(render_portrait(ANA, seed=7, width=512, height=512))
    b = decode(render_portrait(KOFI, seed=7, width=512, height=512))
    assert mean_abs_diff(a, b) > 20


def test_skin_and_hair_colour_follow_the_look() -> None:
    light = decode(render_portrait(LIGHT_BLONDE, seed=7, width=512, height=512))
    deep = decode(render_portrait(DEEP_BLACK, seed=7, width=512, height=512))
    light_skin, deep_skin = sample(light, *FOREHEAD), sample(deep, *FOREHEAD)
    assert sum(light_skin) - sum(deep_skin) > 200, (light_skin, deep_skin)
    light_hair, deep_hair = sample(light, *CROWN), sample(deep, *CROWN)
    assert sum(light_hair) - sum(deep_hair) > 250, (light_hair, deep_hair)
    # Everything but those colours is shared, so the rest of the picture is close.
    assert sample(light, 0.5, 0.95) == sample(deep, 0.5, 0.95)


def test_hex_skin_tone_is_painted_exactly() -> None:
    image = decode(render_portrait(Look(skin_tone="#8d5524"), seed=3, width=400, height=400))
    assert sample(image, *FOREHEAD) == (0x8D, 0x55, 0x24)


@pytest.mark.parametrize(
    ("darker", "lighter"),
    [("dark brown", "fair"), ("ebony", "medium"), ("deep", "light"), ("tan", "porcelain")],
)
def test_skin_words_order_from_light_to_dark(darker: str, lighter: str) -> None:
    dark = resolve(Look(skin_tone=darker)).skin
    light = resolve(Look(skin_tone=lighter)).skin
    assert sum(dark) < sum(light)


def test_hair_and_eye_words_map_to_their_colours() -> None:
    assert sum(resolve(Look(hair_colour="platinum blonde")).hair) > 600
    assert sum(resolve(Look(hair_colour="jet black")).hair) < 120
    red = resolve(Look(hair_colour="ginger")).hair
    assert red[0] > red[1] > red[2]
    blue = resolve(Look(eye_colour="light blue")).eyes
    assert blue[2] > blue[0]
    green = resolve(Look(eye_colour="green")).eyes
    assert green[1] > max(green[0], green[2])


def test_seed_varies_the_picture_but_not_the_person() -> None:
    one = decode(render_portrait(KOFI, seed=1, width=512, height=512))
    two = decode(render_portrait(KOFI, seed=2, width=512, height=512))
    assert mean_abs_diff(one, two) > 0
    assert sample(one, *FOREHEAD) == sample(two, *FOREHEAD)


@pytest.mark.parametrize(("width", "height"), [(1024, 1024), (640, 480), (512, 768), (96, 64)])
def test_requested_size_is_honoured(width: int, height: int) -> None:
    image = decode(render_portrait(ANA, seed=5, width=width, height=height))
    assert image.format == "PNG"
    assert image.size == (width, height)
    assert image.mode == "RGB"


def test_size_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="between"):
        render_portrait(ANA, seed=1, width=10, height=512)


def test_unknown_free_text_renders_stably_and_distinctly() -> None:
    odd = Look(
        skin_tone="moonlit quartz",
        hair_colour="nebula",
        hair_style="zigzag sculpture",
        eye_colour="storm",
        build="wobbly",
        features="sparkles",
        wardrobe="cosmic poncho",
        accessories="lantern",
    )
    other = Look(
        skin_tone="autumn tea",
        hair_colour="glacier",
        hair_style="swoosh",
        eye_colour="ember",
        wardrobe="origami cape",
    )
    first = render_portrait(odd, seed=9, width=384, height=384)
    assert first == render_portrait(odd, seed=9, width=384, height=384)
    a, b = decode(first), decode(render_portrait(other, seed=9, width=384, height=384))
    assert a.size == (384, 384)
    assert sample(a, *FOREHEAD) != sample(b, *FOREHEAD)
    assert mean_abs_diff(a, b) > 5


def test_empty_look_renders() -> None:
    image = decode(render_portrait(Look(), seed=0, width=256, height=256))
    assert image.size == (256, 256)
    # A face, not a blank canvas: the forehead is not the background colour.
    assert sample(image, *FOREHEAD) != sample(image, 0.02, 0.02)


def test_negated_accessories_are_not_drawn() -> None:
    plain = render_portrait(Look(), seed=4, width=256, height=256)
    assert render_portrait(Look(accessories="no glasses"), seed=4, width=256, height=256) == plain
    assert render_portrait(Look(accessories="glasses"), seed=4, width=256, height=256) != plain
    # Negation stays inside its clause.
    assert resolve(Look(features="no beard, glasses")).glasses is not None
    assert resolve(Look(features="no beard, glasses")).beard is None


@pytest.mark.parametrize(
    "look",
    [
        Look(hair_style=style, hair_colour="brown")
        for style in ("bald", "buzz cut", "afro", "bob", "shoulder-length", "long curly")
    ]
    + [
        Look(hair_style="bun", accessories="hijab"),
        Look(hair_style="ponytail", accessories="sunglasses, pearl necklace, beanie"),
        Look(hair_style="braids", wardrobe="grey hoodie", features="goatee, dimples, mole"),
        Look(hair_style="locs", wardrobe="charcoal suit and tie", features="stubble"),
        Look(wardrobe="teal turtleneck", accessories="headband, stud earrings"),
    ],
)
def test_every_style_and_accessory_renders(look: Look) -> None:
    image = decode(render_portrait(look, seed=11, width=256, height=256))
    assert image.size == (256, 256)


def test_provider_returns_the_portrait_with_zero_usage() -> None:
    request = ImageRequest(model="builtin", prompt="a portrait", width=512, height=384, seed=3)
    result = BuiltinProvider().generate(request, ANA)
    assert result.usage == Usage()
    assert result.request_id is None
    (image,) = result.images
    assert (image.mime_type, image.width, image.height) == ("image/png", 512, 384)
    assert image.data == render_portrait(ANA, seed=3, width=512, height=384)


def test_provider_defaults_to_1024_square_and_a_seed_from_the_prompt() -> None:
    provider = BuiltinProvider()
    first = provider.generate(ImageRequest(model="builtin", prompt="hello"), KOFI).images[0]
    again = provider.generate(ImageRequest(model="builtin", prompt="hello"), KOFI).images[0]
    other = provider.generate(ImageRequest(model="builtin", prompt="goodbye"), KOFI).images[0]
    assert decode(first.data).size == (1024, 1024)
    assert (first.width, first.height) == (1024, 1024)
    assert first.data == again.data
    assert first.data != other.data


def test_provider_follows_aspect_ratio_and_output_format() -> None:
    request = ImageRequest(model="builtin", prompt="x", aspect_ratio="3:4", output_format="jpeg")
    (image,) = BuiltinProvider().generate(request, ANA).images
    assert image.mime_type == "image/jpeg"
    assert decode(image.data).size == (image.width, image.height) == (768, 1024)


def test_provider_refuses_impossible_sizes_permanently() -> None:
    request = ImageRequest(model="builtin", prompt="x", width=20000, height=20000)
    with pytest.raises(PermanentError) as info:
        BuiltinProvider().generate(request, ANA)
    assert info.value.kind == ErrorKind.INVALID


def test_speed_guard_1024_square() -> None:
    """A guard, not the benchmark: the median of 5 renders of a busy look at 1024x1024, in CPU
    seconds of this process: what a render costs, which a busy machine does not change (wall
    time would also count the waits for a core that other processes hold)."""
    busy = Look(
        skin_tone="olive",
        hair_colour="dark brown",
        hair_style="long curly",
        eye_colour="hazel",
        features="freckles, beard",
        wardrobe="navy blazer, white shirt, red tie",
        accessories="round glasses, hoop earrings, necklace",
    )
    render_portrait(busy, seed=0)  # warm up imports and caches
    times = []
    for seed in range(5):
        start = time.process_time()
        render_portrait(busy, seed=seed)
        times.append(time.process_time() - start)
    assert statistics.median(times) < 0.2, times
