"""Persona, style and reference-image forms. Every refusal is a sentence shown beside its field."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from avatarapp.workspaces.models import Workspace
from catalog import CatalogError, check_available, resolve_params
from personas.chip_fields import PERSONA_PICKS, STYLE_PICKS, Chips, Pick, chips_field
from personas.choices import HEX_COLOUR_PATTERN
from personas.defaults import Defaults, DefaultsError, check_defaults
from personas.models import (
    ASPECT_CHOICES,
    BRIEF_FIELDS,
    DEFAULT_FIELDS,
    LOOK_FIELDS,
    MAX_STYLE_REFERENCES,
    QUALITY_CHOICES,
    RESOLUTION_CHOICES,
    Persona,
    Style,
    StyleReference,
)
from personas.prompt_previews import model_choices

MAX_TAGS = 12
MAX_TAG_LENGTH = 30


def _model_field(label: str, blank_label: str, help_text: str) -> forms.CharField:
    """A catalog model picker. A CharField, not a ChoiceField, so that an unknown or retired id
    is refused with the catalog's own sentence (which names the replacement)."""
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Select(choices=[("", blank_label), *model_choices()]),
    )


def _clean_model(value: str) -> str:
    value = value.strip()
    if value:
        try:
            check_available(value, timezone.now().date())
        except CatalogError as error:
            raise forms.ValidationError(error.user_message) from None
    return value


