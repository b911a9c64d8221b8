"""Rate-limit test helpers (a pytest plugin, see tests/conftest.py): the `limits` fixture sets
small limits for one action and owns the clock the windows are cut from, which a test moves by
hand to cross a window without sleeping."""

from __future__ import annotations

from typing import Any

import pytest

from avatarapp import ratelimit

# 20 s into a clock minute (and into an hour): a minute window turns 40 s later.
START = 1_800_000_000.0 + 20


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Limits:
    def __init__(self, settings: Any, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock

    def __call__(self, action: str, *, user: str = "off", workspace: str = "off") -> None:
        """limits("generate", user="2/minute"): these rates for `action` ("off" if not given)."""
        self.settings.RATE_LIMITS = {
            **self.settings.RATE_LIMITS,
            action: {
                "user": ratelimit.parse_rates("user", user),
                "workspace": ratelimit.parse_rates("workspace", workspace),
            },
        }


@pytest.fixture
def limits(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Limits:
    clock = Clock()
    monkeypatch.setattr(ratelimit, "clock", clock)
    return Limits(settings, clock)
