"""Reading what a provider's file says about itself (provenance.reading.summarise): a manifest
built here with c2pa-python and a test chain, a plain PNG, and a signed file changed afterwards."""

from __future__ import annotations

import struct
import zlib

from provenance.reading import summarise
from tests.personas import images
from tests.provenance.support import PROVIDER, PROVIDER_APP, PROVIDER_MODEL, provider_signed_png


def test_a_providers_manifest_is_summarised() -> None:
    assert summarise(provider_signed_png(), "image/png") == {
        "has_manifest": True,
        "issuer": PROVIDER,
        "claim_generator": f"{PROVIDER_APP} 2.0",
        "software": [PROVIDER_MODEL],
        "actions": ["c2pa.created"],
        "validation_state": "Valid",
    }


def test_a_file_without_one_says_so() -> None:
    assert summarise(images.png(1024, 1024), "image/png") == {"has_manifest": False}


def _with_changed_pixels(png: bytes) -> bytes:
    """The first IDAT chunk's data with one byte changed (and its CRC fixed, so the PNG is
    well formed): what a manifest's hash binding is there to catch."""
    at = png.index(b"IDAT") - 4
    (length,) = struct.unpack(">I", png[at : at + 4])
    body = bytearray(png[at + 8 : at + 8 + length])
    body[-1] ^= 0xFF
    chunk = struct.pack(">I", length) + b"IDAT" + bytes(body)
    chunk += struct.pack(">I", zlib.crc32(b"IDAT" + bytes(body)))
    return png[:at] + chunk + png[at + 12 + length :]


def test_a_file_changed_after_signing_reads_as_invalid() -> None:
    summary = summarise(_with_changed_pixels(provider_signed_png()), "image/png")
    assert summary["has_manifest"] is True
    assert summary["issuer"] == PROVIDER
    assert summary["validation_state"] == "Invalid"
