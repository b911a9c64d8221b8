"""The IPTC DigitalSourceType marking (provenance.xmp), read back with Pillow the way other tools
read XMP: present in PNG, JPEG and WebP, pixels untouched, a provider's XMP kept, never twice."""

from __future__ import annotations

import io

import pytest
from PIL import Image as PILImage
from PIL import PngImagePlugin

from provenance.xmp import TRAINED_ALGORITHMIC_MEDIA, with_digital_source_type
from tests.provenance.support import pixels, xmp_of

THEIRS = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Their camera app</dc:creator>'
    "</rdf:Description></rdf:RDF></x:xmpmeta>"
)


def encoded(fmt: str, mode: str = "RGB", xmp: str = "") -> bytes:
    picture = PILImage.new(mode, (40, 30), (10, 120, 200, 128)[: len(mode)])
    out = io.BytesIO()
    options: dict[str, object] = {}
    if xmp and fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_itxt("XML:com.adobe.xmp", xmp)
        options["pnginfo"] = info
    elif xmp:
        options["xmp"] = xmp.encode()
    picture.save(out, fmt, **options)
    return out.getvalue()


CASES = [("PNG", "RGB"), ("PNG", "RGBA"), ("JPEG", "RGB"), ("WEBP", "RGB"), ("WEBP", "RGBA")]


@pytest.mark.parametrize(("fmt", "mode"), CASES)
def test_the_marking_is_readable_and_the_pixels_are_untouched(fmt: str, mode: str) -> None:
    original = encoded(fmt, mode)
    marked = with_digital_source_type(original, fmt)
    assert TRAINED_ALGORITHMIC_MEDIA in xmp_of(marked)
    assert "Iptc4xmpExt:DigitalSourceType" in xmp_of(marked)
    assert pixels(marked) == pixels(original)
    with PILImage.open(io.BytesIO(marked)) as picture:
        assert (picture.format, picture.mode, picture.size) == (fmt, mode, (40, 30))


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_a_providers_xmp_is_kept_and_marked_once(fmt: str) -> None:
    marked = with_digital_source_type(encoded(fmt, xmp=THEIRS), fmt)
    twice = with_digital_source_type(marked, fmt)
    packet = xmp_of(twice)
    assert "<dc:creator>Their camera app</dc:creator>" in packet
    assert packet.count(f">{TRAINED_ALGORITHMIC_MEDIA}<") == 1
    assert twice == marked
