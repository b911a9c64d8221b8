"""The limiter itself (avatarapp/ratelimit.py) on the suite's real cache: rates from settings,
windows that turn on the clock, refused requests that cost nothing, and exactness when many
requests arrive at once on Redis."""

from __future__ import annotations

import os
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured

from avatarapp import ratelimit
from avatarapp.ratelimit import Rate, parse_rates
from tests.ratelimits import Limits

USER, OTHER_USER = 1, 2
TEAM, OTHER_TEAM = uuid.uuid4(), uuid.uuid4()


def hit(user: int = USER, workspace: uuid.UUID = TEAM) -> ratelimit.Verdict:
    return ratelimit.hit("generate", user_id=user, workspace_id=workspace)


def test_rates_are_read_from_plain_words() -> None:
    assert parse_rates("X", "30/minute, 300/hour") == (Rate(30, 60), Rate(300, 3600))
    assert parse_rates("X", "5/second,1000/days") == (Rate(5, 1), Rate(1000, 86400))
    assert parse_rates("X", "off") == ()
    for bad in ("", "30", "30/fortnight", "0/minute", "-1/hour", "ten/minute", "30/minute;"):
        with pytest.raises(ImproperlyConfigured, match="RATE_LIMIT_GENERATE_USER must be rates"):
            parse_rates("RATE_LIMIT_GENERATE_USER", bad)


def test_the_user_limit_refuses_the_next_request_until_its_window_turns(limits: Limits) -> None:
    limits("generate", user="2/minute")
    assert [hit().allowed, hit().allowed] == [True, True]
    refused = hit()
    assert not refused.allowed
    assert refused.retry_after == 40  # 20 s into the minute
    assert hit(OTHER_USER).allowed  # another person is not held up
    limits.clock.advance(39)
    assert hit().retry_after == 1
    limits.clock.advance(1)
    assert hit().allowed


def test_the_workspace_limit_is_shared_by_its_members_only(limits: Limits) -> None:
    limits("generate", user="10/minute", workspace="3/minute")
    assert [hit(USER).allowed, hit(OTHER_USER).allowed, hit(USER).allowed] == [True] * 3
    assert not hit(OTHER_USER).allowed
    assert not hit(USER).allowed
    assert hit(USER, OTHER_TEAM).allowed


def test_a_refused_request_uses_none_of_the_allowance(limits: Limits) -> None:
    limits("generate", user="2/minute, 3/hour")
    assert [hit().allowed, hit().allowed] == [True, True]
    for _ in range(5):  # knocking again and again while refused
        assert hit().retry_after == 40
    limits.clock.advance(40)
    assert hit().allowed  # the third of the hour: the refusals took none of it
    refused = hit()
    assert refused.retry_after == 3600 - 60  # the hour, not the minute, is what is spent now


def test_the_sentence_says_how_long_to_wait() -> None:
    assert ratelimit.refusal("generating", ratelimit.Verdict(40)) == (
        "You are generating faster than this workspace allows. Try again in 40 seconds."
    )
    assert ratelimit.refusal("checking keys", ratelimit.Verdict(1)).endswith("in 1 second.")
    assert ratelimit.refusal("retrying images", ratelimit.Verdict(3540)).endswith("in 59 minutes.")


def _burst(threads: int, who: list[tuple[int, uuid.UUID]]) -> list[bool]:
    """`threads` requests released at the same instant, request i made by who[i]."""
    start = threading.Barrier(threads)

    def one(i: int) -> bool:
        start.wait()
        user, workspace = who[i]
        return hit(user, workspace).allowed

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(one, range(threads)))


def test_redis_accepts_exactly_the_limit_when_requests_arrive_at_once(limits: Limits) -> None:
    assert os.environ.get("REDIS_URL"), "the suite runs with Redis (scripts/services.sh)"
    assert isinstance(caches["default"], RedisCache)
    limits("generate", user="7/minute", workspace="12/minute")
    one_person = _burst(40, [(USER, TEAM)] * 40)
    assert one_person.count(True) == 7
    limits.clock.advance(60)
    many_people = _burst(40, [(100 + i, TEAM) for i in range(40)])
    assert many_people.count(True) == 12


def test_the_embedded_memory_cache_is_exact_too(settings: Any, limits: Limits) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_PREFIX": uuid.uuid4().hex,
        }
    }
    limits("generate", user="7/minute")
    assert _burst(40, [(USER, TEAM)] * 40).count(True) == 7
