"""Composed-prompt previews for the persona page and the persona form (what will be sent)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from catalog import (
    DEFAULT_MODEL_ID,
    CatalogError,
    CatalogModel,
    available_models,
    check_available,
    get_model,
)
from personas.prompts import ComposedPrompt, PersonaLike, compose_for_model
from personas.style_specs import StyleSpec


@dataclass(frozen=True)
class Preview:
    style: StyleSpec
    model: CatalogModel | None
    prompt: ComposedPrompt | None
    note: str = ""  # a deprecation warning, or why there is no prompt


def model_for(style: StyleSpec, persona_default: str = "", chosen: str = "") -> str:
    """Which model a preview is for: the one chosen on the page, else the persona's default,
    else the style's recommendation, else the catalog default."""
    return chosen or persona_default or style.recommended_model or DEFAULT_MODEL_ID


def model_choices(today: date | None = None) -> list[tuple[str, str]]:
    today = today or timezone.now().date()
    return [(m.id, m.display_name) for m in available_models(today)]


def build_previews(
    persona: PersonaLike,
    styles: list[StyleSpec],
    *,
    persona_default: str = "",
    chosen_model: str = "",
    references: int = 0,
    today: date | None = None,
) -> list[Preview]:
    today = today or timezone.now().date()
    previews = []
    for style in styles:
        model_id = model_for(style, persona_default, chosen_model)
        try:
            model = get_model(model_id)
            note = check_available(model_id, today) or ""
        except CatalogError as error:
            previews.append(Preview(style, None, None, error.user_message))
            continue
        prompt = compose_for_model(persona, style, model_id, references=references)
        previews.append(Preview(style, model, prompt, note))
    return previews
