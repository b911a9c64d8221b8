"""Running apart: the admin API, the command line, and the port-per-alias mode."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.emulator import Emulator, EmulatorConfig
from tests.emulator_tests.helpers import BFL_KEY, OPENAI_KEY, bfl_get, bfl_submit, generate

ROOT = Path(__file__).resolve().parents[2]


def test_admin_api(emulator: Emulator) -> None:
    admin = emulator.admin_url
    assert httpx.get(f"{admin}/health").json()["urls"]["openai"] == emulator.openai_base_url
    generate(emulator)
    bfl_submit(emulator)
    requests = httpx.get(f"{admin}/requests", params={"provider": "openai"}).json()["requests"]
    assert [r["operation"] for r in requests] == ["images.generate"]
    record = requests[0]
    assert record["headers"]["authorization"] == "[REDACTED]"
    assert OPENAI_KEY not in str(record)
    digest = hashlib.sha256(OPENAI_KEY.encode()).hexdigest()[:16]
    assert record["api_key_sha256"] == digest
    assert record["payload"]["model"] == "gpt-image-2"
    count = httpx.get(f"{admin}/count", params={"key_sha256": digest, "status": "200"}).json()
    assert count == {"count": 1}
    assert httpx.get(f"{admin}/submits").json()["by_key"][digest] == 1

    fault = {"fault": "rate_limit", "times": 1, "provider": "openai", "value": 0.5}
    assert httpx.post(f"{admin}/faults", json=fault).json()["id"] >= 1
    assert generate(emulator).status_code == 429
    assert httpx.post(f"{admin}/faults", json={"fault": "nope"}).status_code == 400

    config = httpx.post(f"{admin}/config", json={"today": "2026-10-01", "latency_scale": 0}).json()
    assert config["today"] == "2026-10-01"
    assert generate(emulator, model="gpt-image-1", size="1024x1024").status_code == 200
    assert httpx.post(f"{admin}/config", json={"nonsense": 1}).status_code == 400

    httpx.post(f"{admin}/credits", json={"key": BFL_KEY, "credits": 2})
    assert httpx.get(f"{admin}/credits", params={"key": BFL_KEY}).json() == {"credits": 2.0}
    assert bfl_submit(emulator).status_code == 402

    assert httpx.post(f"{admin}/reset").json() == {"ok": True}
    assert httpx.get(f"{admin}/requests").json() == {"requests": []}
    assert emulator.state.config.today is None  # back to the starting configuration
    assert httpx.get(f"{admin}/faults").json() == {"faults": []}
    # every alias answers the admin API (a BFL-only process can still be controlled)
    assert httpx.get(f"{emulator.url('bfl-delivery')}/_emulator/health").status_code == 200


def test_reset_restores_configuration(emulator: Emulator) -> None:
    emulator.configure(latency_seconds=9, bfl_delivery_ttl=1)
    emulator.reset()
    assert emulator.state.config.latency_seconds is None
    assert emulator.state.config.bfl_delivery_ttl == 600


def test_port_alias_mode() -> None:
    with Emulator("127.0.0.1", 0, EmulatorConfig(latency_scale=0), alias_mode="port") as emu:
        hosts = {re.sub(r":\d+$", "", emu.url(a)) for a in ("main", "bfl", "bfl-poll-global")}
        assert hosts == {"http://127.0.0.1"}
        assert emu.url("bfl") != emu.url("bfl-poll-global")
        body = bfl_submit(emu).json()
        assert bfl_get(body["polling_url"]).json()["status"] == "Ready"
        wrong = bfl_get(f"{emu.bfl_base_url}/v1/get_result", id=body["id"]).json()
        assert wrong["status"] == "Task not found"


def test_command_line() -> None:
    # -m from the repository finds the package; the environment (the offline guard) is inherited.
    command = [sys.executable, "-m", "tests.emulator", "--port", "0", "--latency-scale", "0"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(7)]
        urls = dict(line.split() for line in lines[1:])
        assert urls["openai"].endswith("/v1")
        assert urls["gemini"].endswith("/v1beta")
        response = generate_at(urls["openai"])
        assert response.status_code == 200
        assert httpx.get(f"{urls['admin']}/count").json() == {"count": 1}
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0


def generate_at(openai_base_url: str) -> httpx.Response:
    return httpx.post(
        f"{openai_base_url}/images/generations",
        json={"model": "gpt-image-2", "prompt": "x", "size": "1024x1024", "quality": "low"},
        headers={"Authorization": f"Bearer {OPENAI_KEY}"},
    )


@pytest.mark.parametrize("setting", [{"today": "not a date"}])
def test_bad_settings_are_refused(emulator: Emulator, setting: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="Invalid isoformat"):
        emulator.configure(**setting)
