"""The OpenAI-compatible adapter: the same protocol, behind the SSRF guard."""

from __future__ import annotations

import pytest

from avatarapp.keys.secret import Secret
from generation.providers.base import ErrorKind, ImageRequest, KeyStatus, PermanentError
from generation.providers.openai_compatible import OpenAICompatibleImages
from tests.emulator import Emulator

REQUEST = ImageRequest(model="gpt-image-2", prompt="a portrait", width=1024, height=1024)


def test_a_loopback_server_is_refused_unless_private_hosts_are_allowed(emulator: Emulator) -> None:
    guarded = OpenAICompatibleImages(Secret("sk-test-self-hosted"), emulator.openai_base_url)
    with pytest.raises(PermanentError) as caught:
        guarded.generate(REQUEST)
    assert caught.value.kind == ErrorKind.INVALID
    assert "points to this server itself" in caught.value.user_message
    assert emulator.count(operation="images.generate") == 0
    assert guarded.check_key().status == KeyStatus.UNREACHABLE


def test_an_allowed_private_server_generates_through_the_pinned_client(emulator: Emulator) -> None:
    allowed = OpenAICompatibleImages(
        Secret("sk-test-self-hosted"), emulator.openai_base_url, allow_private=True
    )
    result = allowed.generate(REQUEST)
    assert result.images[0].width == 1024
    assert allowed.check_key().status == KeyStatus.VALID


@pytest.mark.parametrize(
    "url",
    ["http://169.254.169.254/v1", "http://10.0.0.5/v1", "file:///etc/passwd", "http://0x7f.1/v1"],
)
def test_internal_addresses_are_refused_before_any_connection(url: str) -> None:
    adapter = OpenAICompatibleImages(Secret("sk-test-self-hosted"), url)
    with pytest.raises(PermanentError):
        adapter.generate(REQUEST)
