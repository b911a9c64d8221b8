"""The fal.ai adapter against the emulator: every request body it sends passes fal's input schema,
the status/result/cancel URLs are fal's own (no model sub-path), and every documented error lands
in our taxonomy with a sentence a person can act on."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from generation.providers.base import (
    AmbiguousError,
    ErrorKind,
    ImageRequest,
    KeyStatus,
    PendingTask,
    PermanentError,
    PollOutcome,
    ProviderError,
    ReferenceImage,
    RetryableError,
)
from generation.providers.fal import FalClient
from tests.emulator import Emulator, validate_recorded
from tests.emulator.images import render
from tests.providers.conftest import fal_client

QWEN = "fal-ai/qwen-image-2/text-to-image"
REFERENCE = ReferenceImage(render(512, 512, "png"), "image/png")


def qwen(prompt: str = "a calm studio portrait", **fields: Any) -> ImageRequest:
    base: dict[str, object] = {"model": QWEN, "width": 1024, "height": 1024, "seed": 7}
    base.update(fields)
    return ImageRequest(prompt=prompt, **base)  # type: ignore[arg-type]


def poll_until_done(client: FalClient, task: PendingTask, seconds: float = 10) -> PollOutcome:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        outcome = client.poll(task)
        if outcome.result is not None:
            return outcome
        time.sleep(0.05)
    raise AssertionError("the request never completed")


@pytest.fixture
def fal(emulator: Emulator) -> FalClient:
    return fal_client(emulator)


def nano(ratio: str, resolution: str, **fields: Any) -> ImageRequest:
    nano_fields: dict[str, Any] = {"width": None, "height": None, "seed": None, **fields}
    return qwen(
        model="fal-ai/nano-banana-2", aspect_ratio=ratio, image_size=resolution, **nano_fields
    )


BODIES = [
    pytest.param(qwen(), "fal-ai/qwen-image-2/text-to-image", id="qwen"),
    pytest.param(qwen(references=(REFERENCE,)), "fal-ai/qwen-image-2/edit", id="qwen-edit"),
    pytest.param(
        qwen(model="fal-ai/qwen-image-2/pro/text-to-image", references=(REFERENCE, REFERENCE)),
        "fal-ai/qwen-image-2/pro/edit",
        id="qwen-pro-edit",
    ),
    pytest.param(
        qwen(model="fal-ai/bytedance/seedream/v4.5/text-to-image", width=1776, height=2368),
        "fal-ai/bytedance/seedream/v4.5/text-to-image",
        id="seedream",
    ),
    pytest.param(
        qwen(
            model="fal-ai/bytedance/seedream/v4.5/text-to-image",
            width=2048,
            height=2048,
            references=(REFERENCE,),
        ),
        "fal-ai/bytedance/seedream/v4.5/edit",
        id="seedream-edit",
    ),
    pytest.param(nano("3:4", "2K"), "fal-ai/nano-banana-2", id="nano-banana-2"),
    pytest.param(
        nano("1:1", "1K", references=(REFERENCE,)), "fal-ai/nano-banana-2/edit", id="nano-edit"
    ),
]


@pytest.mark.parametrize(("request_", "endpoint"), BODIES)
def test_every_model_submits_a_body_fal_accepts_and_its_image_comes_back(
    request_: ImageRequest, endpoint: str, fal: FalClient, emulator: Emulator
) -> None:
    task = fal.submit(request_)
    outcome = poll_until_done(fal, task)
    assert outcome.result is not None
    assert outcome.result.images[0].mime_type == "image/png"
    assert outcome.result.usage.credits is None  # no fal answer carries a cost
    [submit] = [r for r in emulator.requests if r.operation == "submit"]
    assert submit.path == f"/{endpoint}"
    assert validate_recorded(submit) == []
    assert submit.headers["authorization"] != f"Key {submit.api_key}"  # recorded redacted
    assert submit.api_key == "fal-test-emulator-id:fal-test-emulator-secret-0000"
    assert "expiration_duration_seconds" in submit.headers["x-fal-object-lifecycle-preference"]
    body = submit.json()
    assert body["num_images"] == 1
    if "qwen" in endpoint:
        assert body["enable_prompt_expansion"] is False
    if "seedream" in endpoint:
        assert body["max_images"] == 1
    if request_.references:
        assert body["image_urls"][0].startswith("data:image/png;base64,")


def test_status_result_and_cancel_use_the_urls_fal_returns(
    fal: FalClient, emulator: Emulator
) -> None:
    emulator.configure(latency_seconds=5)
    task = fal.submit(qwen())
    assert "/text-to-image" not in task.polling_url  # fal drops the model's sub-path
    assert fal.poll(task).result is None
    assert fal.cancel(task) is True
    assert not fal.cancel(task)  # already ended
    operations = [(r.operation, r.status) for r in emulator.requests]
    assert ("cancel", 202) in operations
    assert ("cancel", 400) in operations


def test_a_cancel_reports_dropped_only_for_a_request_still_in_the_queue(
    fal: FalClient, emulator: Emulator
) -> None:
    """A running request is only signalled (its runner decides, and fal may bill it)."""
    emulator.configure(latency_seconds=3)  # 0.9 s in the queue, then running
    task = fal.submit(qwen())
    headers = {"authorization": "Key fal-test-emulator-id:fal-test-emulator-secret-0000"}
    deadline = time.monotonic() + 5
    while httpx.get(task.polling_url, headers=headers).json()["status"] == "IN_QUEUE":
        assert time.monotonic() < deadline, "the request never started"
        time.sleep(0.05)
    assert fal.cancel(task) is False
    assert [r.status for r in emulator.requests if r.operation == "cancel"] == [202]


def test_a_url_rebuilt_with_the_sub_path_finds_nothing(fal: FalClient) -> None:
    task = fal.submit(qwen())
    rebuilt = task.polling_url.replace("/qwen-image-2/", "/qwen-image-2/text-to-image/")
    with pytest.raises(PermanentError) as caught:
        fal.poll(PendingTask(task.task_id, rebuilt))
    assert caught.value.kind == ErrorKind.RESULT_EXPIRED


def test_status_always_carries_queue_position_and_logs(fal: FalClient, emulator: Emulator) -> None:
    """fal's own Python client reads both with [] (a KeyError when absent)."""
    emulator.configure(latency_seconds=5)
    task = fal.submit(qwen())
    headers = {"authorization": "Key fal-test-emulator-id:fal-test-emulator-secret-0000"}
    queued = httpx.get(task.polling_url, headers=headers)
    assert queued.status_code == 202
    assert queued.json()["status"] == "IN_QUEUE"
    assert {"queue_position", "logs"} <= set(queued.json())
    emulator.configure(latency_seconds=0)
    fal.cancel(task)
    done = httpx.get(task.polling_url, params={"logs": "true"}, headers=headers)
    assert done.status_code == 200
    assert {"queue_position", "logs", "metrics", "error", "error_type"} <= set(done.json())


