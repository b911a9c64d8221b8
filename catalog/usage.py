"""What a provider reported it billed for one call: the adapters fill it, the catalog prices it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Usage:
    """What the provider reported it billed; the catalog turns this into dollars."""

    input_text_tokens: int = 0
    input_image_tokens: int = 0
    output_tokens: int = 0
    credits: Decimal | None = None  # BFL: 1 credit = $0.01
    # Dollars the provider says it billed for the call (OpenRouter's `usage.cost`): no price of
    # ours is applied to it.
    cost_usd: Decimal | None = None
