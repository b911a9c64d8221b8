"""Failed logins are throttled per client. Behind the TLS proxy every request
comes from the proxy's address; with TRUSTED_PROXY_COUNT=1 the client is the address the proxy
appended to X-Forwarded-For, so each client has its own bucket and cannot leave it by sending
addresses of its own. Without a proxy (0) the header is ignored. allauth allows 10 failed logins a
minute per IP (and 5 per address typed in, which these tests keep out of the way)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

pytestmark = pytest.mark.django_db

FAILURES_PER_IP = 10
THROTTLED = "Too many failed login attempts"
CLIENT_A = "203.0.113.7"
CLIENT_B = "198.51.100.9"
_emails = (f"nobody{n}@example.com" for n in itertools.count())


@pytest.fixture(autouse=True)
def empty_buckets() -> Iterator[None]:
    cache.clear()  # the buckets live in the cache (Redis under make test)
    yield
    cache.clear()


def _fail_login(forwarded_for: str | None) -> str:
    """One failed login, as it reaches the app; returns the page's text."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    page = Client().post(
        "/accounts/login/",
        {"login": next(_emails), "password": "not-the-password"},
        headers=headers,
    )
    assert page.status_code == 200
    return page.content.decode()


def _use_up_the_bucket_of(forwarded_for: str) -> None:
    for _ in range(FAILURES_PER_IP):
        assert THROTTLED not in _fail_login(forwarded_for)
    assert THROTTLED in _fail_login(forwarded_for)


@pytest.fixture
def behind_one_proxy(settings: Any) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


@pytest.mark.usefixtures("behind_one_proxy")
def test_each_client_behind_the_proxy_has_its_own_bucket() -> None:
    _use_up_the_bucket_of(CLIENT_A)
    assert THROTTLED not in _fail_login(CLIENT_B)


@pytest.mark.usefixtures("behind_one_proxy")
def test_a_client_cannot_leave_its_bucket_by_sending_addresses_of_its_own() -> None:
    _use_up_the_bucket_of(CLIENT_A)
    # The client sent "X-Forwarded-For: 198.51.100.9"; the proxy appended the address it saw.
    assert THROTTLED in _fail_login(f"{CLIENT_B}, {CLIENT_A}")
    assert THROTTLED in _fail_login(f"10.0.0.1, {CLIENT_B}, {CLIENT_A}")


def test_without_a_proxy_the_header_is_ignored(settings: Any) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    _use_up_the_bucket_of(CLIENT_A)
    assert THROTTLED in _fail_login(CLIENT_B)  # same connection address, same bucket
