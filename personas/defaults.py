"""A persona's defaults for generating: the model, aspect ratio, resolution and quality the
Generate page starts with when the persona is chosen. A persona without a default model takes
the chosen style's recommended model instead; a persona without default settings, the style's
aspect ratio and quality.

A default is checked against the catalog when it is set, so that Generate never preselects
something the model cannot make: a retired or unknown model, or settings the model refuses, are
refused with the catalog's own sentence. (A model can still retire later; Generate checks again
and says so.)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from catalog import (
    ASPECT_RATIOS,
    RESOLUTIONS,
    CatalogError,
    UnsupportedParamsError,
    check_available,
    resolve_params,
)
from personas.errors import PersonaError
from personas.models import QUALITY_CHOICES, Persona
from personas.style_specs import StyleSpec

QUALITIES = tuple(value for value, _label in QUALITY_CHOICES)
# The catalog's parameter names -> the persona's fields, so a refusal lands beside its field.
FIELD_OF_PARAM = {
    "aspect_ratio": "default_aspect",
    "resolution": "default_resolution",
    "quality": "default_quality",
}
SETTINGS_TOGETHER = (
    "Choose an aspect ratio, a resolution and a quality together, or leave all three empty "
    "to keep the Generate page's own settings."
)


class DefaultsError(PersonaError):
    """A refused default. `field` names the persona field it is about; the message is a
    sentence a user can act on."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Defaults:
    """What Generate starts with: a model id ("" for none) and the settings (all or none)."""

    model_id: str = ""
    aspect_ratio: str = ""
    resolution: str = ""
    quality: str = ""

    @property
    def settings(self) -> dict[str, str]:
        """The Generate form's setting fields -> values; empty when there are none."""
        values = {
            "aspect_ratio": self.aspect_ratio,
            "resolution": self.resolution,
            "quality": self.quality,
        }
        return {name: value for name, value in values.items() if value}


def check_defaults(defaults: Defaults) -> None:
    """Raise DefaultsError unless the catalog offers the model today and it can make the
    settings. Blank is allowed: no model, or no settings (but not some settings)."""
    if defaults.model_id:
        try:
            check_available(defaults.model_id, timezone.now().date())
        except CatalogError as error:
            raise DefaultsError(error.user_message, field="default_model") from None
    chosen = defaults.settings
    if not chosen:
        return
    for name, offered in (
        ("aspect_ratio", ASPECT_RATIOS),
        ("resolution", RESOLUTIONS),
        ("quality", QUALITIES),
    ):
        if name not in chosen:
            raise DefaultsError(SETTINGS_TOGETHER, field=FIELD_OF_PARAM[name])
        if chosen[name] not in offered:
            what = name.replace("_", " ")
            raise DefaultsError(
                f"“{chosen[name][:20]}” is not {what} on offer; choose {', '.join(offered)}.",
                field=FIELD_OF_PARAM[name],
            )
    if defaults.model_id:
        try:
            resolve_params(defaults.model_id, **chosen)
        except UnsupportedParamsError as error:
            raise DefaultsError(
                error.user_message, field=FIELD_OF_PARAM.get(error.param, "default_model")
            ) from None


def persona_defaults(persona: Persona, style: StyleSpec | None = None) -> Defaults:
    """What Generate starts with for `persona` with `style` (the first chosen, if any)."""
    model_id = persona.default_model or (style.recommended_model if style else "")
    if persona.default_aspect:
        settings = (persona.default_aspect, persona.default_resolution, persona.default_quality)
    elif style:
        settings = (style.aspect, "", style.quality)  # a style has no resolution of its own
    else:
        settings = ("", "", "")
    return Defaults(model_id, *settings)
