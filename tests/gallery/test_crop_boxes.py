"""painter.crop.crop_box, with boxes worked out by hand: the largest box of the ratio that fits,
centred on the focal point, pushed back inside at the edges."""

from __future__ import annotations

import pytest

from painter.crop import Box, crop_box

UPPER_THIRD = (0.5, 1 / 3)


@pytest.mark.parametrize(
    ("ratio", "box"),
    [
        # 1024 x 1280 is 4:5 already: the whole picture.
        ((4, 5), Box(0, 0, 1024, 1280)),
        # Full width, 1024 * 9/16 = 576 high; top = 1280/3 - 288 = 138.67 -> 139.
        ((16, 9), Box(0, 139, 1024, 576)),
        # Full width, 1024 high; top = 426.67 - 512 < 0, so it sits at the top.
        ((1, 1), Box(0, 0, 1024, 1024)),
        # Full height, 1280 * 9/16 = 720 wide; left = 512 - 360 = 152.
        ((9, 16), Box(152, 0, 720, 1280)),
    ],
)
def test_a_4_by_5_portrait_around_the_upper_third(ratio: tuple[int, int], box: Box) -> None:
    assert crop_box(1024, 1280, UPPER_THIRD, ratio) == box


@pytest.mark.parametrize(
    ("focal", "box"),
    [
        ((0.0, 0.0), Box(0, 0, 1024, 576)),  # top-left corner: held at the top edge
        ((1.0, 1.0), Box(0, 448, 1024, 576)),  # bottom-right: held at the bottom, 1024 - 576
        ((0.5, 0.5), Box(0, 224, 1024, 576)),  # the centre: 512 - 288
        ((0.9, 0.6), Box(0, 326, 1024, 576)),  # 614.4 - 288 = 326.4 -> 326
    ],
)
def test_a_square_to_16_by_9_follows_the_focal_point_down(
    focal: tuple[float, float], box: Box
) -> None:
    assert crop_box(1024, 1024, focal, (16, 9)) == box


@pytest.mark.parametrize(
    ("focal", "left"),
    [
        ((0.0, 0.5), 0),  # the left edge
        ((1.0, 0.5), 960),  # the right edge: 1536 - 576
        ((0.25, 0.5), 96),  # 384 - 288
    ],
)
def test_a_landscape_to_9_by_16_follows_the_focal_point_across(
    focal: tuple[float, float], left: int
) -> None:
    assert crop_box(1536, 1024, focal, (9, 16)) == Box(left, 0, 576, 1024)


def test_a_side_that_is_not_a_whole_pixel_is_rounded_half_up() -> None:
    # 1000 * 9/16 = 562.5 -> 563; top = 500 - 281.5 = 218.5 -> 219 (round() would give 218).
    assert crop_box(1000, 1000, (0.5, 0.5), (16, 9)) == Box(0, 219, 1000, 563)


def test_corners_are_what_pillow_crops_to() -> None:
    assert Box(152, 0, 720, 1280).corners == (152, 0, 872, 1280)


@pytest.mark.parametrize(
    ("width", "height", "ratio"), [(0, 10, (1, 1)), (10, -1, (1, 1)), (10, 10, (0, 1))]
)
def test_no_box_without_sides(width: int, height: int, ratio: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match="longer than zero"):
        crop_box(width, height, (0.5, 0.5), ratio)
