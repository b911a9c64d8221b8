"""Links made from one reversed pattern (gallery.links) are the URLs reverse() gives."""

from __future__ import annotations

import uuid

from django.urls import reverse

from gallery.links import Links


def test_each_link_is_the_one_reverse_gives():
    image_page, image_file = Links("gallery:image"), Links("generation:image_file")
    for image_id in (uuid.uuid4(), uuid.uuid4(), uuid.UUID(int=0)):
        assert image_page(image_id) == reverse("gallery:image", args=[image_id])
        for variant in ("thumbnail", "original"):
            expected = reverse("generation:image_file", args=[image_id, variant])
            assert image_file(image_id, variant) == expected