def test_a_result_fetched_after_it_expired_is_a_lost_result(
    fal: FalClient, emulator: Emulator
) -> None:
    emulator.configure(fal_result_ttl=0)
    task = fal.submit(qwen())
    with pytest.raises(PermanentError) as caught:
        fal.poll(task)
    assert caught.value.kind == ErrorKind.RESULT_EXPIRED
    assert "no longer has this result" in caught.value.user_message


@pytest.mark.parametrize(
    ("marker", "kind", "words"),
    [
        ("[fault:moderation_input]", ErrorKind.MODERATION, "content checker refused"),
        ("[fault:moderation_output]", ErrorKind.MODERATION, "content checker refused"),
        ("[fault:task_error]", ErrorKind.FAILED, "could not make this image"),
        ("[fault:no_image]", ErrorKind.FAILED, "finished without an image"),
    ],
)
def test_a_failed_request_completes_and_maps_to_a_permanent_error(
    marker: str, kind: ErrorKind, words: str, fal: FalClient, emulator: Emulator
) -> None:
    task = fal.submit(qwen(f"a portrait {marker}"))
    with pytest.raises(PermanentError) as caught:
        fal.poll(task)
    assert caught.value.kind == kind
    assert words in caught.value.user_message
    assert emulator.count(operation="poll", status=200) == 1  # COMPLETED, with error_type


