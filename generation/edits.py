"""Editing a finished portrait: "same face, new setting", through each model's own edit path.

An edit is a new job ("Edit of Maya Costa - Corporate") with one image per chosen model. Each
image has the portrait as its `parent` and `origin=EDIT`; at call time the parent's stored
original is the request's one input image (provider_call.build_request), so every adapter sends it
the way it already sends reference photos: OpenAI's /images/edits (with input_fidelity "high" where
the catalog says the model takes it), BFL's `input_image`, Gemini's inline data, fal's edit
endpoint. The persona's own reference photos stay out: the portrait already carries the face, and
the catalog's edit models are priced for that one input image.

It goes through the same steps as a batch, so budgets and the ledger apply unchanged: each model
checked (available, offered, a key), priced with one input image, reserved with one conditional
UPDATE, and enqueued after commit. The built-in renderer cannot edit: it draws a persona from its
written look, not from pixels, so a "variant" would not be the same face.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role, at_least
from catalog import (
    CatalogError,
    CatalogModel,
    CostEstimate,
    ResolvedParams,
    UnknownModelError,
    check_available,
    estimate,
    get_model,
    resolve_params,
)
from generation import ledger, queue
from generation.catalog_watch import check_offered
from generation.estimate_margins import margin_for
from generation.key_selection import KeyUnavailableError, key_for_batch
from generation.models import PORTRAIT_FIELDS, Image, Job, Origin
from generation.offer import generatable_models
from generation.providers.registry import entry
from generation.services import IMAGE_DEADLINE, MAX_MODELS, SubmitError

MAX_CHANGE = 80  # characters in each of outfit, setting, expression and light
MAX_FREE_TEXT = 300
NOT_FINISHED = "Only a finished portrait can be edited."
NOTHING_TO_CHANGE = (
    "Say what to change: an outfit, a setting, an expression, the light, or in your own words."
)
# What the edit keeps, said first so every model reads it before the changes.
KEEP_THE_FACE = (
    "Edit this photo. Keep the same person: the same face, features, skin tone, hair and build."
)

# The form's short fields: (name, label, how it reads in the instruction). "New setting: ..."
# rather than "Change the setting to ...": people write "in a coffee shop" as often as "a coffee
# shop", and only the first wording reads right with both.
CHANGES: tuple[tuple[str, str, str], ...] = (
    ("outfit", "Outfit", "New outfit: {}."),
    ("setting", "Setting", "New setting: {}."),
    ("expression", "Expression", "New expression: {}."),
    ("light", "Light", "New light: {}."),
)


@dataclass(frozen=True)
class EditBrief:
    """What to change, as the person wrote it."""

    outfit: str = ""
    setting: str = ""
    expression: str = ""
    light: str = ""
    free_text: str = ""

    def cleaned(self) -> EditBrief:
        """Each answer on one line, spaces collapsed (what the prompt and the job record)."""
        return EditBrief(**{name: " ".join(value.split()) for name, value in asdict(self).items()})

    def problems(self) -> dict[str, str]:
        brief = self.cleaned()
        problems = {
            name: f"{label} is {len(value):,} characters; keep it to {MAX_CHANGE}."
            for name, label, _ in CHANGES
            if len(value := getattr(brief, name)) > MAX_CHANGE
        }
        if len(brief.free_text) > MAX_FREE_TEXT:
            problems["free_text"] = (
                f"The description is {len(brief.free_text):,} characters; "
                f"keep it to {MAX_FREE_TEXT}."
            )
        if not any(asdict(brief).values()):
            problems[""] = NOTHING_TO_CHANGE
        return problems

    def instruction(self) -> str:
        """The edit prompt: the keep-the-face sentence, then each change asked for, in a fixed
        order, so the same form always makes the same prompt."""
        brief = self.cleaned()
        changes = [
            wording.format(value.rstrip("."))
            for name, _, wording in CHANGES
            if (value := getattr(brief, name))
        ]
        if brief.free_text:
            changes.append(brief.free_text)
        return " ".join([KEEP_THE_FACE, *changes])


def can_edit(model: CatalogModel) -> bool:
    """The catalog marks it an edit model and its adapter sends input images."""
    return (
        model.capabilities.edits
        and model.capabilities.max_references >= 1
        and entry(model.provider).sends_references
    )


def edit_models() -> list[CatalogModel]:
    """The models offered today that can edit a portrait, in the catalog's order."""
    return [model for model in generatable_models() if can_edit(model)]


def cannot_edit(model_name: str) -> str:
    names = ", ".join(model.display_name for model in edit_models())
    return f"{model_name} cannot edit a portrait; these can: {names}."


