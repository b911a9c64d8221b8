"""Start-up: production refuses to run without a keyring, a malformed keyring stops start-up, and
development makes a marked, private keyring file on first use."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from avatarapp.keys import crypto
from avatarapp.keys.keyring import DEV_FILE_WARNING, dev_secrets
from tests.conftest import World
from tests.keys.conftest import keyring_entry
from tests.keys.factories import openai_key, store_key

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": "a-long-random-production-like-value-" + "x" * 40,
    "ALLOWED_HOSTS": "avatar.example.com",
    "DATABASE_URL": "sqlite:////tmp/avatarapp-keys-check.sqlite3",
}


def _check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DEBUG", "SECRET_KEY", "KEY_", "DJANGO_ALLOW_ASYNC_UNSAFE"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_keyring() -> None:
    result = _check(PRODUCTION)
    assert result.returncode != 0
    assert "KEY_ENCRYPTION_KEYS and KEY_FINGERPRINT_SECRET" in result.stderr
    assert "must be set when DEBUG is false" in result.stderr


def test_production_starts_with_a_keyring_given_as_files(tmp_path: Path) -> None:
    ring, secret = tmp_path / "ring", tmp_path / "fp"
    ring.write_text(f"{keyring_entry(2)},{keyring_entry(1)}\n")
    secret.write_text(secrets.token_urlsafe(40))
    env = {
        **PRODUCTION,
        "KEY_ENCRYPTION_KEYS_FILE": str(ring),
        "KEY_FINGERPRINT_SECRET_FILE": str(secret),
    }
    result = _check(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("ring", "message"),
    [
        ("1:c2hvcnQ=", "KEY_ENCRYPTION_KEYS: version 1 decodes to 5 bytes"),
        ("1:@@@@", "KEY_ENCRYPTION_KEYS: version 1 is not valid base64"),
    ],
)
def test_a_malformed_keyring_stops_start_up(ring: str, message: str) -> None:
    env = {**PRODUCTION, "KEY_ENCRYPTION_KEYS": ring, "KEY_FINGERPRINT_SECRET": "z" * 40}
    result = _check(env)
    assert result.returncode != 0
    assert message in result.stderr


def test_a_short_fingerprint_secret_stops_start_up() -> None:
    env = {**PRODUCTION, "KEY_ENCRYPTION_KEYS": keyring_entry(1), "KEY_FINGERPRINT_SECRET": "short"}
    result = _check(env)
    assert result.returncode != 0
    assert "KEY_FINGERPRINT_SECRET must be at least 32 characters" in result.stderr


def test_development_makes_a_private_marked_keyring_on_first_use(
    world: World, key_settings: Any, tmp_path: Path
) -> None:
    path = tmp_path / "var" / "dev-keyring.json"
    key_settings.KEY_ENCRYPTION_KEYS = ""
    key_settings.KEY_FINGERPRINT_SECRET = ""
    key_settings.KEY_DEV_SECRETS_FILE = path
    plain = openai_key()
    key = store_key(world.membership("owner"), plain)
    assert path.stat().st_mode & 0o777 == 0o600
    content = json.loads(path.read_text())
    assert content["WARNING"] == DEV_FILE_WARNING
    assert "DEVELOPMENT ONLY" in content["WARNING"]
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind
    dev_secrets.cache_clear()  # a new process reads the same file
    assert (
        crypto.decrypt(
            bytes(key.ciphertext), row_id=key.pk, workspace_id=key.workspace_id, version=1
        )
        == plain
    )


def test_without_a_keyring_or_development_file_keys_are_refused(key_settings: Any) -> None:
    key_settings.KEY_ENCRYPTION_KEYS = ""
    key_settings.KEY_DEV_SECRETS_FILE = None
    with pytest.raises(ImproperlyConfigured, match="must be set when DEBUG is false"):
        crypto.keyring()


def test_the_development_file_is_in_the_ignored_var_folder() -> None:
    from avatarapp import settings as module  # the values settings.py computed, not overrides

    assert "/var/" in (ROOT / ".gitignore").read_text().split()
    assert Path(module.VAR_DIR) / "dev-keyring.json" == module.KEY_DEV_SECRETS_FILE
