"""A portrait's focal point: the click that sets it, where it is kept (gallery.FocalPoint), and
where the persona kit's crops (painter.crop) centre when nobody has set one.

The image page draws a small picker of the portrait, PICKER_WIDTH CSS pixels wide, as an
<input type="image">: without JavaScript, a click on it submits the form with the point clicked,
focal.x and focal.y, in pixels of the picker as drawn; the server knows that size, so it can
turn them into fractions. With JavaScript (static/js/focal-point.js), the click's position is
measured on the picker as it is actually shown (a narrow screen may draw it smaller) and posted
as fractions, x and y, which win. A keyboard cannot click a point: two number fields take it as
percentages across and down.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable

from django.http import QueryDict
from django.utils import timezone

from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role, at_least
from gallery.models import FocalPoint
from generation.models import Image

Point = tuple[float, float]  # x, y: fractions of the width and height, from the top left

# The upper-third centre: where a portrait's face usually is, and what photographers' rule of
# thirds puts the eyes on.
DEFAULT: Point = (0.5, 1 / 3)
PICKER_WIDTH = 256  # fits a phone's card (375 px screen, less the page's and the card's padding)

OUTSIDE = "That point is outside the image. Click on the picture itself to set the focal point."
UNREADABLE = "The focal point could not be read. Click on the picture to set it."
NO_PICTURE = "This image has no picture yet, so it has no focal point to set."
NOT_ALLOWED = "Setting a focal point needs the editor role."


class FocalPointError(ValueError):
    """A focal point that cannot be set; the message says why, in words for the person."""


def picker_size(image: Image) -> tuple[int, int]:
    """The picker's width and height in CSS pixels: PICKER_WIDTH wide, the image's shape."""
    width, height = image.width or 1, image.height or 1
    return PICKER_WIDTH, max(1, round(PICKER_WIDTH * height / width))


def posted_point(data: QueryDict, image: Image) -> Point:
    """The point a form posted: fractions x and y from the page's script; else percentages
    across and down typed into the number fields; else the picker's own click in pixels.
    Anything else, or a point outside the image, is refused."""
    if "x" in data or "y" in data:
        return _share(data.get("x", ""), 1), _share(data.get("y", ""), 1)
    if "across" in data or "down" in data:
        return _share(data.get("across", ""), 100), _share(data.get("down", ""), 100)
    width, height = picker_size(image)
    return _share(data.get("focal.x", ""), width), _share(data.get("focal.y", ""), height)


def _share(text: str, whole: float) -> float:
    """`text` as a fraction of `whole`: refused unless it is a number from 0 to `whole`."""
    try:
        value = float(text)
    except ValueError:
        raise FocalPointError(UNREADABLE) from None
    if not math.isfinite(value):  # float() reads "nan" and "inf"
        raise FocalPointError(UNREADABLE)
    if not 0 <= value <= whole:
        raise FocalPointError(OUTSIDE)
    return value / whole


def focal_point_set(*, membership: Membership, image: Image, point: Point) -> FocalPoint:
    """Keep `point` as `image`'s focal point, replacing any before it."""
    if not at_least(membership.role, Role.EDITOR):
        raise FocalPointError(NOT_ALLOWED)
    if not image.is_done:
        raise FocalPointError(NO_PICTURE)
    x, y = point
    focal, _ = FocalPoint.objects.update_or_create(
        image=image,
        defaults={"x": x, "y": y, "set_by": membership.user, "set_at": timezone.now()},
    )
    return focal


def focal_point_of(image: Image) -> tuple[Point, bool]:
    """(the point, whether someone set it): DEFAULT when nobody has."""
    found = FocalPoint.objects.filter(image=image).values_list("x", "y").first()
    return (found, True) if found else (DEFAULT, False)


def focal_points(image_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Point]:
    """The points set for these images, in one query; an image not in it uses DEFAULT."""
    rows = FocalPoint.objects.filter(image_id__in=list(image_ids))
    return {row.image_id: (row.x, row.y) for row in rows}
