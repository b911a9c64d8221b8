"""fal's answers are data from the network: the key goes only to fal's queue hosts, and images
are downloaded only from fal's delivery hosts at public addresses. A status, result or image
address anywhere else is refused before a byte is sent to it, with a sentence saying so.

Unit tests of one adapter over httpx's MockTransport, which records every request the client
makes, so "nothing was sent there" is checked directly (the emulator runs are in
test_fal_contract.py)."""

from __future__ import annotations

import socket
from typing import Any

import httpx
import pytest

from avatarapp.keys.secret import Secret
from generation.providers.base import (
    AmbiguousError,
    ErrorKind,
    ImageRequest,
    PendingTask,
    PermanentError,
)
from generation.providers.fal import FalClient
from tests.emulator.images import render

QUEUE = "https://queue.fal.run/fal-ai/qwen-image-2/requests/r-1"
IMAGE = "https://v3b.fal.media/files/b/r-1.png"


class FakeFal:
    """Answers a submit, a COMPLETED status and a result naming `image_url`; records requests."""

    def __init__(self, *, status_url: str = f"{QUEUE}/status", response_url: str = QUEUE,
                 image_url: str = IMAGE, images: list[Any] | None = None) -> None:  # fmt: skip
        self.status_url, self.response_url = status_url, response_url
        self.images = [{"url": image_url}] if images is None else images
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.method == "POST":
            return httpx.Response(200, json={"request_id": "r-1", "status_url": self.status_url})
        if request.url.path.endswith("/status"):
            body = {"status": "COMPLETED", "response_url": self.response_url, "logs": None}
            return httpx.Response(200, json={**body, "queue_position": None})
        if request.url.host == "queue.fal.run":
            return httpx.Response(200, json={"images": self.images, "seed": 1})
        return httpx.Response(200, content=render(64, 64, "png"))

    def hosts(self) -> set[str]:
        return {request.url.host for request in self.requests}


def private(host: str, port: int) -> list[tuple[Any, ...]]:
    return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))]


def client(fake: FakeFal, **options: Any) -> FalClient:
    http = httpx.Client(transport=httpx.MockTransport(fake))
    return FalClient(Secret("key-id-0001:secret-0000000000000001"), http_client=http, **options)


def request() -> ImageRequest:
    model = "fal-ai/qwen-image-2/text-to-image"
    return ImageRequest(model=model, prompt="a portrait", width=1024, height=1024)


@pytest.mark.parametrize(
    "status_url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://queue.fal.run/fal-ai/qwen-image-2/requests/r-1/status",  # fal's host, plain http
        "https://queue.fal.run.attacker.example/x/requests/r-1/status",
        "https://queue.fal.run@169.254.169.254/x/requests/r-1/status",
        "",
    ],
)
def test_a_status_url_off_fal_is_refused_at_submit_and_never_polled(status_url: str) -> None:
    fake = FakeFal(status_url=status_url)
    with pytest.raises(AmbiguousError, match="outside its own servers"):
        client(fake).submit(request())
    assert [r.method for r in fake.requests] == ["POST"]  # the submit only, to fal's queue


def test_a_result_url_off_fal_is_refused_and_the_key_is_not_sent_there() -> None:
    fake = FakeFal(response_url="https://results.attacker.example/fal-ai/requests/r-1")
    with pytest.raises(AmbiguousError, match="result address outside its own servers"):
        client(fake).poll(PendingTask("r-1", f"{QUEUE}/status"))
    assert fake.hosts() == {"queue.fal.run"}


@pytest.mark.parametrize(
    "image_url",
    [
        "https://cdn.attacker.example/files/r-1.png",
        "https://evilfal.media/files/r-1.png",
        "http://v3b.fal.media/files/r-1.png",  # fal's host, plain http
        "https://10.0.0.7/files/r-1.png",
        "data:image/png;base64,AAAA",
    ],
)
def test_an_image_off_fals_delivery_hosts_is_never_downloaded(image_url: str) -> None:
    fake = FakeFal(image_url=image_url)
    with pytest.raises(AmbiguousError) as caught:
        client(fake).poll(PendingTask("r-1", f"{QUEUE}/status"))
    assert "not one of fal's servers, so it was not downloaded" in caught.value.user_message
    assert fake.hosts() == {"queue.fal.run"}


def test_a_delivery_host_that_resolves_into_a_private_network_is_refused() -> None:
    fake = FakeFal()
    with pytest.raises(AmbiguousError, match="leads into a private network"):
        client(fake, resolver=private).poll(PendingTask("r-1", f"{QUEUE}/status"))
    assert fake.hosts() == {"queue.fal.run"}


def test_a_stored_status_url_off_fal_is_refused_before_the_key_goes() -> None:
    fake = FakeFal()
    with pytest.raises(AmbiguousError):
        client(fake).poll(PendingTask("r-1", "https://169.254.169.254/requests/r-1/status"))
    assert fake.requests == []


@pytest.mark.parametrize("images", [[], [{"url": ""}], [{"content_type": "image/png"}]])
def test_an_answer_with_no_image_fails_with_a_clear_sentence(images: list[Any]) -> None:
    fake = FakeFal(images=images)
    with pytest.raises(PermanentError) as caught:
        client(fake).poll(PendingTask("r-1", f"{QUEUE}/status"))
    assert caught.value.kind == ErrorKind.FAILED
    assert caught.value.user_message.startswith("fal.ai finished without an image")
