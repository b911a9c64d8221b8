"""Persona, style and reference-image forms. Every refusal is a sentence shown beside its field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from avatarapp import imagesafety
from avatarapp.workspaces.models import Workspace
from generation.catalog import CatalogError, check_available, resolve_params
from personas.models import BRIEF_FIELDS, LOOK_FIELDS, MAX_REFERENCES, Persona, Style
from personas.previews import model_choices
from personas.services import PreparedReference, prepare_reference

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


class PersonaForm(forms.ModelForm):
    tags = forms.CharField(
        required=False,
        max_length=MAX_TAGS * (MAX_TAG_LENGTH + 2),
        help_text="Comma-separated, e.g. b2b, early adopter.",
    )

    class Meta:
        model = Persona
        fields = (*BRIEF_FIELDS, *LOOK_FIELDS, "default_model")
        widgets = {
            "personality": forms.TextInput(attrs={"placeholder": "e.g. warm, analytical, direct"}),
            "goals": forms.Textarea(attrs={"rows": 3}),
            "pain_points": forms.Textarea(attrs={"rows": 3}),
            "backstory": forms.Textarea(attrs={"rows": 4}),
            "features": forms.TextInput(attrs={"placeholder": "e.g. freckles, a small scar"}),
        }
        labels = {"pain_points": "Pain points", "hair_colour": "Hair colour"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["default_model"] = _model_field(
            "Default model",
            "None: use each style's recommendation",
            "Used for this persona's prompt previews and as the first choice when generating.",
        )
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

    def clean_default_model(self) -> str:
        return _clean_model(self.cleaned_data["default_model"])


class StyleForm(forms.ModelForm):
    class Meta:
        model = Style
        fields = (
            "name",
            "description",
            "palette",
            "background",
            "lighting",
            "lens",
            "wardrobe_rules",
            "recommended_model",
            "default_aspect",
            "default_quality",
        )
        labels = {"lens": "Lens and framing", "default_aspect": "Default aspect ratio"}
        widgets = {
            "palette": forms.TextInput(attrs={"placeholder": "e.g. teal, warm white, charcoal"}),
            "background": forms.TextInput(attrs={"placeholder": "e.g. plain warm-white wall"}),
            "lighting": forms.TextInput(attrs={"placeholder": "e.g. soft window light"}),
            "lens": forms.TextInput(attrs={"placeholder": "e.g. 85mm, head and shoulders"}),
        }

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.fields["recommended_model"] = _model_field(
            "Recommended model",
            "None: the catalog default",
            "Previews and new generations with this style start with this model.",
        )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the style a name.")
        taken = self.workspace.styles.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(f"This workspace already has a style called {name}.")
        return name

    def clean_recommended_model(self) -> str:
        return _clean_model(self.cleaned_data["recommended_model"])

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        model_id = cleaned.get("recommended_model")
        aspect, quality = cleaned.get("default_aspect"), cleaned.get("default_quality")
        if model_id and aspect and quality:
            try:
                resolve_params(model_id, aspect, "1K", quality)
            except CatalogError as error:
                self.add_error("default_aspect", error.user_message)
        return cleaned


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented recipe)."""

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files:
            raise forms.ValidationError("Choose at least one image.", code="required")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ReferenceUploadForm(forms.Form):
    """Each file goes through the image safety pipeline here; nothing is stored until every file
    of the submission has passed, so a bad file leaves no half-saved upload behind."""

    images = MultipleFileField(
        label="Add reference images",
        help_text=f"PNG, JPEG or WEBP, up to {imagesafety.MAX_BYTES // (1024 * 1024)} MB each. "
        "Location and camera data are removed.",
        widget=MultipleImageInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )

    def clean_images(self) -> list[PreparedReference]:
        files: list[UploadedFile] = self.cleaned_data["images"]
        if len(files) > MAX_REFERENCES:
            raise forms.ValidationError(f"Choose at most {MAX_REFERENCES} images at a time.")
        prepared = []
        for upload in files:
            try:
                if upload.size is not None and upload.size > imagesafety.MAX_BYTES:
                    # Refused on the declared size, without reading a byte into memory.
                    raise imagesafety.UnsafeImageError(
                        f"This file is larger than {imagesafety.MAX_BYTES // (1024 * 1024)} MB."
                    )
                prepared.append(prepare_reference(imagesafety.read_capped(upload)))
            except imagesafety.UnsafeImageError as error:
                name = (upload.name or "image")[:60]
                raise forms.ValidationError(f"{name}: {error.user_message}") from None
        return prepared
