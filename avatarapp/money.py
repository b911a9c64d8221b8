"""Money as people write it: "$0.0055", "$0.04", "$12.50", "free" - never "$0.000000".

The one place an amount of US dollars becomes words. Python code calls `usd` and `price`;
templates use the same two as filters after `{% load money %}` (settings.TEMPLATES registers this
module as the `money` library, so pages of every app, keys and workspaces included, can load it):
`{{ budget.spent|usd }}` for an amount of money, `{{ image.actual_usd|price }}` for what something
costs, where nothing is "free".
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

# Prices per image go down to hundredths of a cent ($0.0055); below that people round to this.
SMALLEST = Decimal("0.0001")
CENT = Decimal("0.01")

register = template.Library()


def _amount(value: object) -> Decimal | None:
    if isinstance(value, Decimal):
        return value  # most amounts are already (a page's table of them need not reparse each)
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def usd(value: object) -> str:
    """An amount of money: "$0", "$0.0055", "$0.04", "$0.10", "$1,234.50", "under $0.0001".
    Under a dollar it keeps up to four decimals (per-image prices need them) and drops trailing
    zeros down to cents; from a dollar up, cents. Empty for no amount."""
    amount = _amount(value)
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if amount == 0:
        return "$0"
    if amount < SMALLEST:
        return f"{sign}under ${SMALLEST}"
    if amount < 1:
        rounded = amount.quantize(SMALLEST, rounding=ROUND_HALF_UP).normalize()
        digits = max(-rounded.as_tuple().exponent, 2)  # type: ignore[operator]
        return f"{sign}${rounded:.{digits}f}"
    return f"{sign}${amount.quantize(CENT, rounding=ROUND_HALF_UP):,}"


@register.filter
def price(value: object) -> str:
    """What something costs: "free" when nothing, else as `usd` says it."""
    amount = _amount(value)
    if amount is not None and amount == 0:
        return "free"
    return usd(value)
