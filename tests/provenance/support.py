"""Content Credentials in tests: a provider's signed image made with c2pa-python, and readers
for what an exported file carries (its C2PA manifest store, its XMP)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import c2pa
from PIL import Image as PILImage

from provenance.devchain import new_chain
from tests.personas import images

PROVIDER = "Example Provider Inc"  # the provider's certificate's organisation: the issuer
PROVIDER_MODEL = "example-image-model"
PROVIDER_APP = "Example Provider API"
TRAINED = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"


def provider_signed_png(width: int = 96, height: int = 64) -> bytes:
    """A PNG with a C2PA manifest as a provider signs its output: created by its model."""
    chain = new_chain(PROVIDER)
    info = c2pa.C2paSignerInfo("es256", chain.certificate.encode(), chain.key.encode(), None)
    definition = {
        "claim_generator_info": [{"name": PROVIDER_APP, "version": "2.0"}],
        "assertions": [
            {
                "label": "c2pa.actions.v2",
                "data": {
                    "actions": [
                        {
                            "action": "c2pa.created",
                            "digitalSourceType": TRAINED,
                            "softwareAgent": {"name": PROVIDER_MODEL},
                        }
                    ]
                },
            }
        ],
    }
    signed = io.BytesIO()
    with c2pa.Signer.from_info(info) as signer, c2pa.Builder(definition) as builder:
        builder.sign(signer, "image/png", io.BytesIO(images.png(width, height)), signed)
    return signed.getvalue()


@dataclass(frozen=True)
class Store:
    """A file's manifest store as c2pa-python reads it."""

    raw: dict[str, Any]

    @property
    def active(self) -> dict[str, Any]:
        return self.raw["manifests"][self.raw["active_manifest"]]

    @property
    def problems(self) -> list[str]:
        """Validation failures, the test certificate's being untrusted left out."""
        codes = [status["code"] for status in self.raw.get("validation_status", [])]
        return [code for code in codes if code != "signingCredential.untrusted"]

    def actions(self) -> list[dict[str, Any]]:
        return [
            action
            for assertion in self.active["assertions"]
            if assertion["label"].startswith("c2pa.actions")
            for action in assertion["data"]["actions"]
        ]

    def ingredient_manifests(self) -> list[dict[str, Any]]:
        """The manifests of the active manifest's ingredients (those that carried one)."""
        labels = [i.get("active_manifest") for i in self.active.get("ingredients", [])]
        return [self.raw["manifests"][label] for label in labels if label]


def manifest_store(data: bytes, content_type: str = "image/png") -> Store:
    with c2pa.Reader(content_type, io.BytesIO(data)) as reader:
        return Store(json.loads(reader.json()))


def has_manifest(data: bytes, content_type: str = "image/png") -> bool:
    return c2pa.Reader.try_create(content_type, io.BytesIO(data)) is not None


def xmp_of(data: bytes) -> str:
    """The XMP packet Pillow finds in a PNG, JPEG or WebP, as text ("" when none)."""
    with PILImage.open(io.BytesIO(data)) as picture:
        picture.load()
        packet = picture.info.get("xmp") or picture.info.get("XML:com.adobe.xmp") or ""
    return packet.decode() if isinstance(packet, bytes) else packet


def pixels(data: bytes) -> bytes:
    with PILImage.open(io.BytesIO(data)) as picture:
        return picture.convert("RGBA").tobytes()


def signing_with_dev_chain(settings: Any, folder: Path) -> Path:
    """Development signing (DEBUG, nothing configured): the test chain made in `folder`."""
    settings.C2PA_SIGNING_CERT = settings.C2PA_SIGNING_KEY = ""
    settings.C2PA_DEV_CHAIN_FILE = folder / "dev-c2pa-chain.json"
    return settings.C2PA_DEV_CHAIN_FILE
