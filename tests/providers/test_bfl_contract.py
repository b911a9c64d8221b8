"""The BFL adapter against the emulator: submit, poll the returned URL on its regional alias,
download from the delivery host, and every error BFL documents."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from avatarapp.keys.secret import Secret
from generation.providers.base import (
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
from generation.providers.bfl import BflClient
from tests.emulator import Emulator
from tests.providers.conftest import BFL_KEY, bfl_allowlists, bfl_client


def flux(prompt: str = "a calm studio portrait", **fields: object) -> ImageRequest:
    base: dict[str, object] = {
        "model": "flux-2-pro",
        "width": 1024,
        "height": 1024,
        "output_format": "png",
    }
    base.update(fields)
    return ImageRequest(prompt=prompt, **base)  # type: ignore[arg-type]


def poll_until_done(client: BflClient, task: PendingTask, seconds: float = 10) -> PollOutcome:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        outcome = client.poll(task)
        if outcome.result is not None:
            return outcome
        time.sleep(0.05)
    raise AssertionError("the task never finished")


@pytest.mark.parametrize("region", ["global", "eu", "us"])
def test_submit_poll_download_on_every_regional_host(region: str, emulator: Emulator) -> None:
    base = {
        "global": emulator.bfl_base_url,
        "eu": emulator.bfl_eu_base_url,
        "us": emulator.bfl_us_base_url,
    }
    client = bfl_client(emulator, base_url=base[region])
    task = client.submit(flux())
    assert task.credits == Decimal("3.0")  # FLUX.2 [pro], 1 MP: BFL's price
    assert not task.polling_url.startswith(base[region]), "polling happens on another host alias"
    outcome = poll_until_done(client, task)
    assert outcome.result is not None
    image = outcome.result.images[0]
    assert (image.width, image.height, image.mime_type) == (1024, 1024, "image/png")
    assert outcome.result.usage.credits == Decimal("3.0")
    operations = [r.operation for r in emulator.requests]
    assert operations[0] == "submit"
    assert "delivery" in operations


def test_a_rebuilt_polling_url_on_the_submit_host_finds_nothing(
    bfl: BflClient, emulator: Emulator
) -> None:
    task = bfl.submit(flux())
    rebuilt = PendingTask(task.task_id, f"{emulator.bfl_base_url}/v1/get_result?id={task.task_id}")
    with pytest.raises(PermanentError) as caught:
        bfl.poll(rebuilt)
    assert caught.value.kind == ErrorKind.RESULT_EXPIRED


def test_references_travel_as_input_images(bfl: BflClient, emulator: Emulator) -> None:
    png = poll_until_done(bfl, bfl.submit(flux())).result.images[0].data  # type: ignore[union-attr]
    bfl.submit(flux(references=(ReferenceImage(png, "image/png"),) * 3))
    payload = emulator.requests[-1].payload
    assert {"input_image", "input_image_2", "input_image_3"} <= set(payload)


def test_too_many_references_are_refused_before_any_call(
    bfl: BflClient, emulator: Emulator
) -> None:
    ref = ReferenceImage(b"x", "image/png")
    with pytest.raises(PermanentError, match="at most 1 reference"):
        bfl.submit(flux(model="flux-pro-1.1", references=(ref, ref)))
    assert emulator.count(operation="submit") == 0


def test_key_check_reports_the_balance(emulator: Emulator) -> None:
    emulator.set_credits(BFL_KEY, 857.0)
    check = bfl_client(emulator).check_key()
    assert check.status == KeyStatus.VALID
    assert check.balance == Decimal("857.0")
    assert "857" in check.message
    assert bfl_client(emulator, key="bfl-test-invalid").check_key().status == KeyStatus.INVALID


SUBMIT_ERRORS = [
    (
        "no credits",
        flux("[fault:insufficient_quota]"),
        PermanentError,
        ErrorKind.QUOTA,
        "too few credits",
    ),
    ("bad key", flux("[fault:auth]"), PermanentError, ErrorKind.AUTH, "refused the key"),
    (
        "unknown endpoint",
        flux(model="flux-9-ultimate"),
        PermanentError,
        ErrorKind.RETIRED_MODEL,
        "another model",
    ),
    (
        "validation",
        flux(model="flux-pro-1.1", width=1000),
        PermanentError,
        ErrorKind.INVALID,
        "width",
    ),
    ("server error", flux("[fault:server_error=502]"), RetryableError, None, "try again"),
    ("overloaded", flux("[fault:unavailable]"), RetryableError, None, "try again"),
]


@pytest.mark.parametrize(
    ("request_", "error", "kind", "message"),
    [r[1:] for r in SUBMIT_ERRORS],
    ids=[r[0] for r in SUBMIT_ERRORS],
)
def test_submit_errors(
    request_: ImageRequest,
    error: type[ProviderError],
    kind: ErrorKind | None,
    message: str,
    bfl: BflClient,
) -> None:
    with pytest.raises(error) as caught:
        bfl.submit(request_)
    assert message in caught.value.user_message
    if kind is not None:
        assert isinstance(caught.value, PermanentError)
        assert caught.value.kind == kind


def test_more_than_the_active_task_limit_is_a_retryable_429(
    bfl: BflClient, emulator: Emulator
) -> None:
    emulator.configure(bfl_max_active_tasks=2, latency_overrides={"flux-2-pro": 5.0})
    bfl.submit(flux())
    bfl.submit(flux())
    with pytest.raises(RetryableError) as caught:
        bfl.submit(flux())
    assert caught.value.retry_after is not None
    assert caught.value.retry_after > 0


POLL_ERRORS = [
    ("request moderated", "[fault:moderation_input]", ErrorKind.MODERATION, "refused the prompt"),
    ("content moderated", "[fault:moderation_output]", ErrorKind.MODERATION, "withheld the image"),
    ("task error", "[fault:task_error]", ErrorKind.FAILED, "could not make this image"),
    (
        "task not found",
        "[fault:task_not_found]",
        ErrorKind.RESULT_EXPIRED,
        "no longer knows this task",
    ),
    ("expired url", "[fault:expired_url]", ErrorKind.RESULT_EXPIRED, "link expired"),
]


@pytest.mark.parametrize(
    ("prompt", "kind", "message"), [r[1:] for r in POLL_ERRORS], ids=[r[0] for r in POLL_ERRORS]
)
def test_poll_outcomes(prompt: str, kind: ErrorKind, message: str, bfl: BflClient) -> None:
    task = bfl.submit(flux(prompt))
    with pytest.raises(PermanentError) as caught:
        poll_until_done(bfl, task)
    assert caught.value.kind == kind
    assert message in caught.value.user_message


def test_moderated_tasks_are_not_charged(bfl: BflClient, emulator: Emulator) -> None:
    emulator.set_credits(BFL_KEY, 100.0)
    task = bfl.submit(flux("[fault:moderation_output]"))
    with pytest.raises(PermanentError):
        poll_until_done(bfl, task)
    assert emulator.credits(BFL_KEY) == Decimal("100")


def test_a_503_while_polling_is_retryable_and_the_next_poll_succeeds(bfl: BflClient) -> None:
    task = bfl.submit(flux("[fault:poll_unavailable]"))
    with pytest.raises(RetryableError) as caught:
        bfl.poll(task)
    assert caught.value.retry_after is not None
    assert poll_until_done(bfl, task).result is not None


def test_a_delivery_url_on_another_host_is_never_fetched(emulator: Emulator) -> None:
    polling, _delivery = bfl_allowlists(emulator)  # BFL's real delivery hosts only
    strict = BflClient(Secret(BFL_KEY), base_url=emulator.bfl_base_url, polling_hosts=polling)
    task = strict.submit(flux())
    with pytest.raises(PermanentError, match="unexpected host"):
        poll_until_done(strict, task)
    assert emulator.count(operation="delivery") == 0
