"""The key-encryption keyring and the fingerprint secret, read from settings.

Pure Python on purpose: settings.py imports `parse_keyring` and `check_fingerprint_secret` to fail
at start-up on a malformed value, before any app is loaded.

Format: KEY_ENCRYPTION_KEYS="2:<base64 of 32 bytes>,1:<base64 of 32 bytes>". The highest version
encrypts; every listed version decrypts, so an old version can stay listed until
`manage.py reencrypt_keys` has moved every row off it.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from avatarapp.devfiles import create_once

log = logging.getLogger(__name__)

KEY_BYTES = 32  # AES-256
MIN_FINGERPRINT_SECRET_CHARS = 32
GENERATE_HINT = (
    'generate one with: python -c "import base64, os; '
    'print(base64.b64encode(os.urandom(32)).decode())"'
)
DEV_FILE_WARNING = (
    "DEVELOPMENT ONLY. Created automatically because DEBUG is on and KEY_ENCRYPTION_KEYS is not "
    "set. Never use these values in production: set KEY_ENCRYPTION_KEYS and KEY_FINGERPRINT_SECRET."
)


@dataclass(frozen=True)
class Keyring:
    keys: dict[int, bytes]

    @property
    def current(self) -> int:
        return max(self.keys)

    def __repr__(self) -> str:  # never show key material
        return f"Keyring(versions={sorted(self.keys, reverse=True)})"


def _decode(text: str) -> bytes:
    # Accept standard and URL-safe alphabets, with or without padding; reject anything else.
    text = text.strip().replace("-", "+").replace("_", "/")
    text += "=" * (-len(text) % 4)
    return base64.b64decode(text, validate=True)


@lru_cache(maxsize=8)
def parse_keyring(raw: str, name: str = "KEY_ENCRYPTION_KEYS") -> Keyring:
    """Parse and validate a keyring string; every problem names the variable and the version,
    never the key material."""
    keys: dict[int, bytes] = {}
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name} is empty; give at least one 'VERSION:KEY' entry.")
    for position, item in enumerate(items, start=1):
        version_text, sep, material = item.partition(":")
        if not sep or not version_text.strip().isdigit() or int(version_text) < 1:
            raise ImproperlyConfigured(
                f"{name}: entry {position} must look like 'VERSION:BASE64KEY' with a version "
                "number of 1 or more (e.g. '2:...,1:...')."
            )
        version = int(version_text)
        if version in keys:
            raise ImproperlyConfigured(f"{name}: version {version} is listed twice.")
        try:
            key = _decode(material)
        except (binascii.Error, ValueError):
            raise ImproperlyConfigured(
                f"{name}: version {version} is not valid base64; {GENERATE_HINT}"
            ) from None
        if len(key) != KEY_BYTES:
            raise ImproperlyConfigured(
                f"{name}: version {version} decodes to {len(key)} bytes; AES-256 needs exactly "
                f"{KEY_BYTES}; {GENERATE_HINT}"
            )
        keys[version] = key
    return Keyring(keys)


def check_fingerprint_secret(value: str, name: str = "KEY_FINGERPRINT_SECRET") -> str:
    if len(value) < MIN_FINGERPRINT_SECRET_CHARS:
        raise ImproperlyConfigured(
            f"{name} must be at least {MIN_FINGERPRINT_SECRET_CHARS} characters of random text."
        )
    return value


def new_key_material() -> str:
    return base64.b64encode(os.urandom(KEY_BYTES)).decode()


@dataclass(frozen=True)
class DevSecrets:
    key_encryption_keys: str
    fingerprint_secret: str

    def __repr__(self) -> str:
        return "DevSecrets(...)"


@lru_cache(maxsize=4)
def dev_secrets(path: Path) -> DevSecrets:
    """Read, or create on first use, the development keyring file (avatarapp.devfiles)."""
    if not path.exists():
        content = {
            "WARNING": DEV_FILE_WARNING,
            "KEY_ENCRYPTION_KEYS": f"1:{new_key_material()}",
            "KEY_FINGERPRINT_SECRET": secrets.token_urlsafe(48),
        }
        if create_once(path, content):
            log.warning("Created a DEVELOPMENT-ONLY key-encryption keyring in %s.", path)
    try:
        data = json.loads(path.read_text())
        raw, secret = data["KEY_ENCRYPTION_KEYS"], data["KEY_FINGERPRINT_SECRET"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ImproperlyConfigured(
            f"The development keyring {path} cannot be read ({type(exc).__name__}). Delete it only "
            "if no key saved with it matters, or set KEY_ENCRYPTION_KEYS."
        ) from None
    parse_keyring(raw, str(path))
    return DevSecrets(raw, check_fingerprint_secret(secret, str(path)))
