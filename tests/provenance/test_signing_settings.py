"""The signing chain's settings: production refuses the development test chain and a half-given
chain, starts with the installation's own certificate (as _FILE variants), and without one
starts too (exports then carry the XMP marking only), never making or reading a test chain.
Development makes a marked, private test chain in var/ on first use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from avatarapp.content_credentials import DEV_CHAIN_WARNING, signing_chain
from provenance.devchain import new_chain
from tests.keys.conftest import keyring_entry
from tests.provenance.support import signing_with_dev_chain

ROOT = Path(__file__).resolve().parents[2]
PRINT_CHAIN = "from django.conf import settings; print('dev chain:', settings.C2PA_DEV_CHAIN_FILE)"


def _production(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    """`manage.py shell` with production settings and `extra`, printing the dev chain setting."""
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DEBUG", "SECRET_KEY", "KEY_", "C2PA_", "DJANGO_ALLOW_ASYNC"))
    }
    env = {
        **clean,
        "DEBUG": "False",
        "SECRET_KEY": "a-long-random-production-like-value-" + "x" * 40,
        "ALLOWED_HOSTS": "avatar.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}",
        "KEY_ENCRYPTION_KEYS": keyring_entry(1),
        "KEY_FINGERPRINT_SECRET": "f" * 40,
        **extra,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PRINT_CHAIN],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _files(tmp_path: Path, organisation: str) -> dict[str, str]:
    chain = new_chain(organisation) if organisation else new_chain()
    (tmp_path / "cert.pem").write_text(chain.certificate)
    (tmp_path / "key.pem").write_text(chain.key)
    return {
        "C2PA_SIGNING_CERT_FILE": str(tmp_path / "cert.pem"),
        "C2PA_SIGNING_KEY_FILE": str(tmp_path / "key.pem"),
    }


def test_production_refuses_the_development_chain(tmp_path: Path) -> None:
    result = _production(tmp_path, **_files(tmp_path, ""))
    assert result.returncode != 0
    assert "C2PA_SIGNING_CERT is the development-only test chain" in result.stderr


def test_production_refuses_a_certificate_without_its_key(tmp_path: Path) -> None:
    given = _files(tmp_path, "Example Studio")
    del given["C2PA_SIGNING_KEY_FILE"]
    result = _production(tmp_path, **given)
    assert result.returncode != 0
    assert "Set both C2PA_SIGNING_CERT and C2PA_SIGNING_KEY, or neither." in result.stderr


def test_production_starts_with_its_own_chain_or_none_and_never_makes_a_test_chain(
    tmp_path: Path,
) -> None:
    for extra in (_files(tmp_path, "Example Studio"), {}):
        result = _production(tmp_path, AVATARAPP_VAR_DIR=str(tmp_path / "var"), **extra)
        assert result.returncode == 0, result.stderr
        assert "dev chain: None" in result.stdout
    assert not (tmp_path / "var" / "dev-c2pa-chain.json").exists()


def test_development_makes_a_private_marked_chain_on_first_use(
    settings: Any, tmp_path: Path
) -> None:
    path = signing_with_dev_chain(settings, tmp_path / "var")
    chain = signing_chain()
    assert chain is not None
    assert chain.is_development
    assert path.stat().st_mode & 0o777 == 0o600
    assert json.loads(path.read_text())["WARNING"] == DEV_CHAIN_WARNING
    assert "DEVELOPMENT ONLY" in DEV_CHAIN_WARNING
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind
    assert signing_chain() == chain  # made once, then read


def test_the_development_chain_is_in_the_ignored_var_folder() -> None:
    from avatarapp import settings as module  # the values settings.py computed, not overrides

    assert "/var/" in (ROOT / ".gitignore").read_text().split()
    assert Path(module.VAR_DIR) / "dev-c2pa-chain.json" == module.C2PA_DEV_CHAIN_FILE