class PicksForm(forms.ModelForm):
    """A model form whose `picks` are chips (personas.chip_fields): the chips fields are added here,
    show the stored value (free text as "Other"), and are combined back into it on clean."""

    picks: tuple[Pick, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for pick in self.picks:
            label = str(self.fields[pick.name].label)
            self.fields[pick.chips_name] = chips_field(pick, label)
            if pick.typed:
                self.fields[pick.name].label = f"Other {label.lower()}"
            stored = str(self.initial.get(pick.name) or "")
            self.initial[pick.chips_name] = pick.initial_chip(stored)
            if pick.typed and stored in pick.values:
                self.initial[pick.name] = ""  # the chip shows it; the text box stays free

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        for pick in self.picks:
            if pick.typed and pick.chips_name in cleaned and pick.name in cleaned:
                cleaned[pick.name] = pick.combine(cleaned[pick.chips_name], cleaned[pick.name])
        return cleaned

    def has_any(self, *names: str) -> bool:
        """Whether any of these fields holds a value or an error (a folded group opens then)."""
        return any(self[name].value() or self[name].errors for name in names)


class PersonaForm(PicksForm):
    picks = PERSONA_PICKS
    tags = forms.CharField(
        required=False,
        max_length=MAX_TAGS * (MAX_TAG_LENGTH + 2),
        help_text="Comma-separated, e.g. b2b, early adopter.",
    )

    class Meta:
        model = Persona
        fields = (*BRIEF_FIELDS, *LOOK_FIELDS, *DEFAULT_FIELDS)
        widgets = {
            "personality": forms.TextInput(attrs={"placeholder": "e.g. warm, analytical, direct"}),
            "goals": forms.Textarea(attrs={"rows": 3}),
            "pain_points": forms.Textarea(attrs={"rows": 3}),
            "backstory": forms.Textarea(attrs={"rows": 4}),
            "features": forms.TextInput(attrs={"placeholder": "e.g. freckles, a small scar"}),
            "wardrobe": forms.TextInput(attrs={"placeholder": "e.g. linen shirt, silver watch"}),
        }
        labels = {
            "pain_points": "Pain points",
            "hair_colour": "Hair colour",
            "garment": "Outfit",
            "garment_colour": "Outfit colour",
            "wardrobe": "Wardrobe details",
            "default_aspect": "Default aspect ratio",
            "default_resolution": "Default resolution",
            "default_quality": "Default quality",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["default_model"] = _model_field(
            "Default model",
            "None: use each style's recommendation",
            "Used for this persona's prompt previews and ticked on Generate when you pick "
            "this persona.",
        )
        for name, choices in (
            ("default_aspect", ASPECT_CHOICES),
            ("default_resolution", RESOLUTION_CHOICES),
            ("default_quality", QUALITY_CHOICES),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", "None: the page's own"), *choices]
        if self.instance.pk and not self.is_bound:
            self.initial["tags"] = ", ".join(self.instance.tags)

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the persona a name.")
        return name

    def clean_tags(self) -> list[str]:
        tags: dict[str, str] = {}
        for raw in self.cleaned_data["tags"].split(","):
            tag = " ".join(raw.split())
            if len(tag) > MAX_TAG_LENGTH:
                raise forms.ValidationError(
                    f"Keep each tag to {MAX_TAG_LENGTH} characters or fewer "
                    f"('{tag[:20]}…' is longer)."
                )
            if tag:
                tags.setdefault(tag.lower(), tag)
        if len(tags) > MAX_TAGS:
            raise forms.ValidationError(f"Use at most {MAX_TAGS} tags.")
        return list(tags.values())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not any(name in self.errors for name in DEFAULT_FIELDS):
            try:
                check_defaults(Defaults(*(cleaned.get(name, "") for name in DEFAULT_FIELDS)))
            except DefaultsError as error:
                self.add_error(error.field, str(error))
        return cleaned

    def clean_default_model(self) -> str:
        return _clean_model(self.cleaned_data["default_model"])


SCENE_FIELDS = ("backdrop_colour", "backdrop", "lighting_direction", "framing", "mood")
STYLE_DETAIL_FIELDS = ("description", "palette", "background", "lighting", "lens", "wardrobe_rules")


class StyleForm(PicksForm):
    """A style by looking: the scene as a colour and chips, the rest in words. `incoming` is the
    number of reference images waiting to be attached on save (personas.uploads)."""

    picks = STYLE_PICKS

    class Meta:
        model = Style
        fields = (
            "name",
            *SCENE_FIELDS,
            *STYLE_DETAIL_FIELDS,
            "recommended_model",
            "default_aspect",
            "default_quality",
        )
        labels = {
            "lens": "Lens and framing",
            "default_aspect": "Default aspect ratio",
            "backdrop": "Backdrop",
            "lighting_direction": "Light",
            "lighting": "Lighting, in words",
            "background": "Background, in words",
        }
        help_texts = {"backdrop_colour": "A # and six digits or letters a-f, e.g. #d9e4dd."}
        widgets = {
            "backdrop_colour": forms.TextInput(
                attrs={"placeholder": "#d9e4dd", "size": 8, "spellcheck": "false"}
            ),
            "palette": forms.TextInput(attrs={"placeholder": "e.g. teal, warm white, charcoal"}),
            "background": forms.TextInput(attrs={"placeholder": "e.g. plain warm-white wall"}),
            "lighting": forms.TextInput(attrs={"placeholder": "e.g. soft window light"}),
            "lens": forms.TextInput(attrs={"placeholder": "e.g. 85mm, head and shoulders"}),
        }

    def __init__(self, *args: Any, workspace: Workspace, incoming: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.incoming = incoming
        self.fields["recommended_model"] = _model_field(
            "Recommended model",
            "None: the catalog default",
            "Previews and new generations with this style start with this model.",
        )
        self.kept = (
            self.instance.references.all() if self.instance.pk else StyleReference.objects.none()
        )
        self.fields["remove_references"] = forms.ModelMultipleChoiceField(
            queryset=self.kept,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label="Reference images to remove",
            error_messages={"invalid_choice": "That image is no longer one of this style's."},
        )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the style a name.")
        taken = self.workspace.styles.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(f"This workspace already has a style called {name}.")
        return name

    def clean_backdrop_colour(self) -> str:
        colour = self.cleaned_data["backdrop_colour"].strip().lower()
        if colour and not colour.startswith("#"):
            colour = f"#{colour}"
        if colour and not re.fullmatch(HEX_COLOUR_PATTERN, colour):
            raise forms.ValidationError(
                "Type the colour as # and six digits or letters a-f (like #d9e4dd), "
                "or pick it with the colour picker."
            )
        return colour

    def clean_recommended_model(self) -> str:
        return _clean_model(self.cleaned_data["recommended_model"])

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        model_id = cleaned.get("recommended_model")
        aspect, quality = cleaned.get("default_aspect"), cleaned.get("default_quality")
        if model_id and aspect and quality:
            try:
                resolve_params(model_id, aspect, "1K", quality)
            except CatalogError as error:
                self.add_error("default_aspect", error.user_message)
        total = self.kept.count() - len(cleaned.get("remove_references") or ()) + self.incoming
        if total > MAX_STYLE_REFERENCES:
            raise forms.ValidationError(
                f"A style holds up to {MAX_STYLE_REFERENCES} reference images; this one would "
                f"have {total}. Remove {total - MAX_STYLE_REFERENCES} to save it."
            )
        return cleaned


class TransferForm(forms.Form):
    """Copy or move a persona to another workspace where the user is an editor or more."""

    workspace = forms.ChoiceField(
        label="To workspace",
        error_messages={
            "invalid_choice": "Pick one of the workspaces where you can edit personas.",
            "required": "Pick the workspace to copy or move the persona to.",
        },
    )
    action = forms.ChoiceField(
        label="Copy or move",
        choices=[
            ("copy", "Copy: this persona stays here too"),
            ("move", "Move: with its reference images; its portraits stay here"),
        ],
        initial="copy",
        widget=Chips,
        error_messages={"invalid_choice": "Choose Copy or Move."},
    )

    def __init__(self, *args: Any, targets: QuerySet[Workspace], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.targets = {str(w.pk): w for w in targets}
        field = self.fields["workspace"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(k, w.name) for k, w in self.targets.items()]

    @property
    def target(self) -> Workspace:
        return self.targets[self.cleaned_data["workspace"]]
