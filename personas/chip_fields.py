"""Picking a look or a scene by clicking: the chips of the persona and style forms.

A field with a small set of answers (personas.choices) is a group of radio buttons drawn as chips,
some with a colour swatch. Where the world offers more than the set, the chips stand beside the
field's own text box ("pick or type"): the chips post as `<field>_pick`, the text box as
`<field>` itself, and the stored value is

    a chip's word              when a listed chip is picked,
    the typed words            when "Other" is picked, or nothing is (so a form posted without
                               the chips, or a browser without JavaScript, still saves its text).

Stored values stay the plain words of personas.choices, which prompts use as they stand. Forms use
these definitions with validation (personas.forms); the live previews read the same posted
fields leniently with `lenient_values`, so a half-filled form still draws.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import Field, Model

from personas.choices import (
    GARMENT_COLOURS,
    HAIR_COLOURS,
    HAIR_STYLES,
    SKIN_TONES,
    Backdrop,
    Framing,
    Garment,
    Glasses,
    HairLength,
    Lighting,
    Mood,
)
from personas.models import AgeRange

OTHER = "other"  # the "Other" chip of a pick-or-type field
NOT_SET = ("", "Not set")

# Swatches of the suggested colours, as the chips show them (close to what the built-in renderer
# paints for the same words, but only a hint: the renderer reads the words, not these codes).
HAIR_SWATCHES = {
    "black": "#1f1b1a", "dark brown": "#3d2a1f", "brown": "#6b4a32", "auburn": "#8c3f22",
    "red": "#b4492b", "dark blonde": "#a3804f", "blonde": "#d9b66e", "platinum blonde": "#eee2c4",
    "grey": "#9b9b9b", "white": "#f0f0ee",
}  # fmt: skip
GARMENT_SWATCHES = {
    "black": "#1f2023", "white": "#f7f7f5", "navy": "#1f2a4d", "charcoal": "#3a3d42",
    "grey": "#8d9096", "beige": "#d9c8a9", "camel": "#b88b5a", "sage green": "#9cae92",
    "forest green": "#2f5236", "burgundy": "#6d1f2f", "red": "#c0392b", "mustard": "#d4a62a",
    "sky blue": "#8ec5e8", "cobalt": "#1f4fb5", "lavender": "#b9a6d9", "blush pink": "#efc1c4",
}  # fmt: skip


@dataclass(frozen=True)
class Pick:
    name: str  # the model field the value is stored in
    options: tuple[tuple[str, str], ...]  # (stored word, chip label)
    typed: bool = False  # free text allowed beside the chips
    swatches: Mapping[str, str] = field(default_factory=dict)

    @property
    def chips_name(self) -> str:
        """The posted name of the chips: the field itself, or `<field>_pick` beside its text."""
        return f"{self.name}_pick" if self.typed else self.name

    @property
    def values(self) -> set[str]:
        return {value for value, _ in self.options}

    def choices(self) -> list[tuple[str, str]]:
        return [NOT_SET, *self.options, *([(OTHER, "Other")] if self.typed else [])]

    def combine(self, picked: str, typed: str) -> str:
        """The stored value from a valid chip and the text box (see the module docstring)."""
        if self.typed:
            return picked if picked in self.values else " ".join(typed.split())
        return picked

    def initial_chip(self, stored: str) -> str:
        """Which chip shows a stored value as picked: its own, or "Other" for free text."""
        if stored in self.values or not self.typed:
            return stored
        return OTHER if stored else ""


def _words(words: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((word, word.capitalize()) for word in words)


PERSONA_PICKS = (
    Pick("age_range", tuple(AgeRange.choices)),
    Pick(
        "skin_tone",
        tuple((value, label) for value, label, _ in SKIN_TONES),
        typed=True,
        swatches={value: colour for value, _, colour in SKIN_TONES},
    ),
    Pick("hair_length", tuple(HairLength.choices)),
    Pick("hair_colour", _words(HAIR_COLOURS), typed=True, swatches=HAIR_SWATCHES),
    Pick("hair_style", _words(HAIR_STYLES), typed=True),
    Pick("glasses", tuple(Glasses.choices)),
    Pick("garment", tuple(Garment.choices)),
    Pick("garment_colour", _words(GARMENT_COLOURS), typed=True, swatches=GARMENT_SWATCHES),
)
STYLE_PICKS = (
    Pick("backdrop", tuple(Backdrop.choices)),
    Pick("lighting_direction", tuple(Lighting.choices)),
    Pick("framing", tuple(Framing.choices)),
    Pick("mood", tuple(Mood.choices)),
)


class Chips(forms.RadioSelect):
    """Radio buttons drawn as chips (templates/personas/_chips.html, app.css); an option whose
    word has a swatch carries its colour to the template as `swatch`."""

    def __init__(self, swatches: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.swatches = dict(swatches or {})

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)
        option["swatch"] = self.swatches.get(str(option["value"]), "")
        return option


def chips_field(pick: Pick, label: str) -> forms.ChoiceField:
    noun = label.lower()
    invalid = f"Pick one of the {noun} choices shown" + (", or Other." if pick.typed else ".")
    return forms.ChoiceField(
        label=label,
        choices=pick.choices(),
        required=False,
        widget=Chips(swatches=pick.swatches),
        error_messages={"invalid_choice": invalid},
    )


def lenient_values(
    data: Mapping[str, Any], model: type[Model], names: tuple[str, ...], picks: tuple[Pick, ...]
) -> dict[str, str]:
    """The stored values a half-filled form stands for, for a live preview: every text cut to
    its field's length, a chip outside its set read as not picked. Never an error."""
    by_name = {pick.name: pick for pick in picks}
    values = {}
    for name in names:
        model_field = model._meta.get_field(name)
        assert isinstance(model_field, Field)
        limit = model_field.max_length or 4000
        typed = str(data.get(name, ""))[:limit]
        pick = by_name.get(name)
        if pick is None:
            values[name] = typed
            continue
        picked = str(data.get(pick.chips_name, ""))
        valid = picked in pick.values or (pick.typed and picked == OTHER)
        values[name] = pick.combine(picked if valid else "", typed if pick.typed else "")[:limit]
    return values
