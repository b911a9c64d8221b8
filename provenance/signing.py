"""Our Content Credentials on an exported copy: one C2PA manifest signed with the installation's
certificate, saying the picture was made by a trained model (IPTC trainedAlgorithmicMedia, the
model as software agent), what was done to it afterwards, and what it was made from (the
provider's file, or the image it was edited from, as ingredients: their own manifests travel
inside ours, so a verifier sees the provider's claim under ours).

The manifest carries no thumbnail: the exported file is the picture, and making one would decode
and re-encode it on every download.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import c2pa

from provenance.certificates import SigningChain, algorithm
from provenance.xmp import TRAINED_ALGORITHMIC_MEDIA

GENERATOR = "avatarapp"
CONTENT_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
NO_THUMBNAIL = {"builder": {"thumbnail": {"enabled": False}}}


@dataclass(frozen=True)
class Ingredient:
    """A file the exported picture was made from, with what it is to the reader."""

    title: str
    data: bytes
    fmt: str  # PNG, JPEG or WEBP


@dataclass(frozen=True)
class Edit:
    """What was done to the picture after the model made it, by what, and to which image."""

    agent: str  # the model that edited it, or this application for text it drew
    description: str = ""  # in words, e.g. "Text added"
    parent: Ingredient | None = None  # None: the parent's file is gone
    action: str = "c2pa.edited"  # or c2pa.cropped


@dataclass(frozen=True)
class Claim:
    software_agent: str  # the model's display name
    made_from: Ingredient | None = None  # the provider's file, when it carried a manifest
    edit: Edit | None = None


def _actions(claim: Claim) -> list[dict[str, object]]:
    created: dict[str, object] = {
        "action": "c2pa.created",
        "digitalSourceType": TRAINED_ALGORITHMIC_MEDIA,
        "softwareAgent": {"name": claim.software_agent},
    }
    if claim.made_from is not None:
        created["parameters"] = {"ingredientIds": ["provider"]}
    if claim.edit is None:
        return [created]
    edited: dict[str, object] = {
        "action": claim.edit.action,
        "softwareAgent": {"name": claim.edit.agent},
    }
    if claim.edit.description:
        edited["description"] = claim.edit.description
    if claim.edit.parent is not None:
        edited["parameters"] = {"ingredientIds": ["parent"]}
    return [created, edited]


class SigningError(Exception):
    """The C2PA library refused to sign this file (the message is the library's)."""


def sign(data: bytes, fmt: str, claim: Claim, chain: SigningChain) -> bytes:
    """`data` with our manifest embedded. Raises SigningChainError for an unusable chain and
    SigningError when the library refuses the file."""
    try:
        return _signed(data, fmt, claim, chain)
    except c2pa.C2paError as error:
        raise SigningError(str(error)) from error


def _signed(data: bytes, fmt: str, claim: Claim, chain: SigningChain) -> bytes:
    definition = {
        "claim_generator_info": [{"name": GENERATOR, "version": "1"}],
        "assertions": [{"label": "c2pa.actions.v2", "data": {"actions": _actions(claim)}}],
    }
    info = c2pa.C2paSignerInfo(
        algorithm(chain.key), chain.certificate.encode(), chain.key.encode(), None
    )
    # A context per call (it is cheap): web threads sign at the same time, each with its own.
    context = c2pa.Context.from_dict(NO_THUMBNAIL)
    with c2pa.Signer.from_info(info) as signer, c2pa.Builder(definition, context) as builder:
        parent = claim.edit.parent if claim.edit else None
        for label, ingredient in (("provider", claim.made_from), ("parent", parent)):
            if ingredient is not None:
                builder.add_ingredient(
                    {"title": ingredient.title, "relationship": "componentOf", "label": label},
                    CONTENT_TYPES[ingredient.fmt],
                    io.BytesIO(ingredient.data),
                )
        signed = io.BytesIO()
        builder.sign(signer, CONTENT_TYPES[fmt], io.BytesIO(data), signed)
    return signed.getvalue()
