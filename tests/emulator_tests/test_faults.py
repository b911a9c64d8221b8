"""Faults on demand (prompt markers, key conventions, rules) give each provider's real answer."""

from __future__ import annotations

import time

import httpx
import openai
import pytest

from tests.emulator import FAULTS, Emulator
from tests.emulator_tests.helpers import (
    BFL_KEY,
    OPENAI_KEY,
    bfl_get,
    bfl_submit,
    gemini_body,
    gemini_post,
    generate,
)

# --- OpenAI -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "status", "type_", "code"),
    [
        ("auth", 401, "invalid_request_error", "invalid_api_key"),
        ("forbidden", 403, "invalid_request_error", None),
        ("insufficient_quota", 429, "insufficient_quota", "insufficient_quota"),
        ("rate_limit", 429, "requests", "rate_limit_exceeded"),
        ("server_error", 500, "server_error", None),
        ("unavailable", 503, "server_error", None),
    ],
)
def test_openai_fault_answers(
    emulator: Emulator, fault: str, status: int, type_: str, code: str | None
) -> None:
    response = generate(emulator, prompt=f"a portrait [fault:{fault}]")
    assert response.status_code == status
    error = response.json()["error"]
    assert (error["type"], error["code"]) == (type_, code)
    assert set(error) >= {"message", "type", "param", "code"}
    assert response.headers["x-request-id"].startswith("req_")
    if fault == "forbidden":
        assert "organization must be verified" in error["message"]


def test_openai_rate_limit_headers(emulator: Emulator) -> None:
    response = generate(emulator, prompt="x [fault:rate_limit=12]")
    assert response.headers["retry-after"] == "12"
    assert response.headers["retry-after-ms"] == "12000"
    assert "try again in 12s" in response.json()["error"]["message"]


@pytest.mark.parametrize("stage", ["input", "output"])
def test_openai_moderation(emulator: Emulator, stage: str) -> None:
    response = generate(emulator, prompt=f"x [fault:moderation_{stage}]")
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["type"], error["code"]) == ("image_generation_user_error", "moderation_blocked")
    assert error["moderation_details"] == {"moderation_stage": stage}


def test_server_error_status_value(emulator: Emulator) -> None:
    assert generate(emulator, prompt="x [fault:server_error=502]").status_code == 502


def test_marker_n_times_then_success_with_sdk_retries(emulator: Emulator) -> None:
    """The SDK honours retry-after-ms: two 429s, then the third attempt succeeds."""
    client = openai.OpenAI(api_key=OPENAI_KEY, base_url=emulator.openai_base_url, max_retries=2)
    result = client.images.generate(model="gpt-image-2", prompt="x [fault:rate_limit=0.01*2]")
    assert result.data
    assert emulator.count(operation="images.generate", status=429) == 2
    assert emulator.count(operation="images.generate", status=200) == 1
    assert emulator.submit_count(OPENAI_KEY) == 3  # every attempt reached the provider


def test_marker_counts_are_per_prompt(emulator: Emulator) -> None:
    assert generate(emulator, prompt="a [fault:server_error*1]").status_code == 500
    assert generate(emulator, prompt="b [fault:server_error*1]").status_code == 500
    assert generate(emulator, prompt="a [fault:server_error*1]").status_code == 200


def test_key_conventions(emulator: Emulator) -> None:
    assert generate(emulator, key="sk-test-fault-insufficient_quota").status_code == 429
    assert generate(emulator, key="sk-test-fault-forbidden").status_code == 403
    assert generate(emulator, key="sk-test-invalid-0001").status_code == 401


def test_rules_filter_and_run_out(emulator: Emulator) -> None:
    rule = emulator.add_fault("unavailable", times=2, provider="openai", key=OPENAI_KEY)
    assert generate(emulator, key="sk-test-someone-else").status_code == 200
    assert [generate(emulator).status_code for _ in range(3)] == [503, 503, 200]
    assert rule.used == 2
    emulator.add_fault("server_error", model="gpt-image-2.6-flare")
    assert generate(emulator).status_code == 200
    assert generate(emulator, model="gpt-image-2.6-flare").status_code == 500
    emulator.clear_faults()
    assert generate(emulator, model="gpt-image-2.6-flare").status_code == 200


def test_unknown_fault_names_are_refused(emulator: Emulator) -> None:
    with pytest.raises(ValueError, match="unknown fault"):
        emulator.add_fault("gremlins")
    assert "drop" in FAULTS


