"""Our manifest on every format a provider may send (provenance.signing over provenance.xmp):
it validates apart from the untrusted test certificate, and the XMP marking stays readable."""

from __future__ import annotations

import pytest

from provenance.devchain import new_chain
from provenance.signing import Claim, Edit, Ingredient, sign
from provenance.xmp import with_digital_source_type
from tests.provenance.support import TRAINED, manifest_store, pixels, xmp_of
from tests.provenance.test_xmp import encoded

CONTENT_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}


@pytest.mark.parametrize(("fmt", "mode"), [("PNG", "RGBA"), ("JPEG", "RGB"), ("WEBP", "RGBA")])
def test_every_format_is_signed_and_stays_marked(fmt: str, mode: str) -> None:
    original = encoded(fmt, mode)
    parent = Ingredient("The image it was made from", encoded("PNG"), "PNG")
    claim = Claim("GPT Image 2", edit=Edit("avatarapp", "Text added", parent))
    data = sign(with_digital_source_type(original, fmt), fmt, claim, new_chain())
    store = manifest_store(data, CONTENT_TYPES[fmt])
    assert store.problems == []
    assert [action["action"] for action in store.actions()] == ["c2pa.created", "c2pa.edited"]
    assert TRAINED in xmp_of(data)
    assert pixels(data) == pixels(original)
