from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from avatarapp.workspaces.models import Workspace
from generation.catalog import ASPECT_RATIOS, RESOLUTIONS, CatalogModel, Family, available_models
from generation.services import MAX_PER_COMBINATION, BatchRequest
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


class BatchForm(forms.Form):
    personas = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, label="Personas")
    styles = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, label="Styles")
    models = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, label="Models")
    per_combination = forms.TypedChoiceField(
        label="Images per combination",
        coerce=int,
        choices=[(n, str(n)) for n in range(1, MAX_PER_COMBINATION + 1)],
        initial=1,
    )
    aspect_ratio = forms.ChoiceField(
        label="Aspect ratio", choices=[(a, a) for a in ASPECT_RATIOS], initial="4:5"
    )
    resolution = forms.ChoiceField(
        label="Resolution", choices=[(r, r) for r in RESOLUTIONS], initial="1K"
    )
    quality = forms.ChoiceField(
        label="Quality", choices=[(q, q.capitalize()) for q in USER_QUALITIES], initial="medium"
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.persona_objects = list(
            Persona.objects.filter(workspace=workspace, archived_at=None).order_by("name")
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
        )
