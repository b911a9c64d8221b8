from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from avatarapp.workspaces.models import Workspace
from generation.catalog import (
    ASPECT_RATIOS,
    RESOLUTIONS,
    CatalogError,
    CatalogModel,
    Family,
    available_models,
    check_available,
    get_model,
)
from generation.services import (
    MAX_PER_COMBINATION,
    MAX_SEED,
    PER_COMBINATION_RANGE,
    SEED_RANGE,
    BatchRequest,
    SubmitError,
)
from personas.faces import face_image_id
from personas.library import BUILTIN_STYLES
from personas.models import Persona, Style

# xhigh and max exist only on some models; the shared vocabulary is these three.
USER_QUALITIES = ("low", "medium", "high")


PROVIDER_GROUPS = {
    "builtin": "Built-in (no key)",
    "openai": "OpenAI",
    "bfl": "Black Forest Labs",
    "google": "Google",
    "openai_compatible": "Your own server",
}


def generatable_models() -> list[CatalogModel]:
    """Available models we have an adapter for. Imagen speaks Google's `:predict` protocol, which
    is not in contracts/ yet, so it stays in the catalog (for prices) but is not offered."""
    today = timezone.now().date()
    return [m for m in available_models(today) if m.family != Family.IMAGEN]


def model_choices() -> list[tuple[str, str]]:
    return [(m.id, m.display_name) for m in generatable_models()]


def model_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    groups: dict[str, list[tuple[str, str]]] = {name: [] for name in PROVIDER_GROUPS}
    for model in generatable_models():
        groups[str(model.provider)].append((model.id, model.display_name))
    return [(PROVIDER_GROUPS[name], models) for name, models in groups.items() if models]


def unavailable_reason(model_id: str) -> str:
    """Why a model is not on offer, in the catalog's words ("gpt-image-1 was shut down on
    2026-10-23; use GPT Image 2 instead.") - a page opened before a shutdown still posts it."""
    try:
        check_available(model_id, timezone.now().date())
        model = get_model(model_id)
    except CatalogError as error:
        return error.user_message
    return f"{model.display_name} cannot be used for generating yet; choose another model."


class ModelsField(forms.MultipleChoiceField):
    """Refuses a model that is not on offer with the reason, not "Select a valid choice"."""

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        refusals = [
            ValidationError(unavailable_reason(model_id), code="unavailable")
            for model_id in value
            if not self.valid_value(model_id)
        ]
        if refusals:
            raise ValidationError(refusals)


def _choices_sentence(what: str, options: tuple[str, ...]) -> dict[str, str]:
    """A setting's messages: what it offers, in a sentence (a posted value may be anything)."""
    offered = f"{', '.join(options[:-1])} or {options[-1]}"
    return {
        "required": f"Choose {offered}.",
        "invalid_choice": f"“%(value)s” is not {what} on offer here; choose {offered}.",
    }


# The general "Choose at least one persona, one style and one model" is for a form that is only
# unfinished: nothing wrong, just these still empty (see BatchForm.unfinished).
PICKS = ("personas", "styles", "models")
# SubmitError.field names a BatchRequest field; these three are named differently here.
BATCH_FIELDS = {"persona_ids": "personas", "style_keys": "styles", "model_ids": "models"}


class BatchForm(forms.Form):
    personas = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        label="Personas",
        error_messages={"required": "Choose at least one persona."},
    )
    styles = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        label="Styles",
        error_messages={"required": "Choose at least one style."},
    )
    models = ModelsField(
        widget=forms.CheckboxSelectMultiple,
        label="Models",
        error_messages={"required": "Choose at least one model."},
    )
    per_combination = forms.TypedChoiceField(
        label="Images per combination",
        coerce=int,
        choices=[(n, str(n)) for n in range(1, MAX_PER_COMBINATION + 1)],
        initial=1,
        error_messages={"required": PER_COMBINATION_RANGE, "invalid_choice": PER_COMBINATION_RANGE},
    )
    aspect_ratio = forms.ChoiceField(
        label="Aspect ratio",
        choices=[(a, a) for a in ASPECT_RATIOS],
        initial="4:5",
        error_messages=_choices_sentence("an aspect ratio", ASPECT_RATIOS),
    )
    resolution = forms.ChoiceField(
        label="Resolution",
        choices=[(r, r) for r in RESOLUTIONS],
        initial="1K",
        error_messages=_choices_sentence("a resolution", RESOLUTIONS),
    )
    quality = forms.ChoiceField(
        label="Quality",
        choices=[(q, q.capitalize()) for q in USER_QUALITIES],
        initial="medium",
        error_messages=_choices_sentence("a quality", USER_QUALITIES),
    )
    # Shown only when a link brought one ("Reuse these settings", see generation.prefill): a
    # blank seed, the usual case, gives every image a new one.
    seed = forms.IntegerField(
        label="Seed",
        required=False,
        min_value=0,
        max_value=MAX_SEED,
        help_text=(
            "The same seed and settings make a picture close to the original. Only the built-in "
            "renderer and FLUX models use it; empty it for something new."
        ),
        error_messages={"invalid": SEED_RANGE, "min_value": SEED_RANGE, "max_value": SEED_RANGE},
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.persona_objects = list(
            Persona.objects.filter(workspace=workspace, archived_at=None)
            .annotate(face_image_id=face_image_id())
            .order_by("name")
        )
        self._choices("personas", [(str(p.pk), p.name) for p in self.persona_objects])
        workspace_styles = Style.objects.filter(workspace=workspace).order_by("name")
        self._choices(
            "styles",
            [(f"style:{s.pk}", s.name) for s in workspace_styles]
            + [(s.key, s.name) for s in BUILTIN_STYLES],
        )
        self._choices("models", model_choices())

    def _choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    @property
    def shows_seed(self) -> bool:
        return self["seed"].value() not in (None, "")

    def unfinished(self) -> bool:
        """True when the only errors are personas, styles or models not chosen yet."""
        errors = self.errors.as_data()
        return bool(errors) and all(
            name in PICKS and all(error.code == "required" for error in field_errors)
            for name, field_errors in errors.items()
        )

    def field_problems(self) -> list[tuple[str, str]]:
        """(field label, message) for every error that belongs to a field."""
        return [
            (str(self.fields[name].label), str(message))
            for name, messages in self.errors.items()
            if name != NON_FIELD_ERRORS
            for message in messages
        ]

    def add_refusal(self, error: SubmitError) -> None:
        """A refusal from planning or submitting, beside the field it is about if it has one."""
        field = BATCH_FIELDS.get(error.field, error.field) if error.field else None
        self.add_error(field, str(error))

    def batch(self) -> BatchRequest:
        data = self.cleaned_data
        return BatchRequest(
            persona_ids=list(data["personas"]),
            style_keys=list(data["styles"]),
            model_ids=list(data["models"]),
            per_combination=data["per_combination"],
            aspect_ratio=data["aspect_ratio"],
            resolution=data["resolution"],
            quality=data["quality"],
            seed=data.get("seed"),
        )
