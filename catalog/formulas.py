"""The arithmetic of provider prices (OpenAI's output tokens, BFL's megapixels), in integers and
Decimals (never floats)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# gpt-image-2 quality factors. OpenAI publishes none for xhigh / max: estimated as high, settled
# from `usage`.
QUALITY_FACTORS = {"low": 16, "medium": 48, "high": 96, "xhigh": 96, "max": 96}

_MP_PIXELS = 1 << 20
_TENTH = Decimal("0.1")


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def gpt_image_2_output_tokens(width: int, height: int, quality: str) -> int:
    """Output tokens per image for gpt-image-2 (and, until OpenAI says otherwise, 2.5 / 2.6).

    qf = {low: 16, medium: 48, high: 96}; L, S = longest and shortest side;
    saf = floor((2*qf*S + L) / (2*L)); tokens = ceil(qf * saf * (2_000_000 + w*h) / 4_000_000).
    """
    qf = QUALITY_FACTORS[quality]
    longest, shortest = max(width, height), min(width, height)
    saf = (2 * qf * shortest + longest) // (2 * longest)
    return _ceil_div(qf * saf * (2_000_000 + width * height), 4_000_000)


def megapixels(width: int, height: int) -> Decimal:
    """BFL megapixels: w*h / 2^20, rounded half up to two decimals (exact integer arithmetic)."""
    hundredths, remainder = divmod(width * height * 100, _MP_PIXELS)
    if 2 * remainder >= _MP_PIXELS:
        hundredths += 1
    return Decimal(hundredths) / 100


def flux2_credits(
    first_mp: Decimal, extra_mp: Decimal, output_mp: Decimal, input_mp: Decimal
) -> Decimal:
    """FLUX.2 credits: first + (output_MP - 1) * extra + input_MP * extra, rounded to 0.1.

    An output under 1 MP is still charged the full first megapixel (BFL quotes FLUX.2 "from" the
    1 MP price), so the (output_MP - 1) term never goes negative: the estimate stays an upper bound.
    """
    extra_output = max(output_mp - 1, Decimal(0))
    credits = first_mp + extra_output * extra_mp + input_mp * extra_mp
    return credits.quantize(_TENTH, rounding=ROUND_HALF_UP)


def per_token(count: int, usd_per_million: Decimal) -> Decimal:
    return Decimal(count) * usd_per_million / 1_000_000
