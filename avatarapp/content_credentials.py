"""Which certificate chain signs the Content Credentials on exported images, if any.

The installation's own (C2PA_SIGNING_CERT / C2PA_SIGNING_KEY, checked at start-up by settings);
in development with none configured, the test chain in var/ (provenance.devchain, refused in
production by settings); otherwise none, and exports carry the IPTC XMP marking only, which the
workspace page says (`MARKING_ONLY_NOTE`).
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from avatarapp.devfiles import create_once
from provenance.certificates import SigningChain
from provenance.devchain import new_chain

log = logging.getLogger(__name__)

DEV_CHAIN_WARNING = (
    "DEVELOPMENT ONLY. Created automatically because DEBUG is on and C2PA_SIGNING_CERT is not "
    "set. Exports signed with it say so in their issuer; production refuses it: set "
    "C2PA_SIGNING_CERT and C2PA_SIGNING_KEY."
)

MARKING_ONLY_NOTE = (
    "Downloads are marked as AI-generated, but carry no Content Credentials: this installation "
    "has no signing certificate yet. Ask whoever runs it to set one up."
)


def signing_chain() -> SigningChain | None:
    if settings.C2PA_SIGNING_CERT:
        return SigningChain(settings.C2PA_SIGNING_CERT, settings.C2PA_SIGNING_KEY)
    if settings.C2PA_DEV_CHAIN_FILE is not None:
        return dev_chain(settings.C2PA_DEV_CHAIN_FILE)
    return None


def marking_only_note() -> str:
    """The sentence for the workspace page when exports cannot be signed, or ""."""
    if settings.C2PA_SIGNING_CERT or settings.C2PA_DEV_CHAIN_FILE is not None:
        return ""
    return MARKING_ONLY_NOTE


@lru_cache(maxsize=4)
def dev_chain(path: Path) -> SigningChain:
    """Read, or create on first use, the development test chain file (avatarapp.devfiles)."""
    if not path.exists():
        chain = new_chain()
        content = {"WARNING": DEV_CHAIN_WARNING, "certificate": chain.certificate, "key": chain.key}
        if create_once(path, content):
            log.warning("Created a DEVELOPMENT-ONLY C2PA signing chain in %s.", path)
    try:
        data = json.loads(path.read_text())
        return SigningChain(certificate=data["certificate"], key=data["key"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ImproperlyConfigured(
            f"The development signing chain {path} cannot be read ({type(error).__name__}); "
            "delete it and a new one is made."
        ) from None
