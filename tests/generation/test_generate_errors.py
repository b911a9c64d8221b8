"""The Generate form says what is wrong with each field, beside that field and in
the live estimate, instead of "Choose at least one persona, one style and one model" for all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from generation.models import BudgetPeriod, Image, Job, LedgerEntry
from personas.models import Persona
from tests.conftest import World
from tests.generation.conftest import generate_form, store_every_key
from tests.markup import find, find_all, text

NOTHING_CHOSEN = "Choose at least one persona, one style and one model."
CHECKBOX_GROUPS = {"personas", "styles", "models"}


@pytest.fixture
def editor(in_team: Callable[[str], Client], world: World) -> Client:
    """The team's editor, in a team with a key for every provider: these tests are about what
    each model can make, not about keys."""
    store_every_key(world.membership("owner"))
    return in_team("editor")


def assert_nothing_written() -> None:
    assert (Job.objects.count(), Image.objects.count(), LedgerEntry.objects.count()) == (0, 0, 0)
    assert all(period.reserved_usd == 0 for period in BudgetPeriod.objects.all())


# Each case: the field it belongs to, what was posted, the exact sentence.
CASES = [
    pytest.param(
        "models",
        "Models",
        {"models": ["gpt-image-1"]},
        "gpt-image-1 was shut down on 2026-10-23; use GPT Image 2 instead.",
        id="retired-gpt-image-1",
    ),
    pytest.param(
        "models",
        "Models",
        {"models": ["dall-e-3"]},
        "dall-e-3 was shut down on 2026-05-12; use GPT Image 2 instead.",
        id="retired-dall-e-3",
    ),
    pytest.param(
        "quality",
        "Quality",
        {"quality": "xhigh"},
        "“xhigh” is not a quality on offer here; choose low, medium or high.",
        id="quality-not-offered",
    ),
    pytest.param(
        "aspect_ratio",
        "Aspect ratio",
        {"aspect_ratio": "21:9"},
        "“21:9” is not an aspect ratio on offer here; choose 1:1, 4:5, 3:4, 4:3, 16:9, 9:16, "
        "2:3 or 3:2.",
        id="aspect-not-offered",
    ),
    pytest.param(
        "resolution",
        "Resolution",
        {"models": ["flux-2-pro"], "resolution": "4K"},
        "FLUX.2 [pro] cannot make 4K images; it goes up to 4 megapixels (2048x2048). "
        "Choose 1K or 2K.",
        id="size-the-model-cannot-make",
    ),
    pytest.param(
        "per_combination",
        "Images per combination",
        {"per_combination": "5"},
        "Make between 1 and 4 images per combination.",
        id="count-above-range",
    ),
    pytest.param(
        "per_combination",
        "Images per combination",
        {"per_combination": "0"},
        "Make between 1 and 4 images per combination.",
        id="count-below-range",
    ),
    pytest.param(
        "models",
        "Models",
        {
            "models": [
                "builtin",
                "gpt-image-2",
                "flux-2-pro",
                "gemini-2.5-flash-image",
                "openai-compatible",
            ]
        },
        "Compare at most 4 models at once.",
        id="too-many-models",
    ),
]


def assert_marked(page: str, field: str, sentence: str) -> None:
    """The sentence sits in the field's error element, and the field's control is marked
    invalid and described by it (what a screen reader announces on reaching the control)."""
    error_id = f"id_{field}_error"
    assert text(find(page, id=error_id)) == sentence
    if field in CHECKBOX_GROUPS:
        assert find(page, "fieldset", aria_describedby=error_id)
        boxes = find_all(page, "input", name=field)
        assert boxes, f"no {field} checkboxes on the page"
        assert all(dict(box.attributes).get("aria-invalid") == "true" for box in boxes)
    else:
        control = find(page, "select", name=field)
        assert dict(control.attributes)["aria-invalid"] == "true"
        assert dict(control.attributes)["aria-describedby"] == error_id


@pytest.mark.parametrize(("field", "label", "posted", "sentence"), CASES)
def test_the_page_shows_the_fields_own_message_and_writes_nothing(
    editor: Client, persona: Persona, field: str, label: str, posted: dict[str, Any], sentence: str
) -> None:
    response = editor.post(reverse("generation:generate"), generate_form(persona, **posted))
    assert response.status_code == 200
    page = response.content.decode()
    assert_marked(page, field, sentence)
    assert f"{label}: {sentence}" in text(find(page, id="estimate"))
    assert NOTHING_CHOSEN not in page
    assert_nothing_written()


@pytest.mark.parametrize(("field", "label", "posted", "sentence"), CASES)
def test_the_live_estimate_shows_the_fields_own_message(
    editor: Client, persona: Persona, field: str, label: str, posted: dict[str, Any], sentence: str
) -> None:
    response = editor.post(
        reverse("generation:estimate"), generate_form(persona, **posted), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    estimate = find(fragment, id="estimate")
    assert f"{label}: {sentence}" in text(estimate)
    assert NOTHING_CHOSEN not in fragment
    assert "disabled" in dict(find(fragment, "button", id="generate-button").attributes)
    assert_nothing_written()


def test_each_wrong_field_is_listed_when_two_are_wrong(editor: Client, persona: Persona) -> None:
    posted = generate_form(persona, styles=[], models=["gpt-image-1"])
    fragment = editor.post(reverse("generation:estimate"), posted).content.decode()
    summary = text(find(fragment, id="estimate"))
    assert "Styles: Choose at least one style." in summary
    assert "Models: gpt-image-1 was shut down on 2026-10-23; use GPT Image 2 instead." in summary
    assert NOTHING_CHOSEN not in summary


def test_an_unfinished_form_gets_a_hint_not_an_error(editor: Client, persona: Persona) -> None:
    """Nothing is called wrong while the person is still picking; pressing Generate
    says what is missing, beside each group."""
    for posted in (
        generate_form(persona, personas=[], styles=[], models=[]),
        generate_form(persona, models=[]),  # a persona and a style chosen, no model yet
    ):
        fragment = editor.post(reverse("generation:estimate"), posted).content.decode()
        summary = text(find(fragment, id="estimate"))
        assert "Pick at least one persona, one style and one model" in summary
        assert find_all(fragment, role="alert") == []
        assert "disabled" not in dict(find(fragment, "button", id="generate-button").attributes)
    page = editor.post(reverse("generation:generate"), generate_form(persona, models=[]))
    assert text(find(page.content.decode(), id="id_models_error")) == "Choose at least one model."
    assert_nothing_written()


def test_a_good_batch_still_prices_and_submits(editor: Client, persona: Persona) -> None:
    fragment = editor.post(reverse("generation:estimate"), generate_form(persona)).content.decode()
    assert "1 portrait, free" in text(find(fragment, id="estimate"))
    assert "disabled" not in dict(find(fragment, "button", id="generate-button").attributes)
    response = editor.post(reverse("generation:generate"), generate_form(persona))
    assert response.status_code == 302
    assert Job.objects.get().images.count() == 1
