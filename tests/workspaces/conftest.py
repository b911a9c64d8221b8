"""Account tests share the cache with the rest of the suite (Redis under make test): allauth's
rate limits (one confirmation mail per address per 3 minutes, sign-ups per IP) start empty."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    cache.clear()
