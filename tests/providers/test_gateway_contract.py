"""The HiAPI and APIMart adapters against the emulator: every request body they send is one the
gateway documents, the task is polled on our own API host and its result fetched at once without
the key, and every documented (or emulated) error lands in our taxonomy."""

from __future__ import annotations

import time
from dataclasses import replace

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
    RetryableError,
)
from generation.providers.task_gateway import TaskGatewayClient
from tests.emulator import Emulator, validate_recorded
from tests.providers.conftest import gateway_client

GPT = ImageRequest(model="gpt-image-2", prompt="a calm studio portrait", aspect_ratio="3:4")
# (gateway, request as the catalog resolves it, size of the image the gateway makes)
CALLS = {
    "hiapi gpt-image-2": ("hiapi", replace(GPT, image_size="1K"), None),
    "hiapi qwen": (
        "hiapi",
        ImageRequest(model="qwen-image-2.0", prompt="a portrait", width=1728, height=2368, seed=7),
        (1728, 2368),
    ),
    "apimart gpt-image-2": ("apimart", replace(GPT, image_size="2k"), None),
    "apimart qwen": (
        "apimart",
        ImageRequest(
            model="qwen-image-2.0", prompt="a portrait", aspect_ratio="16:9", image_size="1K"
        ),
        None,
    ),
    "apimart nano banana 2": (
        "apimart",
        ImageRequest(
            model="gemini-3.1-flash-image-preview",
            prompt="a portrait",
            aspect_ratio="1:1",
            image_size="1K",
        ),
        (1024, 1024),
    ),
}


def poll_until_done(
    client: TaskGatewayClient, task: PendingTask, seconds: float = 10
) -> PollOutcome:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        outcome = client.poll(task)
        if outcome.result is not None:
            return outcome
        time.sleep(0.05)
    raise AssertionError("the task never finished")


def submitted_and_polled(emulator: Emulator, gateway: str, prompt: str) -> PollOutcome:
    client = gateway_client(emulator, gateway)
    request = replace(CALLS[f"{gateway} gpt-image-2"][1], prompt=prompt)
    return poll_until_done(client, client.submit(request))


@pytest.mark.parametrize("call", CALLS, ids=list(CALLS))
def test_submit_poll_download_with_a_documented_body(call: str, emulator: Emulator) -> None:
    gateway, request, size = CALLS[call]
    client = gateway_client(emulator, gateway)
    task = client.submit(request)
    outcome = poll_until_done(client, task)
    assert outcome.result is not None
    image = outcome.result.images[0]
    assert image.mime_type == "image/png"
    if size is not None:
        assert (image.width, image.height) == size
    assert outcome.result.usage.credits is None  # no gateway reports a cost
    operations = [(r.alias, r.operation) for r in emulator.requests]
    assert operations == [(gateway, "submit"), (gateway, "poll"), ("gateway-cdn", "delivery")]
    submit, poll, delivery = emulator.requests
    assert validate_recorded(submit) == []
    assert poll.path == f"/v1/tasks/{task.task_id}"
    assert submit.api_key == poll.api_key == client._key.reveal()
    assert delivery.api_key is None
    assert "authorization" not in delivery.headers


def test_hiapi_sends_qwen_its_size_and_keeps_our_prompt(emulator: Emulator) -> None:
    gateway_client(emulator, "hiapi").submit(CALLS["hiapi qwen"][1])
    body = emulator.requests[0].json()
    assert body == {
        "model": "qwen-image-2.0",
        "input": {
            "prompt": "a portrait",
            "size": "1728*2368",
            "prompt_extend": False,
            "watermark": False,
            "seed": 7,
        },
    }


def test_apimart_sends_one_image_with_a_ratio_and_its_resolution(emulator: Emulator) -> None:
    gateway_client(emulator, "apimart").submit(CALLS["apimart gpt-image-2"][1])
    assert emulator.requests[0].json() == {
        "model": "gpt-image-2",
        "prompt": "a calm studio portrait",
        "n": 1,
        "size": "3:4",
        "resolution": "2k",
    }


def test_hiapi_flux_answers_at_once_from_the_images_endpoint(emulator: Emulator) -> None:
    client = gateway_client(emulator, "hiapi")
    result = client.generate(  # type: ignore[attr-defined]
        ImageRequest(model="flux-1.1-pro", prompt="a portrait", width=1792, height=1024)
    )
    assert (result.images[0].width, result.images[0].height) == (1792, 1024)
    submit = emulator.requests[0]
    assert (submit.operation, validate_recorded(submit)) == ("images.generate", [])
    assert submit.json() == {"model": "flux-1.1-pro", "prompt": "a portrait", "size": "1792x1024"}


@pytest.mark.parametrize("as_string", [True, False])
def test_apimart_result_url_as_a_list_or_a_plain_string(
    as_string: bool, emulator: Emulator
) -> None:
    emulator.configure(apimart_url_as_string=as_string)
    outcome = submitted_and_polled(emulator, "apimart", "a portrait")
    assert outcome.result is not None


