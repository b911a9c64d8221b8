"""The BFL key goes only to BFL: a polling URL from a submit answer is data
from the network, and the poll carries `x-key`. Before the fix the key followed any `polling_url`,
http or https, to any host; now a foreign or plain-http address is refused before a byte is sent.

The transport here is httpx's MockTransport: it records every request the client makes, so "no
byte was sent" is checked directly (unit tests of one adapter; the emulator runs are in
test_bfl_contract.py)."""

from __future__ import annotations

import json

import httpx
import pytest

from avatarapp.keys.secret import Secret
from generation.providers.base import AmbiguousError, ImageRequest, PendingTask
from generation.providers.bfl import BflClient
from generation.providers.http import HostAllowlist

KEY = "bfl-test-hosts-key"
GOOD_POLL = "https://api.us1.bfl.ai/v1/get_result?id=task-1"

FOREIGN_POLLING_URLS = [
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",  # the report's case
    "https://169.254.169.254/v1/get_result?id=task-1",
    "http://api.us1.bfl.ai/v1/get_result?id=task-1",  # BFL's host, but plain http
    "https://api.bfl.ai.attacker.example/v1/get_result?id=task-1",
    "https://evilbfl.ai/v1/get_result?id=task-1",
    "https://api.bfl.ai@169.254.169.254/v1/get_result?id=task-1",  # userinfo trick
    "https://user:pw@api.bfl.ai/v1/get_result?id=task-1",
    "https://api.bfl.ai:notaport/v1/get_result?id=task-1",
    "https://127.0.0.1/v1/get_result?id=task-1",
    "//api.bfl.ai/v1/get_result?id=task-1",  # no scheme
    "/v1/get_result?id=task-1",
    "",
]


class Recorder:
    """A transport that answers a BFL submit with `polling_url` and records every request."""

    def __init__(self, polling_url: str) -> None:
        self.polling_url = polling_url
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.method == "POST":
            body = {"id": "task-1", "polling_url": self.polling_url, "cost": 3.0}
            return httpx.Response(200, content=json.dumps(body))
        return httpx.Response(200, json={"id": "task-1", "status": "Pending"})


def client_for(recorder: Recorder) -> BflClient:
    return BflClient(Secret(KEY), http_client=httpx.Client(transport=httpx.MockTransport(recorder)))


def flux() -> ImageRequest:
    return ImageRequest(model="flux-2-pro", prompt="a portrait", width=1024, height=1024)


@pytest.mark.parametrize("polling_url", FOREIGN_POLLING_URLS)
def test_a_foreign_polling_url_in_the_submit_answer_is_refused_and_never_stored(
    polling_url: str,
) -> None:
    recorder = Recorder(polling_url)
    with pytest.raises(AmbiguousError, match="status address outside its own servers"):
        client_for(recorder).submit(flux())
    # Only the submit left, to the configured API host; the image is flagged, not resubmitted.
    assert [(r.method, r.url.host) for r in recorder.requests] == [("POST", "api.bfl.ai")]


@pytest.mark.parametrize("polling_url", FOREIGN_POLLING_URLS)
def test_a_stored_foreign_polling_url_is_never_polled(polling_url: str) -> None:
    recorder = Recorder(GOOD_POLL)
    with pytest.raises(AmbiguousError):
        client_for(recorder).poll(PendingTask("task-1", polling_url))
    assert recorder.requests == []


def test_a_polling_url_on_a_regional_bfl_host_is_polled_with_the_key() -> None:
    recorder = Recorder(GOOD_POLL)
    client = client_for(recorder)
    task = client.submit(flux())
    assert client.poll(task).result is None  # Pending
    poll = recorder.requests[-1]
    assert (poll.url.scheme, poll.url.host) == ("https", "api.us1.bfl.ai")
    assert poll.headers["x-key"] == KEY


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://api.bfl.ai/v1/get_result?id=1", True),
        ("https://api.eu.bfl.ai/v1/get_result?id=1", True),
        ("https://API.US1.BFL.AI/v1/get_result?id=1", True),  # host names are case-insensitive
        ("https://bfl.ai/x", True),
        ("https://api.bfl.ai:8443/x", True),
        ("https://api.bfl.ai./x", False),  # the trailing-dot spelling is refused, not guessed at
        ("https://xbfl.ai/x", False),
        ("https://bfl.ai.example/x", False),
        ("ftp://api.bfl.ai/x", False),
    ],
)
def test_the_allowlist_matches_bfls_domain_and_nothing_else(url: str, allowed: bool) -> None:
    assert HostAllowlist("https", (".bfl.ai",)).allows(url) is allowed


def test_a_name_without_a_leading_dot_is_exact() -> None:
    exact = HostAllowlist("http", ("127.0.0.5",))
    assert exact.allows("http://127.0.0.5:8600/v1/get_result?id=1")
    assert not exact.allows("http://1127.0.0.5:8600/v1/get_result?id=1")
    assert not exact.allows("http://x.127.0.0.5/v1/get_result?id=1")
