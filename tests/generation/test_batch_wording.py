"""The estimate's words: money as people write it, rounded up (an estimate is a ceiling), time,
a batch's default name, and the sentence that puts them together."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from generation.batch_wording import batch_name, duration, estimate_sentence, money

DAY = date(2026, 12, 6)


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        ("0", "free"),
        ("0.0055", "$0.0055"),
        ("0.00541", "$0.0055"),  # up, never down: "at most" must stay true
        ("0.04", "$0.04"),
        ("0.0405", "$0.0405"),
        ("0.32640000", "$0.33"),
        ("0.33", "$0.33"),
        ("12.5", "$12.50"),
        ("1234.001", "$1,234.01"),
    ],
)
def test_money_as_people_write_it(amount: str, written: str) -> None:
    assert money(Decimal(amount)) == written


@pytest.mark.parametrize(
    ("seconds", "written"),
    [(0.4, "about 1 s"), (6, "about 6 s"), (38, "about 40 s"), (95, "about 2 min")],
)
def test_duration(seconds: float, written: str) -> None:
    assert duration(seconds) == written


def test_a_batch_is_named_after_what_is_in_it() -> None:
    assert batch_name(["Maya Costa"], ["Corporate"], DAY) == "Maya Costa - Corporate, 6 Dec 2026"
    assert (
        batch_name(["Maya", "Leo", "Ana"], ["A", "B"], DAY) == "3 personas - 2 styles, 6 Dec 2026"
    )
    assert batch_name(["Maya"], ["A", "B"], DAY) == "Maya - 2 styles, 6 Dec 2026"


def test_a_long_default_name_fits_the_field_and_keeps_its_date() -> None:
    name = batch_name(["M" * 80], ["S" * 120], DAY)
    assert len(name) == 120
    assert name.endswith("…, 6 Dec 2026")


def test_the_estimate_sentence() -> None:
    keys = {"openai": "sk-…fc68 (Mia's OpenAI)", "builtin": "no key needed"}
    sentence = estimate_sentence(8, Decimal("0.3264"), 38, ["Maya Costa", "Maya Costa"], keys)
    assert sentence == (
        "8 portraits, at most $0.33, about 40 s; Maya Costa with OpenAI key sk-…fc68 "
        "(Mia's OpenAI) and the built-in renderer"
    )


def test_the_built_in_renderer_is_free() -> None:
    sentence = estimate_sentence(1, Decimal(0), 1, ["Leo", "Ana"], {"builtin": "no key needed"})
    assert sentence == "1 portrait, free, about 1 s; Ana and Leo with the built-in renderer"