@pytest.mark.parametrize("gateway", ["hiapi", "apimart"])
def test_a_running_task_is_pending_until_it_is_done(gateway: str, emulator: Emulator) -> None:
    emulator.configure(latency_overrides={"gpt-image-2": 0.6})
    client = gateway_client(emulator, gateway)
    task = client.submit(CALLS[f"{gateway} gpt-image-2"][1])
    first = client.poll(task)
    assert first.result is None
    assert poll_until_done(client, task).result is not None
    assert emulator.count(operation="delivery") == 1


# fault -> (error class, kind or None). The first eight refuse (or lose) the submit; the others
# happen to a task the gateway accepted.
FAULTS = {
    "auth": (PermanentError, ErrorKind.AUTH),
    "forbidden": (PermanentError, ErrorKind.AUTH),
    "insufficient_quota": (PermanentError, ErrorKind.QUOTA),
    "moderation_input": (PermanentError, ErrorKind.MODERATION),
    "rate_limit=1": (RetryableError, None),
    "server_error": (RetryableError, None),
    "unavailable": (RetryableError, None),
    "drop": (AmbiguousError, None),
    "moderation_output": (PermanentError, ErrorKind.MODERATION),
    "task_error": (PermanentError, ErrorKind.FAILED),
    "task_not_found": (PermanentError, ErrorKind.RESULT_EXPIRED),
    "expired_url": (PermanentError, ErrorKind.RESULT_EXPIRED),
    "no_image": (PermanentError, ErrorKind.FAILED),
    "poll_unavailable": (RetryableError, None),
}


@pytest.mark.parametrize("gateway", ["hiapi", "apimart"])
@pytest.mark.parametrize("fault", FAULTS)
def test_documented_errors_map_into_the_taxonomy(
    gateway: str, fault: str, emulator: Emulator
) -> None:
    error_class, kind = FAULTS[fault]
    with pytest.raises(error_class) as caught:
        submitted_and_polled(emulator, gateway, f"a portrait [fault:{fault}]")
    error = caught.value
    assert isinstance(error, ProviderError)
    if kind is not None:
        assert error.kind == kind  # type: ignore[attr-defined]
    assert len(error.user_message) > 30  # a sentence, not a code
    if fault == "rate_limit=1":
        assert error.retry_after == 1  # type: ignore[attr-defined]
        assert error.rate_limited  # type: ignore[attr-defined]


@pytest.mark.parametrize("gateway", ["hiapi", "apimart"])
def test_an_invalid_request_is_refused_with_the_gateways_words(
    gateway: str, emulator: Emulator
) -> None:
    request = ImageRequest(
        model="gpt-image-2", prompt="a portrait", aspect_ratio="7:5", image_size="1K"
    )
    with pytest.raises(PermanentError) as caught:
        gateway_client(emulator, gateway).submit(request)
    assert caught.value.kind == ErrorKind.INVALID
    assert "refused the request" in caught.value.user_message
    assert "aspect_ratio" in caught.value.user_message or "size" in caught.value.user_message


@pytest.mark.parametrize("gateway", ["hiapi", "apimart"])
def test_another_accounts_task_is_not_found(gateway: str, emulator: Emulator) -> None:
    task = gateway_client(emulator, gateway).submit(CALLS[f"{gateway} gpt-image-2"][1])
    stranger = gateway_client(emulator, gateway, key="sk-test-someone-else-entirely")
    with pytest.raises(PermanentError) as caught:
        stranger.poll(task)
    assert caught.value.kind == ErrorKind.RESULT_EXPIRED


@pytest.mark.parametrize("gateway", ["hiapi", "apimart"])
@pytest.mark.parametrize(
    ("base", "allow_private", "words"),
    [
        ("http://169.254.169.254", True, "cloud metadata service"),
        ("http://10.1.2.3", False, "inside a private network"),
        (None, False, "points to this server itself"),  # the emulator's own loopback CDN
    ],
)
def test_a_result_url_on_a_private_address_is_refused_and_never_fetched(
    gateway: str, base: str | None, allow_private: bool, words: str, emulator: Emulator
) -> None:
    emulator.configure(gateway_result_base=base)
    client = gateway_client(emulator, gateway, allow_private=allow_private)
    task = client.submit(CALLS[f"{gateway} gpt-image-2"][1])
    with pytest.raises(PermanentError) as caught:
        client.poll(task)
    assert caught.value.kind == ErrorKind.FAILED
    assert words in caught.value.user_message
    assert (
        "not download" in caught.value.user_message
        or "do not download" in caught.value.user_message
    )
    assert emulator.count(operation="delivery") == 0


@pytest.mark.parametrize("gateway", ["hiapi", "apimart"])
def test_key_check(gateway: str, emulator: Emulator) -> None:
    assert gateway_client(emulator, gateway).check_key().status == KeyStatus.VALID
    refused = gateway_client(emulator, gateway, key="sk-test-invalid-key").check_key()
    assert refused.status == KeyStatus.INVALID
    wrong_shape = gateway_client(emulator, gateway, key="AIza-not-a-gateway-key").check_key()
    assert wrong_shape.status == KeyStatus.INVALID
    checks = {r.operation for r in emulator.requests}
    assert checks == {"tasks.list" if gateway == "hiapi" else "models.list"}
    emulator.add_fault("server_error", operation="*")
    assert gateway_client(emulator, gateway).check_key().status == KeyStatus.UNREACHABLE
