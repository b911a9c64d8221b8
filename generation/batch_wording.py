"""What a batch will do, in the words a marketer uses: money as people
write it ("$0.0055", "$0.33", "free"), time ("about 40 s"), a batch's default name, and the
Generate page's estimate sentence:

    8 portraits, at most $0.33, about 40 s; Maya Costa with OpenAI key …fc68 (Mia's key)

Every amount here is an upper bound (an estimate the budget reserves), so it is rounded up: the
sentence "at most $0.33" stays true.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import ROUND_CEILING, Decimal

from generation.providers.registry import display_name, entry

CENT = Decimal("0.01")
# Below ten cents people write the digits that matter ($0.0055, $0.04); above, whole cents.
SMALL = Decimal("0.10")
NAME_MAX = 120  # generation.models.Job.name


def money(amount: Decimal) -> str:
    """$12.50, $0.33, $0.04, $0.0055, or "free"."""
    if amount <= 0:
        return "free"
    if amount >= SMALL:
        return f"${amount.quantize(CENT, rounding=ROUND_CEILING):,}"
    digits = f"{amount.quantize(Decimal('0.0001'), rounding=ROUND_CEILING):f}"
    whole, _, fraction = digits.partition(".")
    return f"${whole}.{fraction.rstrip('0').ljust(2, '0')}"


def duration(seconds: float) -> str:
    """ "about 5 s", "about 40 s", "about 2 min"."""
    if seconds < 10:
        return f"about {max(round(seconds), 1)} s"
    if seconds < 90:
        return f"about {round(seconds / 5) * 5} s"
    return f"about {round(seconds / 60)} min"


def listing(names: Sequence[str]) -> str:
    """ "Maya", "Maya and Leo", "Ana, Ben and Cleo"."""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _counted(names: Sequence[str], noun: str) -> str:
    return names[0] if len(names) == 1 else f"{len(names)} {noun}s"


def batch_name(personas: Sequence[str], styles: Sequence[str], day: date) -> str:
    """ "Maya Costa - Corporate, 6 Dec 2026"; "3 personas - 2 styles, 6 Dec 2026"."""
    when = f", {day.day} {day:%b %Y}"
    head = f"{_counted(personas, 'persona')} - {_counted(styles, 'style')}"
    if len(head) + len(when) > NAME_MAX:
        head = head[: NAME_MAX - len(when) - 1] + "…"
    return head + when


def key_words(provider: str, key: str) -> str:
    """How the batch reaches a provider: "the built-in renderer", "OpenAI key Mia's (sk-…fc68)"."""
    if entry(provider).key is None:
        return f"the {display_name(provider).lower()}"
    return f"{display_name(provider)} key {key}"


def estimate_sentence(
    count: int,
    total: Decimal,
    seconds: float,
    personas: Iterable[str],
    keys: dict[str, str],
) -> str:
    """The Generate page's summary of a priced batch. `keys` maps each provider the batch uses
    to the key it will use, as generation.key_selection shows it; `seconds` is how long the slowest
    chosen model usually takes (images are made side by side, so the batch takes about that)."""
    price = "free" if total <= 0 else f"at most {money(total)}"
    made = f"{count} portrait{'s' if count != 1 else ''}, {price}, {duration(seconds)}"
    by = listing([key_words(provider, key) for provider, key in keys.items()])
    return f"{made}; {listing(sorted(set(personas), key=str.lower))} with {by}"
