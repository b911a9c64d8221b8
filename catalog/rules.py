"""Price rules as data: each carries its name, source, as-of date and trust mark."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

Trust = Literal["V", "T", "U"]  # provider or its spec / third party / uncertain


@dataclass(frozen=True, kw_only=True)
class PriceRule:
    name: str  # recorded on every cost line, e.g. "openai-gpt-image-2-tokens"
    source: str
    as_of: date
    trust: Trust


@dataclass(frozen=True, kw_only=True)
class TokenPrices:
    """USD per 1M tokens."""

    text_in: Decimal
    image_in: Decimal
    image_out: Decimal


@dataclass(frozen=True, kw_only=True)
class OpenAITokenRule(PriceRule):
    """Actual = usage tokens x prices. The estimate's output side comes from exactly one of:
    the gpt-image-2 formula (both tables None), an output-token table, or per-image list prices."""

    prices: TokenPrices
    # size "WxH" -> API quality -> output tokens per image (gpt-image-1 / 1.5)
    output_tokens: Mapping[str, Mapping[str, int]] | None = None
    # size "WxH" -> API quality -> USD per image (gpt-image-1-mini: token counts not published)
    list_prices: Mapping[str, Mapping[str, Decimal]] | None = None


@dataclass(frozen=True, kw_only=True)
class PerImageTableRule(PriceRule):
    """USD per image by size "WxH" and API quality (DALL-E; no `usage` in the response)."""

    prices: Mapping[str, Mapping[str, Decimal]]


@dataclass(frozen=True, kw_only=True)
class FluxMegapixelRule(PriceRule):
    """Credits = first + (output_MP - 1) * extra + input_MP * extra (FLUX.2)."""

    first_mp: Decimal
    extra_mp: Decimal


@dataclass(frozen=True, kw_only=True)
class FixedCreditsRule(PriceRule):
    """Credits per image (FLUX.1)."""

    credits: Decimal


@dataclass(frozen=True, kw_only=True)
class PerImageBySizeRule(PriceRule):
    """USD per image by resolution class (Gemini); with a known image-output token price, `usage`
    output tokens are billed instead."""

    prices: Mapping[str, Decimal]
    image_out_per_million: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class FixedPriceRule(PriceRule):
    """USD per image (Imagen, built-in)."""

    usd: Decimal


@dataclass(frozen=True, kw_only=True)
class WorkspacePriceRule(PriceRule):
    """USD per image set by the workspace (self-hosted endpoints)."""

    default_usd: Decimal = Decimal("0")


AnyPriceRule = (
    OpenAITokenRule
    | PerImageTableRule
    | FluxMegapixelRule
    | FixedCreditsRule
    | PerImageBySizeRule
    | FixedPriceRule
    | WorkspacePriceRule
)
