"""Shared facts for the catalog entries: the as-of date and where the facts come from."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

AS_OF = date(2026, 11, 24)  # PRICING.md / PROVIDERS.md: "facts gathered 2026-11-24"

PRICING_MD = "contracts/PRICING.md"
PROVIDERS_MD = "contracts/PROVIDERS.md"
PROVIDERS_2_MD = "contracts/PROVIDERS-2.md"
PRODUCT_MD = "PRODUCT.md"

MP = 1 << 20  # one megapixel as BFL counts it (PRICING.md: MP = w*h / 2^20)


def usd(value: str) -> Decimal:
    return Decimal(value)
