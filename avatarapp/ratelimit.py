"""Rate limits on the actions that make real work: submitting a batch,
pricing one, retrying an image, and asking a provider whether a key works.

Each action has rates per user and per workspace (settings.RATE_LIMITS, read from the
environment), and every rate is a fixed window: "30/minute" lets 30 requests through in each
clock minute. Two rates per scope, a short one for the burst and a long one for the sustained
pace, give the shape of a token bucket without its read-modify-write. A fixed-window counter
needs nothing but the cache's atomic `add` and `incr`: on Redis every request gets its own count
from INCR and there is no read-then-write to race, so exactly `count` requests pass however
many arrive at once; the embedded local-memory cache does the same under its lock. What fixed
windows give up is smoothness: up to twice a rate can pass across a window's edge, which the
long window bounds.

A refused request hands its counts back, so it uses none of the allowance (a client told to
wait 40 seconds is not kept out longer for having asked again).
"""

from __future__ import annotations

import contextlib
import math
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:  # settings.py imports this module: keep its imports light
    from django.http import HttpResponse

UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_RATE = re.compile(r"\s*(\d+)\s*/\s*(second|minute|hour|day)s?\s*")

# The clock the windows are cut from; tests replace it to cross a window without waiting.
clock = time.time


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


def parse_rates(name: str, text: str) -> tuple[Rate, ...]:
    """ "30/minute, 300/hour" -> two Rates; "off" -> no limit. Bad text names `name`."""
    if text.strip().lower() == "off":
        return ()
    rates = []
    for part in text.split(","):
        match = _RATE.fullmatch(part)
        if not match or int(match[1]) < 1:
            raise ImproperlyConfigured(
                f"{name} must be rates like '30/minute, 300/hour' (or 'off'), not {text!r}."
            )
        rates.append(Rate(int(match[1]), UNITS[match[2]]))
    return tuple(rates)


@dataclass(frozen=True)
class Verdict:
    retry_after: int  # seconds until every exceeded window has turned; 0 when allowed

    @property
    def allowed(self) -> bool:
        return self.retry_after == 0


@dataclass(frozen=True)
class _Window:
    key: str  # one counter per action, scope, owner, rate and window
    rate: Rate
    ends_in: int  # seconds until it turns


def _increment(key: str, seconds: int) -> int:
    # The key outlives its window, so it cannot expire between Django's EXISTS and INCR while
    # requests still count in it; a later window has a key of its own.
    for _ in range(2):
        cache.add(key, 0, timeout=2 * seconds)
        try:
            return cache.incr(key)
        except ValueError:  # evicted between add and incr: add it again
            continue
    raise RuntimeError(f"The cache keeps dropping the rate-limit counter {key}.")


def _give_back(key: str) -> None:
    with contextlib.suppress(ValueError):  # already gone: nothing to give back
        cache.decr(key)


def _windows(action: str, user_id: object, workspace_id: object, now: float) -> list[_Window]:
    limits = settings.RATE_LIMITS[action]
    windows = []
    for scope, owner in (("user", user_id), ("workspace", workspace_id)):
        for rate in limits[scope]:
            number = int(now // rate.seconds)
            key = f"ratelimit:{action}:{scope}:{owner}:{rate.seconds}:{number}"
            ends_in = max(1, math.ceil((number + 1) * rate.seconds - now))
            windows.append(_Window(key, rate, ends_in))
    return windows


def hit(action: str, *, user_id: object, workspace_id: object) -> Verdict:
    """Count one request of `action` for this user and workspace; refuse it if any rate is spent.

    `action` is a key of settings.RATE_LIMITS, whose values map "user" and "workspace" to rates.
    Once one window refuses, the request is counted in no further window (only read, to say how
    long they would keep it out): counted there even for the moment before it gives its counts
    back, it could crowd out a request that window should let in.
    """
    counted: list[str] = []
    waits: list[int] = []
    for window in _windows(action, user_id, workspace_id, clock()):
        if waits:
            if (cache.get(window.key) or 0) >= window.rate.count:
                waits.append(window.ends_in)
            continue
        counted.append(window.key)
        if _increment(window.key, window.rate.seconds) > window.rate.count:
            waits.append(window.ends_in)
    if not waits:
        return Verdict(0)
    for key in counted:
        _give_back(key)
    return Verdict(max(waits))


def _wait_words(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minutes"


def refusal(doing: str, verdict: Verdict, *, allowed_by: str = "this workspace") -> str:
    """The sentence for a refused request: refusal("generating", v) -> "You are generating
    faster than this workspace allows. Try again in 40 seconds." """
    return (
        f"You are {doing} faster than {allowed_by} allows. "
        f"Try again in {_wait_words(verdict.retry_after)}."
    )


def limited(response: HttpResponse, verdict: Verdict) -> HttpResponse:
    """Mark a response as the answer to a refused request: 429 with Retry-After in seconds.
    htmx swaps it like a success (the htmx-config in base.html), so its fragment shows in place."""
    response.status_code = 429
    response["Retry-After"] = str(verdict.retry_after)
    return response
