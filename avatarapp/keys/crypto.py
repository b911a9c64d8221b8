"""AES-256-GCM for provider keys at rest, so a copy of the database reveals no key, and their
fingerprints.

Each write takes a fresh random 96-bit nonce, stored in front of the ciphertext. The associated
data names the table, the row id, the workspace id and the keyring version, so a ciphertext copied
to another row, another workspace or relabelled with another version fails authentication.

Only avatarapp.keys.vault calls `decrypt` (a test checks this): everything that needs a key in
plain text goes through the vault, which refuses revoked keys and records the use.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import uuid
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.views.decorators.debug import sensitive_variables

from avatarapp.keys.keyring import (
    DevSecrets,
    Keyring,
    check_fingerprint_secret,
    dev_secrets,
    parse_keyring,
)

NONCE_BYTES = 12
# Functions that hold a plain key are marked with sensitive_variables, so Django's error reports
# (the debug page, error emails) show their locals as stars.
TABLE = "keys.ProviderKey"


class KeyUnavailableError(Exception):
    """A stored key that cannot be used. The message is a sentence for people and never holds
    key material."""


class CiphertextMismatchError(KeyUnavailableError):
    pass


class MissingKeyVersionError(KeyUnavailableError):
    pass


@dataclass(frozen=True)
class Sealed:
    ciphertext: bytes  # nonce + AES-GCM ciphertext and tag
    version: int


def keyring() -> Keyring:
    raw = settings.KEY_ENCRYPTION_KEYS or _dev().key_encryption_keys
    return parse_keyring(raw)


def fingerprint_secret() -> bytes:
    value = settings.KEY_FINGERPRINT_SECRET or _dev().fingerprint_secret
    return check_fingerprint_secret(value).encode()


def _dev() -> DevSecrets:
    path = settings.KEY_DEV_SECRETS_FILE
    if path is None:
        raise ImproperlyConfigured(
            "KEY_ENCRYPTION_KEYS and KEY_FINGERPRINT_SECRET must be set when DEBUG is false."
        )
    return dev_secrets(path)


def associated_data(row_id: uuid.UUID, workspace_id: uuid.UUID, version: int) -> bytes:
    return f"{TABLE}|{row_id}|{workspace_id}|v{version}".encode()


@sensitive_variables("plaintext")
def encrypt(plaintext: str, *, row_id: uuid.UUID, workspace_id: uuid.UUID) -> Sealed:
    ring = keyring()
    version = ring.current
    nonce = os.urandom(NONCE_BYTES)
    body = AESGCM(ring.keys[version]).encrypt(
        nonce, plaintext.encode(), associated_data(row_id, workspace_id, version)
    )
    return Sealed(nonce + body, version)


def _open(ciphertext: bytes, row_id: uuid.UUID, workspace_id: uuid.UUID, version: int) -> bytes:
    ring = keyring()
    key = ring.keys.get(version)
    if key is None:
        listed = ", ".join(str(v) for v in sorted(ring.keys, reverse=True))
        raise MissingKeyVersionError(
            f"This key was encrypted with keyring version {version}, which is not in "
            f"KEY_ENCRYPTION_KEYS (it lists {listed}). Put version {version} back, run "
            "`manage.py reencrypt_keys`, and only then remove it."
        )
    data = bytes(ciphertext)
    try:
        return AESGCM(key).decrypt(
            data[:NONCE_BYTES], data[NONCE_BYTES:], associated_data(row_id, workspace_id, version)
        )
    except (InvalidTag, ValueError):
        raise CiphertextMismatchError(
            "This key's stored secret does not belong to this key record (it was copied from "
            "another record or altered), so it cannot be used. Delete the key and add it again."
        ) from None


def decrypt(ciphertext: bytes, *, row_id: uuid.UUID, workspace_id: uuid.UUID, version: int) -> str:
    """The plain key. Call only from avatarapp.keys.vault."""
    return _open(ciphertext, row_id, workspace_id, version).decode()


@sensitive_variables("plain")
def reencrypt(
    ciphertext: bytes, *, row_id: uuid.UUID, workspace_id: uuid.UUID, version: int
) -> Sealed | None:
    """The same secret sealed under the newest version, or None when it already is. The plain
    key never leaves this function."""
    ring = keyring()
    if version == ring.current:
        _open(ciphertext, row_id, workspace_id, version)  # still prove it decrypts
        return None
    plain = _open(ciphertext, row_id, workspace_id, version)
    nonce = os.urandom(NONCE_BYTES)
    body = AESGCM(ring.keys[ring.current]).encrypt(
        nonce, plain, associated_data(row_id, workspace_id, ring.current)
    )
    return Sealed(nonce + body, ring.current)


@sensitive_variables("plaintext", "message")
def fingerprint(provider: str, plaintext: str) -> str:
    """HMAC-SHA256 of provider and key under a separate server secret: equal keys give equal
    fingerprints, yet the fingerprint cannot be tested against guesses without that secret."""
    message = f"{provider}\x1f{plaintext}".encode()
    return hmac.new(fingerprint_secret(), message, hashlib.sha256).hexdigest()
