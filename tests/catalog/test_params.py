"""One user vocabulary mapped onto every model's API; impossible combinations refused early."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest

from catalog import (
    ASPECT_RATIOS,
    CATALOG,
    RESOLUTIONS,
    UnsupportedParamsError,
    check_references,
    resolve_params,
)
from catalog.models import PixelGrid
from generation.providers.base import ImageRequest


def refusal(model_id: str, aspect: str, resolution: str, quality: str = "medium") -> str:
    with pytest.raises(UnsupportedParamsError) as caught:
        resolve_params(model_id, aspect, resolution, quality)
    return caught.value.user_message


@pytest.mark.parametrize(
    ("aspect", "resolution", "size"),
    [
        ("1:1", "1K", (1024, 1024)),
        ("1:1", "2K", (2048, 2048)),
        ("1:1", "4K", (2880, 2880)),  # exactly 8,294,400 px
        ("16:9", "1K", (1280, 720)),
        ("16:9", "4K", (3840, 2160)),
        ("9:16", "4K", (2160, 3840)),
        ("4:5", "1K", (896, 1120)),
        ("3:2", "1K", (1248, 832)),
    ],
)
def test_gpt_image_2_sizes(aspect, resolution, size):
    params = resolve_params("gpt-image-2", aspect, resolution, "high")
    assert (params.width, params.height) == size
    assert params.quality == "high"
    assert params.aspect_ratio is None
    assert params.image_size is None


GRID_MODELS = [m.id for m in CATALOG.values() if isinstance(m.capabilities.sizing, PixelGrid)]


@pytest.mark.parametrize("model_id", GRID_MODELS)
def test_every_pixel_grid_size_obeys_the_model_limits(model_id):
    sizing = CATALOG[model_id].capabilities.sizing
    assert isinstance(sizing, PixelGrid)
    for aspect, resolution in itertools.product(ASPECT_RATIOS, sizing.resolutions):
        params = resolve_params(model_id, aspect, resolution, "medium")
        w, h = params.width, params.height
        assert w is not None
        assert h is not None
        assert w % sizing.step == 0
        assert h % sizing.step == 0
        assert sizing.min_pixels <= w * h <= sizing.max_pixels
        assert min(w, h) >= sizing.min_side
        if sizing.max_side is not None:
            assert max(w, h) <= sizing.max_side
        assert max(w, h) <= sizing.max_ratio * min(w, h)
        a, b = (int(x) for x in aspect.split(":"))
        assert abs(Fraction(w, h) / Fraction(a, b) - 1) < Fraction(1, 100), (aspect, w, h)


def test_gpt_image_2_4k_stays_inside_the_documented_limits():
    for aspect in ASPECT_RATIOS:
        params = resolve_params("gpt-image-2", aspect, "4K", "low")
        assert params.width is not None
        assert params.height is not None
        assert params.width * params.height > 7_000_000
        assert max(params.width, params.height) <= 3840


def test_gpt_image_1_x_has_three_sizes_only():
    assert resolve_params("gpt-image-1.5", "3:2", "1K", "medium").size == "1536x1024"
    assert resolve_params("gpt-image-1-mini", "2:3", "1K", "low").size == "1024x1536"
    assert refusal("gpt-image-1.5", "16:9", "1K") == (
        "GPT Image 1.5 cannot make 16:9 images; it makes 1:1, 3:2 and 2:3 only. "
        "Choose one of those."
    )
    assert refusal("gpt-image-1.5", "1:1", "2K") == (
        "GPT Image 1.5 cannot make 2K images; it makes only 1024x1024, 1536x1024 and "
        "1024x1536. Choose 1K."
    )


def test_flux_pro_1_1_refuses_4k_and_says_what_it_can_do():
    assert refusal("flux-pro-1.1", "1:1", "4K") == (
        "FLUX1.1 [pro] cannot make 4K images; it goes up to 1440 px a side. Choose 1K."
    )
    params = resolve_params("flux-pro-1.1", "16:9", "1K", "high")
    assert (params.width, params.height) == (1312, 736)
    assert params.quality is None  # FLUX has no quality setting: the choice is ignored


def test_flux_ultra_and_kontext_take_an_aspect_ratio_string():
    ultra = resolve_params("flux-pro-1.1-ultra", "9:16", "2K", "high")
    assert (ultra.aspect_ratio, ultra.width, ultra.height, ultra.image_size) == (
        "9:16",
        None,
        None,
        None,
    )
    assert "Choose 2K." in refusal("flux-pro-1.1-ultra", "1:1", "1K")
    assert resolve_params("flux-kontext-pro", "4:5", "1K", "low").aspect_ratio == "4:5"


def test_flux2_goes_up_to_four_megapixels():
    assert resolve_params("flux-2-pro", "1:1", "2K", "high").size == "2048x2048"
    assert resolve_params("flux-2-max", "16:9", "2K", "high").size == "2560x1440"
    assert refusal("flux-2-max", "1:1", "4K") == (
        "FLUX.2 [max] cannot make 4K images; it goes up to 4 megapixels (2048x2048). "
        "Choose 1K or 2K."
    )


def test_gemini_takes_aspect_ratio_and_image_size():
    params = resolve_params("gemini-3-pro-image-preview", "9:16", "4K", "high")
    assert (params.aspect_ratio, params.image_size, params.width) == ("9:16", "4K", None)
    flash = resolve_params("gemini-2.5-flash-image", "4:5", "1K", "high")
    assert (flash.aspect_ratio, flash.image_size) == ("4:5", None)
    assert refusal("gemini-2.5-flash-image", "1:1", "2K").endswith("Choose 1K.")


def test_imagen_ratios_and_sizes():
    params = resolve_params("imagen-4", "16:9", "2K", "high")
    assert (params.api_model, params.aspect_ratio, params.image_size) == (
        "imagen-4.0-generate-001",
        "16:9",
        "2K",
    )
    assert refusal("imagen-4-ultra", "4:5", "1K") == (
        "Imagen 4 Ultra cannot make 4:5 images; it makes 1:1, 3:4, 4:3, 9:16 and 16:9 only. "
        "Choose one of those."
    )
    assert "Choose 1K." in refusal("imagen-4-fast", "1:1", "2K")


def test_dall_e_3_quality_and_sizes():
    params = resolve_params("dall-e-3", "16:9", "1K", "high")
    assert (params.size, params.quality) == ("1792x1024", "hd")
    assert resolve_params("dall-e-3", "1:1", "1K", "low").quality == "standard"


def test_builtin_stays_within_1024():
    assert resolve_params("builtin", "16:9", "1K", "low").size == "1024x576"
    assert "Choose 1K." in refusal("builtin", "1:1", "2K")


def test_quality_tiers():
    assert refusal("gpt-image-2", "1:1", "1K", "max") == (
        "GPT Image 2 has no 'max' quality; choose low, medium or high."
    )
    assert resolve_params("gpt-image-2.6-sunburst", "1:1", "1K", "max").quality == "max"
    assert resolve_params("gemini-3-pro-image-preview", "1:1", "1K", "low").quality is None


def test_words_outside_the_vocabulary():
    assert refusal("gpt-image-2", "5:4", "1K") == (
        "Unknown aspect ratio '5:4'; choose 1:1, 4:5, 3:4, 4:3, 16:9, 9:16, 2:3 or 3:2."
    )
    assert "Unknown resolution '8K'" in refusal("gpt-image-2", "1:1", "8K")
    assert "Unknown quality 'ultra'" in refusal("gpt-image-2", "1:1", "1K", "ultra")


def test_references():
    check_references("flux-2-pro", 8)
    with pytest.raises(UnsupportedParamsError, match="at most 8 reference images; this job has 9"):
        check_references("flux-2-pro", 9)
    with pytest.raises(UnsupportedParamsError, match="Imagen 4 cannot use reference images"):
        check_references("imagen-4", 1)


def test_resolved_params_build_an_image_request():
    params = resolve_params("gpt-image-2", "4:5", "1K", "medium")
    request = ImageRequest(prompt="a portrait", **params.request_fields())
    assert (request.model, request.width, request.height, request.quality) == (
        "gpt-image-2",
        896,
        1120,
        "medium",
    )


def test_mapping_is_deterministic():
    for model_id, aspect, resolution in itertools.product(CATALOG, ASPECT_RATIOS, RESOLUTIONS):
        try:
            first: object = resolve_params(model_id, aspect, resolution, "high")
        except UnsupportedParamsError as error:
            first = error.user_message
        try:
            second: object = resolve_params(model_id, aspect, resolution, "high")
        except UnsupportedParamsError as error:
            second = error.user_message
        assert first == second
