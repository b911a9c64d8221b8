"""Shared facts for the catalog entries: the as-of date and the units. Each price rule and
lifecycle cites its source in words (a provider's pricing page or API documentation, and when it
was read), so a past bill can be explained after prices change."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

AS_OF = date(2026, 11, 24)  # when the prices and wire facts below were gathered

MP = 1 << 20  # one megapixel as BFL counts it: MP = w*h / 2^20


def usd(value: str) -> Decimal:
    return Decimal(value)