def test_a_size_the_runner_refuses_fails_at_the_result_with_the_field_named(
    fal: FalClient,
) -> None:
    task = fal.submit(qwen(width=256, height=256))  # under Qwen's 512x512 pixels
    with pytest.raises(PermanentError) as caught:
        fal.poll(task)
    assert caught.value.kind == ErrorKind.INVALID
    assert "total number of pixels" in caught.value.user_message


def test_a_body_fal_cannot_read_is_refused_at_submit(fal: FalClient) -> None:
    with pytest.raises(PermanentError) as caught:
        fal.submit(qwen(extra={"guidance_scale": 4}))
    assert caught.value.kind == ErrorKind.INVALID
    assert "guidance_scale" in caught.value.user_message


@pytest.mark.parametrize(
    ("marker", "error", "kind"),
    [
        ("[fault:auth]", PermanentError, ErrorKind.AUTH),
        ("[fault:forbidden]", PermanentError, ErrorKind.FORBIDDEN),
        ("[fault:insufficient_quota]", PermanentError, ErrorKind.QUOTA),
        ("[fault:rate_limit=3]", RetryableError, None),
        ("[fault:server_error=502]", RetryableError, None),  # ingress HTML, no request id
        ("[fault:server_error]", RetryableError, None),
        ("[fault:unavailable]", RetryableError, None),
    ],
)
def test_documented_submit_errors(
    marker: str, error: type[ProviderError], kind: ErrorKind | None, fal: FalClient
) -> None:
    with pytest.raises(error) as caught:
        fal.submit(qwen(f"a portrait {marker}"))
    found: Any = caught.value
    if kind is not None:
        assert found.kind == kind
    if marker == "[fault:rate_limit=3]":
        assert found.retry_after == 3
        assert found.rate_limited
    if marker == "[fault:insufficient_quota]":
        assert "out of credit" in found.user_message


def test_an_unknown_model_is_retired(fal: FalClient) -> None:
    with pytest.raises(PermanentError) as caught:
        fal.submit(qwen(model="fal-ai/qwen-image-9/text-to-image"))
    assert caught.value.kind == ErrorKind.RETIRED_MODEL


def test_a_dropped_submit_is_ambiguous_and_never_sent_again(
    fal: FalClient, emulator: Emulator
) -> None:
    with pytest.raises(AmbiguousError):
        fal.submit(qwen("a portrait [fault:drop]"))
    assert emulator.count(operation="submit") == 1


def test_a_503_while_polling_is_retried(fal: FalClient) -> None:
    task = fal.submit(qwen("a portrait [fault:poll_unavailable=1]"))
    with pytest.raises(RetryableError) as caught:
        fal.poll(task)
    assert caught.value.retry_after == 2
    assert poll_until_done(fal, task).result is not None


def test_a_long_edit_prompt_is_refused_before_any_call(fal: FalClient, emulator: Emulator) -> None:
    with pytest.raises(PermanentError, match="at most 800 characters"):
        fal.submit(qwen("x" * 801, references=(REFERENCE,)))
    assert emulator.count(provider="fal") == 0


def test_key_check_reads_the_free_price_list(emulator: Emulator) -> None:
    assert fal_client(emulator).check_key().status == KeyStatus.VALID
    assert emulator.count(operation="pricing", status=200) == 1
    refused = fal_client(emulator, "fal-test-invalid:fal-test-invalid-secret").check_key()
    assert refused.status == KeyStatus.INVALID
    malformed = fal_client(emulator, "no-colon-in-this-key-at-all").check_key()
    assert (malformed.status, malformed.message) == (KeyStatus.INVALID, "fal.ai refused this key.")
    assert emulator.count(operation="submit") == 0  # nothing billable