def test_slow_and_drop(emulator: Emulator) -> None:
    started = time.monotonic()
    assert generate(emulator, prompt="x [fault:slow=0.3]").status_code == 200
    assert time.monotonic() - started >= 0.3
    with pytest.raises(httpx.RemoteProtocolError):
        generate(emulator, prompt="x [fault:drop]")
    record = emulator.requests[-1]
    assert record.status == 0  # dropped, but received (and, for a real provider, maybe billed)


def test_read_timeout_leaves_the_request_recorded(emulator: Emulator) -> None:
    emulator.configure(latency_seconds=1.0)
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(
            f"{emulator.openai_base_url}/images/generations",
            json={"model": "gpt-image-2", "prompt": "x"},
            headers={"Authorization": f"Bearer {OPENAI_KEY}"},
            timeout=0.2,
        )
    assert emulator.submit_count(OPENAI_KEY) == 1


# --- BFL ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "status", "retry_after"),
    [
        ("auth", 403, False),
        ("forbidden", 403, False),
        ("rate_limit", 429, True),
        ("insufficient_quota", 402, False),
        ("server_error", 500, False),
        ("unavailable", 503, True),
    ],
)
def test_bfl_submit_faults(emulator: Emulator, fault: str, status: int, retry_after: bool) -> None:
    response = bfl_submit(emulator, prompt=f"x [fault:{fault}]")
    assert response.status_code == status
    assert isinstance(response.json()["detail"], str)
    assert ("retry-after" in response.headers) == retry_after
    assert emulator.credits(BFL_KEY) == 1000


def test_bfl_poll_faults(emulator: Emulator) -> None:
    body = bfl_submit(emulator, prompt="x [fault:poll_unavailable=2]").json()
    first, second, third = (bfl_get(body["polling_url"]) for _ in range(3))
    assert (first.status_code, second.status_code) == (503, 503)
    assert first.headers["retry-after"]
    assert third.json()["status"] == "Ready"
    lost = bfl_submit(emulator, prompt="x [fault:task_not_found]").json()
    assert bfl_get(lost["polling_url"]).json()["status"] == "Task not found"
    emulator.add_fault("server_error", times=1, provider="bfl", operation="poll")
    assert bfl_get(body["polling_url"]).status_code == 500
    assert bfl_get(body["polling_url"]).status_code == 200


def test_bfl_expired_url_and_delivery_faults(emulator: Emulator) -> None:
    body = bfl_submit(emulator, prompt="x [fault:expired_url]").json()
    sample = bfl_get(body["polling_url"]).json()["result"]["sample"]
    assert bfl_get(sample, key=None).status_code == 403
    fresh = bfl_get(bfl_submit(emulator).json()["polling_url"]).json()["result"]["sample"]
    emulator.add_fault("drop", times=1, operation="delivery")
    with pytest.raises(httpx.RemoteProtocolError):
        bfl_get(fresh, key=None)
    assert bfl_get(fresh, key=None).status_code == 200


def test_bfl_dropped_submit_is_still_charged(emulator: Emulator) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        bfl_submit(emulator, prompt="x [fault:drop]")
    assert emulator.credits(BFL_KEY) == 997


# --- Gemini ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "code", "status"),
    [
        ("auth", 400, "INVALID_ARGUMENT"),
        ("forbidden", 403, "PERMISSION_DENIED"),
        ("rate_limit", 429, "RESOURCE_EXHAUSTED"),
        ("insufficient_quota", 429, "RESOURCE_EXHAUSTED"),
        ("server_error", 500, "INTERNAL"),
        ("unavailable", 503, "UNAVAILABLE"),
    ],
)
def test_gemini_faults(emulator: Emulator, fault: str, code: int, status: str) -> None:
    response = gemini_post(emulator, gemini_body(f"x [fault:{fault}]"))
    assert response.status_code == code
    error = response.json()["error"]
    assert (error["code"], error["status"]) == (code, status)
    if fault == "rate_limit":
        assert error["details"][0]["retryDelay"] == "2s"


def test_enforced_rate_limits(emulator: Emulator) -> None:
    emulator.configure(openai_rpm=2, gemini_rpm=1)
    assert [generate(emulator).status_code for _ in range(3)] == [200, 200, 429]
    assert generate(emulator, key="sk-test-other-0000").status_code == 200
    assert [gemini_post(emulator, gemini_body()).status_code for _ in range(2)] == [200, 429]
