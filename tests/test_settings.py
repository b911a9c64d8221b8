"""Settings come from the environment, fail loudly on bad values, and are safe in production."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from avatarapp.broker_timing import BrokerTiming, check_broker_timing
from avatarapp.env import env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DEBUG": "False",
    "SECRET_KEY": "a-long-random-production-like-value-" + "x" * 40,
    "ALLOWED_HOSTS": "avatar.example.com",
    "DATABASE_URL": "sqlite:////tmp/avatarapp-deploy-check.sqlite3",
    # Production refuses to start without a keyring (test values, not secrets).
    "KEY_ENCRYPTION_KEYS": "1:" + "A" * 43 + "=",
    "KEY_FINGERPRINT_SECRET": "a-long-random-production-like-fingerprint-value-" + "x" * 8,
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_file_variant_reads_a_secret_from_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("AVATARAPP_SAMPLE_FILE", str(secret))
    assert env_str("AVATARAPP_SAMPLE") == "from-a-file"


def test_both_variants_at_once_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AVATARAPP_SAMPLE", "a")
    monkeypatch.setenv("AVATARAPP_SAMPLE_FILE", str(tmp_path / "x"))
    with pytest.raises(ImproperlyConfigured, match="not both"):
        env_str("AVATARAPP_SAMPLE")


def test_unreadable_file_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AVATARAPP_SAMPLE_FILE", "/nonexistent/secret")
    with pytest.raises(ImproperlyConfigured, match="AVATARAPP_SAMPLE_FILE=/nonexistent/secret"):
        env_str("AVATARAPP_SAMPLE")


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("0", False), ("ON", True), ("no", False)]
)
def test_booleans(raw: str, expected: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AVATARAPP_SAMPLE", raw)
    assert env_bool("AVATARAPP_SAMPLE", not expected) is expected


def test_bad_values_fail_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AVATARAPP_SAMPLE", "maybe")
    with pytest.raises(ImproperlyConfigured, match="AVATARAPP_SAMPLE must be true or false"):
        env_bool("AVATARAPP_SAMPLE", False)
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("AVATARAPP_SAMPLE", 1)
    monkeypatch.setenv("AVATARAPP_SAMPLE", "3")
    with pytest.raises(ImproperlyConfigured, match="at least 5"):
        env_int("AVATARAPP_SAMPLE", 10, minimum=5)
    monkeypatch.setenv("AVATARAPP_SAMPLE", " a, b ,,c")
    assert env_list("AVATARAPP_SAMPLE", []) == ["a", "b", "c"]


def test_env_example_lists_every_variable_settings_read() -> None:
    source = (ROOT / "avatarapp" / "settings.py").read_text()
    read = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z0-9_]+)"', source))
    documented = set(
        re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M)
    )
    assert read, "the pattern found the settings' variables"
    assert read - documented == set()


def test_production_refuses_the_development_secret_key() -> None:
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    del env["SECRET_KEY"]
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is false" in result.stderr


@pytest.mark.parametrize("variable", ["BFL_POLL_SCHEME", "BFL_DELIVERY_SCHEME"])
def test_production_refuses_plain_http_for_bfls_answers(variable: str) -> None:
    result = _manage("check", env={**PRODUCTION_ENV, variable: "http"})
    assert result.returncode != 0
    assert "must be https when DEBUG is false" in result.stderr


def test_deploy_check_is_clean_with_production_settings() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_policy_lets_images_come_from_the_s3_endpoint_only() -> None:
    env = {**PRODUCTION_ENV, "S3_BUCKET": "avatarapp", "S3_ENDPOINT_URL": "https://s3.example.com/"}
    show = "import json; from django.conf import settings; print(json.dumps(settings.SECURE_CSP))"
    result = _manage("shell", "--verbosity", "0", "-c", show, env=env)
    assert result.returncode == 0, result.stderr
    policy = json.loads(result.stdout)
    assert policy["img-src"] == ["'self'", "data:", "https://s3.example.com"]
    assert policy["script-src"] == policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize(
    ("timing", "message"),
    [
        (BrokerTiming(500, 300, 240, 10, 300), "CELERY_VISIBILITY_TIMEOUT to at least 600s"),
        (BrokerTiming(3600, 300, 240, 10, 2000), "GENERATION_MAX_RETRY_BACKOFF is 2000s"),
        (BrokerTiming(3600, 300, 240, 1900, 300), "GENERATION_MAX_COUNTDOWN is 1900s"),
        (BrokerTiming(3600, 300, 300, 10, 300), "must be below CELERY_TASK_TIME_LIMIT"),
    ],
)
def test_unsafe_broker_timing_is_refused(timing: BrokerTiming, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        check_broker_timing(timing)


def test_safe_broker_timing_passes() -> None:
    check_broker_timing(BrokerTiming(600, 300, 240, 10, 300))


def test_worker_refuses_to_start_with_a_short_visibility_timeout() -> None:
    env = dict(os.environ)
    env.update({"CELERY_VISIBILITY_TIMEOUT": "100", "CELERY_TASK_TIME_LIMIT": "300"})
    result = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "avatarapp", "worker", "--pool", "solo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "CELERY_VISIBILITY_TIMEOUT is 100s but CELERY_TASK_TIME_LIMIT is 300s" in result.stderr


def _setting_with(name: str, env: dict[str, str | None]) -> str:
    """The value settings.py gives `name` in a fresh process with `env` on top of this one's
    (None: the variable is unset)."""
    merged = {**os.environ, **env}
    result = subprocess.run(
        [sys.executable, "-c", f"import avatarapp.settings as s; print(s.{name})"],
        cwd=ROOT,
        env={key: value for key, value in merged.items() if value is not None},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(("value", "count"), [(None, "0"), ("1", "1")])
def test_trusted_proxy_count_comes_from_the_environment(value: str | None, count: str) -> None:
    """Login throttling keys on the client address allauth derives (tests/test_login_throttling.py);
    behind compose's TLS proxy it must be told that one proxy appends to X-Forwarded-For."""
    assert _setting_with("ALLAUTH_TRUSTED_PROXY_COUNT", {"TRUSTED_PROXY_COUNT": value}) == count
