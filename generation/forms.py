from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from avatarapp.workspaces.models import Membership
from catalog import (
    ASPECT_RATIOS,
    RESOLUTIONS,
    CatalogError,
    check_available,
    get_model,
)
from generation import campaigns
from generation.batch_wording import NAME_MAX
from generation.key_selection import missing_key, usable_providers
from generation.offer import Settings, generatable_models
from generation.services import (
    MAX_PER_COMBINATION,
    MAX_SEED,
    PER_COMBINATION_RANGE,
    SEED_RANGE,
    BatchRequest,
    SubmitError,
)
from personas.faces import face_image_id
from personas.models import Persona, Style
from personas.style_specs import BUILTIN_STYLES

# xhigh and max exist only on some models; the shared vocabulary is these three.
USER_QUALITIES = ("low", "medium", "high")


def model_choices() -> list[tuple[str, str]]:
    return [(m.id, m.display_name) for m in generatable_models()]


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
    """Refuses a model that is not on offer, or whose provider the member has no usable key
    for, with the reason, not "Select a valid choice"."""

    usable_providers: frozenset[str] = frozenset()

    def cannot_run(self, model_id: str) -> str:
        """Why this member cannot generate with `model_id` ("" when they can)."""
        if not self.valid_value(model_id):
            return unavailable_reason(model_id)
        provider = str(get_model(model_id).provider)
        return "" if provider in self.usable_providers else missing_key(provider)

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        # One sentence per reason: three OpenAI models without a key need one key.
        reasons = dict.fromkeys(filter(None, map(self.cannot_run, value)))
        if reasons:
            raise ValidationError([ValidationError(r, code="unavailable") for r in reasons])


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
BATCH_FIELDS = {
    "persona_ids": "personas",
    "style_keys": "styles",
    "model_ids": "models",
    "campaign_id": "campaign",
}


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
    name = forms.CharField(
        label="Batch name",
        required=False,
        max_length=NAME_MAX,
        help_text="Leave it empty to name the batch after its personas, styles and the day.",
        error_messages={"max_length": f"A batch name has at most {NAME_MAX} characters."},
    )
    # A campaign from the workspace's list, or a new one typed here (generation.campaigns).
    campaign = forms.ChoiceField(
        label="Campaign",
        required=False,
        error_messages={"invalid_choice": campaigns.NOT_HERE},
    )
    new_campaign = forms.CharField(
        label="Or a new campaign",
        required=False,
        max_length=campaigns.NAME_MAX,
        help_text="A name such as “Spring launch”; an existing name is used as it is.",
        error_messages={"max_length": campaigns.NAME_TOO_LONG},
    )
    new_campaign_client = forms.CharField(
        label="Client (optional)",
        required=False,
        max_length=campaigns.CLIENT_MAX,
        error_messages={"max_length": campaigns.CLIENT_TOO_LONG},
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

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        workspace_id = membership.workspace_id
        self.persona_objects = list(
            Persona.objects.filter(workspace_id=workspace_id, archived_at=None)
            .annotate(face_image_id=face_image_id())
            .order_by("name")
        )
        self._choices("personas", [(str(p.pk), p.name) for p in self.persona_objects])
        self.style_objects = list(Style.objects.filter(workspace_id=workspace_id).order_by("name"))
        self._choices(
            "styles",
            [(f"style:{s.pk}", s.name) for s in self.style_objects]
            + [(s.key, s.name) for s in BUILTIN_STYLES],
        )
        self._choices("models", model_choices())
        self.campaign_objects = list(campaigns.of_workspace(workspace_id))
        self._choices(
            "campaign",
            [("", "No campaign")]
            + [
                (str(c.pk), f"{c.name} · {c.client_name}" if c.client_name else c.name)
                for c in self.campaign_objects
            ],
        )
        self.models_field.usable_providers = usable_providers(membership)
        if not self.has_campaigns:
            self.fields["new_campaign"].label = "New campaign"  # there is no list to pick from

    @property
    def models_field(self) -> ModelsField:
        field = self.fields["models"]
        assert isinstance(field, ModelsField)
        return field

    def _choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def chosen_settings(self) -> Settings:
        """The settings prices are shown at: as posted (or prefilled), a value not on offer
        replaced by the default."""
        values = []
        for name in Settings._fields:
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            value = str(self[name].value())
            values.append(value if field.valid_value(value) else str(field.initial))
        return Settings(*values)

    CAMPAIGN_FIELDS = ("campaign", "new_campaign", "new_campaign_client")

    @property
    def has_campaigns(self) -> bool:
        """The workspace has campaigns to pick from (the list holds more than "No campaign")."""
        return bool(self.campaign_objects)

    @property
    def shows_campaign(self) -> bool:
        """The campaign choice is unfolded: there are campaigns to pick, or one is chosen, typed
        or refused. Folded, a workspace that never uses campaigns keeps one Tab stop for it."""
        chosen = any(self[name].value() for name in self.CAMPAIGN_FIELDS)
        refused = self.is_bound and any(name in self.errors for name in self.CAMPAIGN_FIELDS)
        return self.has_campaigns or chosen or refused

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

    def batch(self, *, compare: bool = False) -> BatchRequest:
        """The batch as chosen; `compare`: the same brief as "Compare these models" makes it,
        one portrait per persona, style and model, whatever the per-combination setting says."""
        data = self.cleaned_data
        return BatchRequest(
            persona_ids=list(data["personas"]),
            style_keys=list(data["styles"]),
            model_ids=list(data["models"]),
            per_combination=1 if compare else data["per_combination"],
            aspect_ratio=data["aspect_ratio"],
            resolution=data["resolution"],
            quality=data["quality"],
            seed=data.get("seed"),
            name=data.get("name", ""),
            compare=compare,
            campaign_id=data.get("campaign", ""),
            new_campaign=data.get("new_campaign", ""),
            new_campaign_client=data.get("new_campaign_client", ""),
        )