def edit_fields(model: CatalogModel, params: ResolvedParams) -> dict[str, object]:
    """The request fields an edit image stores: the model's size and quality, and "high" input
    fidelity (keep the face) where the model's edit endpoint takes it."""
    fields: dict[str, object] = dict(params.request_fields())
    if model.capabilities.input_fidelity:
        fields["input_fidelity"] = "high"
    return fields


@dataclass
class _Planned:
    model: CatalogModel
    estimate: CostEstimate
    request_fields: dict[str, object]
    key_id: uuid.UUID | None
    key_shown: str


def _plan_model(membership: Membership, parent: Image, model_id: str, prompt: str) -> _Planned:
    try:
        model = get_model(model_id)
    except UnknownModelError as error:
        raise SubmitError(error.user_message, field="model_ids") from None
    if not can_edit(model):
        raise SubmitError(cannot_edit(model.display_name), field="model_ids")
    try:
        check_available(model_id, timezone.now().date())
        check_offered(membership.workspace_id, model_id)
        params = resolve_params(model_id, parent.aspect_ratio, parent.resolution, parent.quality)
        batch_key = key_for_batch(membership, str(model.provider))
    except CatalogError as error:
        raise SubmitError(error.user_message, field="model_ids") from None
    except KeyUnavailableError as error:
        raise SubmitError(str(error), field="model_ids") from None
    # One input image: the portrait being edited.
    cost = estimate(
        model_id,
        params,
        1,
        1,
        prompt=prompt,
        workspace_price=batch_key.workspace_price,
        margin=margin_for(model_id),
    )
    return _Planned(model, cost, edit_fields(model, params), batch_key.key_id, batch_key.shown)


def edit_submit(
    *, membership: Membership, parent: Image, brief: EditBrief, model_ids: list[str]
) -> Job:
    """Check, price and reserve an edit of `parent` with each of `model_ids`; enqueue after
    commit. Refusals raise SubmitError, `field` naming the form field ("" for the whole)."""
    if not at_least(membership.role, Role.EDITOR):
        raise SubmitError(
            "Editing a portrait needs the editor role. Ask an admin to change your role."
        )
    if not parent.is_done or not parent.original.name:
        raise SubmitError(NOT_FINISHED)
    problems = brief.problems()
    if problems:
        field, message = next(iter(problems.items()))
        raise SubmitError(message, field=field or None)
    chosen = list(dict.fromkeys(model_ids))
    if not chosen:
        raise SubmitError("Choose at least one model to make the edit with.", field="model_ids")
    if len(chosen) > MAX_MODELS:
        raise SubmitError(f"Choose at most {MAX_MODELS} models.", field="model_ids")
    prompt = brief.instruction()
    planned = [_plan_model(membership, parent, model_id, prompt) for model_id in chosen]
    with transaction.atomic():
        job, images = _record(membership, parent, brief, prompt, planned)
        try:
            ledger.reserve(images)
        except ledger.BudgetExceededError as error:
            raise SubmitError(str(error)) from None
        ids = [image.pk for image in images]
        transaction.on_commit(lambda: _enqueue(ids))
    return job


def _enqueue(image_ids: list[uuid.UUID]) -> None:
    for image_id in image_ids:
        queue.enqueue_image(image_id)


def _record(
    membership: Membership,
    parent: Image,
    brief: EditBrief,
    prompt: str,
    planned: list[_Planned],
) -> tuple[Job, list[Image]]:
    now = timezone.now()
    job = Job.objects.create(
        workspace_id=membership.workspace_id,
        created_by=membership.user,
        name=f"Edit of {parent.persona_name} - {parent.style_name}"[:120],
        parameters={
            "origin": Origin.EDIT,
            "parent": str(parent.pk),
            **asdict(brief.cleaned()),
            "model_ids": [plan.model.id for plan in planned],
            "keys": {str(plan.model.provider): plan.key_shown for plan in planned},
        },
        estimated_usd=sum((plan.estimate.amount_usd for plan in planned), Decimal(0)),
    )
    kept = {name: getattr(parent, name) for name in PORTRAIT_FIELDS}
    images = [
        Image.objects.create(
            **{
                **kept,
                "model_id": plan.model.id,
                "provider": str(plan.model.provider),
            },
            job=job,
            parent=parent,
            origin=Origin.EDIT,
            provider_key_id=plan.key_id,
            request_fields=plan.request_fields,
            prompt=prompt,
            estimated_usd=plan.estimate.amount_usd,
            price_rule=plan.estimate.rule,
            price_as_of=plan.estimate.as_of,
            created_at=now,
            deadline_at=now + IMAGE_DEADLINE,
        )
        for plan in planned
    ]
    return job, images
