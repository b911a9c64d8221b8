"""What Generate ticks for the chosen personas (personas.defaults): each persona's default
model (or the first chosen style's recommendation, for a persona without one), up to the page's
model limit, and the settings of the first persona that has some.

It happens when the page opens with personas chosen (`?persona=<id>`, the persona page's
Generate link; see generation.prefill) and when someone ticks a persona (the estimate request
notices personas it has not applied defaults for yet; see `newly_ticked`). A model this member
cannot run (no key, retired, dropped by its provider's list) is not ticked; for a persona's own
default a sentence says why. A style's recommendation is only a suggestion: an unusable one is
passed over quietly, or a workspace without keys would read a note on every tick.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from django.http import QueryDict

from catalog import model_name
from generation.forms import BatchForm
from generation.services import MAX_MODELS
from personas.defaults import persona_defaults
from personas.models import Persona
from personas.style_specs import BUILTIN_BY_KEY, StyleSpec, spec_from_style

# The hidden field that says which chosen personas' defaults the page has applied already.
APPLIED = "defaults_applied"
SETTINGS = ("aspect_ratio", "resolution", "quality")  # the form fields defaults may set


@dataclass
class Preselection:
    models: list[str] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)
    settings_from: str = ""  # the id of the persona the settings are from
    notes: list[str] = field(default_factory=list)


def first_style(form: BatchForm, style_keys: list[str]) -> StyleSpec | None:
    """The first of these keys that names a style of the form's, as a spec."""
    mine = {f"style:{s.pk}": s for s in form.style_objects}
    for key in style_keys:
        if key in mine:
            return spec_from_style(mine[key])
        if key in BUILTIN_BY_KEY:
            return BUILTIN_BY_KEY[key]
    return None


def preselect(
    form: BatchForm,
    persona_ids: Collection[str],
    style_keys: list[str],
    not_offered: Mapping[str, str],
) -> Preselection:
    """The models and settings the personas' defaults ask for, in the page's persona order."""
    chosen: list[Persona] = [p for p in form.persona_objects if str(p.pk) in persona_ids]
    style = first_style(form, style_keys)
    result = Preselection()
    for persona in chosen:
        defaults = persona_defaults(persona, style)
        if defaults.settings and not result.settings:
            result.settings = _offered_settings(form, defaults.settings)
            result.settings_from = str(persona.pk)
        model_id = defaults.model_id
        if not model_id or model_id in result.models:
            continue
        reason = form.models_field.cannot_run(model_id) or not_offered.get(model_id, "")
        if reason:
            if persona.default_model:
                result.notes.append(
                    f"{persona.name}'s default model, {model_name(model_id)}, is not ticked. "
                    f"{reason}"
                )
        elif len(result.models) == MAX_MODELS:
            result.notes.append(
                f"{persona.name}'s default model, {model_name(model_id)}, is not ticked: "
                f"Generate compares at most {MAX_MODELS} models at once."
            )
        else:
            result.models.append(model_id)
    result.notes = list(dict.fromkeys(result.notes))
    return result


def _offered_settings(form: BatchForm, settings: dict[str, str]) -> dict[str, str]:
    offered = {}
    for name, value in settings.items():
        setting = form.fields[name]
        if setting.valid_value(value):  # type: ignore[attr-defined]
            offered[name] = value
    return offered


def newly_ticked(data: QueryDict) -> list[str]:
    """The posted personas whose defaults the page has not applied yet. None from a post
    without the field (a page from before it existed): its choices are left alone."""
    if APPLIED not in data:
        return []
    applied = set(data.get(APPLIED, "").split(","))
    return [pk for pk in data.getlist("personas") if pk not in applied]


def with_defaults(
    form: BatchForm, data: QueryDict, not_offered: Mapping[str, str]
) -> tuple[QueryDict, list[str]]:
    """The posted form `data` with the newly ticked personas' defaults applied (their models
    ticked beside those already ticked, the settings changed if the first persona's are new),
    and the notes to show."""
    fresh = newly_ticked(data)
    data = data.copy()
    data[APPLIED] = ",".join(data.getlist("personas"))
    if not fresh:
        return data, []
    # Only personas' own defaults on a tick: a style's recommendation would redraw the tiles for
    # every persona ticked after a style, racing the person's next ticks (the link path keeps it).
    styles: list[str] = []
    added = preselect(form, fresh, styles, not_offered)
    ticked = data.getlist("models")
    room = max(MAX_MODELS - len(ticked), 0)
    new_models = [m for m in added.models if m not in ticked]
    data.setlist("models", ticked + new_models[:room])
    notes = added.notes + [
        f"{model_name(m)} is not ticked: Generate compares at most {MAX_MODELS} models at once."
        for m in new_models[room:]
    ]
    everyone = preselect(form, data.getlist("personas"), styles, not_offered)
    if everyone.settings_from in fresh:
        data.update(everyone.settings)
    return data, notes


def changes_choices(before: QueryDict, after: QueryDict) -> bool:
    """Whether applying defaults ticked a model or changed a setting."""
    return before.getlist("models") != after.getlist("models") or any(
        before.get(name) != after.get(name) for name in SETTINGS
    )
