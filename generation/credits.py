"""Whether a key's credit balance covers a batch (Black Forest Labs: 1 credit = $0.01).

The batch's worst-case estimate for the provider, in credits, against the balance last read from
the key (on a key check, and every 10 minutes while jobs run: provider_keys.balances). A batch
that needs more is refused before submit, with nothing reserved; the provider's own "insufficient
credits" refusal stays the backstop for a balance that moved since it was read. A key whose
balance was never read is not judged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from catalog import usd_credits
from generation.providers.registry import entry

TENTH = Decimal("0.1")  # BFL bills credits in tenths


def credits_words(credits: Decimal) -> str:
    """ "120", "4.5", "1,000": a number of credits as people write it."""
    return f"{credits.normalize():,f}"


@dataclass(frozen=True)
class CreditNeed:
    provider: str
    needed: Decimal  # credits, rounded up to a tenth
    balance: Decimal  # credits on the key, as last read

    @property
    def enough(self) -> bool:
        return self.needed <= self.balance

    @property
    def sentence(self) -> str:
        """The Generate page's words: "this batch needs 120 credits; the key has 80"."""
        return (
            f"This batch needs {credits_words(self.needed)} credits; "
            f"the key has {credits_words(self.balance)}"
        )

    @property
    def refusal(self) -> str:
        shape = entry(self.provider).key
        name = shape.name if shape else self.provider
        return (
            f"{self.sentence}. Top up the key's credits with {name}, or make fewer or "
            "smaller images."
        )


def credit_needs(
    estimates: Iterable[tuple[str, Decimal]], balances: Mapping[str, Decimal | None]
) -> list[CreditNeed]:
    """Per provider with a known balance: the credits the batch's `(provider, estimate in USD)`
    images need at most, against it."""
    needed: dict[str, Decimal] = {}
    for provider, estimate_usd in estimates:
        if balances.get(provider) is not None:
            needed[provider] = needed.get(provider, Decimal(0)) + usd_credits(estimate_usd)
    return [
        CreditNeed(provider, total.quantize(TENTH, rounding=ROUND_CEILING), balance)
        for provider, total in needed.items()
        if (balance := balances[provider]) is not None
    ]
