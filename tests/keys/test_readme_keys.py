"""The example keys the READMEs give for trying the app against the emulator pass the Add key
form's own shape check (an example the form refuses, like `sk-test-emulator-0000`, would stop a
newcomer at the first step), and the emulator accepts them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from catalog import Provider
from generation.provider_keys.forms import key_problem
from tests.emulator import Emulator
from tests.emulator_tests.helpers import bfl_submit, gemini_body, gemini_post, generate

ROOT = Path(__file__).resolve().parents[2]
READMES = (ROOT / "README.md", ROOT / "tests" / "emulator" / "README.md")
PROVIDER_BY_PREFIX = {
    "sk-or-": Provider.OPENROUTER,  # before OpenAI's sk-: the longest prefix names the provider
    "sk-": Provider.OPENAI,
    "AIza": Provider.GOOGLE,
    "bfl-": Provider.BFL,
}
# A key in backticks, as the READMEs write them: `sk-test-emulator-key-0000`.
EXAMPLE = re.compile(r"`((?:sk-|AIza|bfl-)[A-Za-z0-9_-]{8,})`")  # not a bare prefix like `sk-or-`


def _examples() -> list[tuple[Provider, str]]:
    found = []
    for readme in READMES:
        for key in EXAMPLE.findall(readme.read_text()):
            prefix = next(p for p in PROVIDER_BY_PREFIX if key.startswith(p))
            found.append((PROVIDER_BY_PREFIX[prefix], key))
    return found


EXAMPLES = _examples()


def test_the_readmes_give_an_example_key_for_each_provider() -> None:
    assert {provider for provider, _ in EXAMPLES} == set(PROVIDER_BY_PREFIX.values())
    assert (Provider.OPENAI, "sk-test-emulator-key-0000") in EXAMPLES


@pytest.mark.parametrize(("provider", "key"), EXAMPLES, ids=[key for _, key in EXAMPLES])
def test_an_example_key_passes_the_add_key_forms_shape_check(provider: Provider, key: str) -> None:
    assert key_problem(provider, key) is None


def _ordinary(provider: Provider) -> list[str]:
    """The README's examples for `provider` that are meant to work (not fault-NAME keys)."""
    return [key for p, key in EXAMPLES if p == provider and "fault-" not in key]


def test_the_emulator_accepts_the_example_keys(emulator: Emulator) -> None:
    for key in _ordinary(Provider.OPENAI):
        assert generate(emulator, key=key).status_code == 200, key
    for key in _ordinary(Provider.GOOGLE):
        assert gemini_post(emulator, gemini_body(), key=key).status_code == 200, key
    for key in _ordinary(Provider.BFL):
        assert bfl_submit(emulator, key=key).status_code == 200, key
