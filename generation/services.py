"""Submitting a batch: validate everything, price the worst case, reserve it against the budget
with one conditional UPDATE, create the rows, and enqueue ids after commit."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role, at_least
from catalog import (
    CatalogError,
    CatalogModel,
    UnsupportedParamsError,
    check_available,
    check_references,
    estimate,
    get_model,
    resolve_params,
)
from generation import campaigns, ledger, queue
from generation.batch_wording import batch_name
from generation.catalog_watch import check_offered
from generation.credits import CreditNeed, credit_needs
from generation.estimate_margins import margin_for, margins_for
from generation.key_selection import KeyUnavailableError, key_for_batch
from generation.models import PORTRAIT_FIELDS, Image, Job, Origin
from generation.providers.registry import entry
from painter.scene import scene_for
from personas.models import LOOK_FIELDS, Persona, Style
from personas.prompts import compose_for_model
from personas.style_specs import (
    StyleSpec,
    UnknownStyleError,
    builtin_style,
    spec_from_style,
    workspace_style_id,
)

MAX_MODELS = 4
MAX_PER_COMBINATION = 4
MAX_IMAGES_PER_JOB = 64
MAX_SEED = 2**31 - 1  # what every seeded API accepts
# Long enough for a slow model at high quality with a few retries; the sweeper flags the rest.
IMAGE_DEADLINE = timedelta(minutes=30)


NOTHING_CHOSEN = "Choose at least one persona, one style and one model."
PER_COMBINATION_RANGE = f"Make between 1 and {MAX_PER_COMBINATION} images per combination."
SEED_RANGE = f"A seed is a whole number from 0 to {MAX_SEED:,}."


class SubmitError(Exception):
    """A batch that cannot be submitted; the message says what to change. `field` names the
    BatchRequest field the message is about (None: the batch as a whole), so the Generate form
    can show it beside that choice."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _catalog_refusal(error: CatalogError) -> SubmitError:
    """The catalog's sentence, on the choice it is about: a size, ratio or quality the model
    cannot make, or else the model itself (shut down, unknown, too many references)."""
    field = "model_ids"
    if isinstance(error, UnsupportedParamsError) and error.param != "references":
        field = error.param
    return SubmitError(error.user_message, field=field)


@dataclass(frozen=True)
class BatchRequest:
    persona_ids: list[str]
    style_keys: list[str]
    model_ids: list[str]
    per_combination: int
    aspect_ratio: str
    resolution: str
    quality: str
    # Chosen by the person ("Reuse these settings"); None: each image gets a seed of its own.
    # Only models that take a seed use it, the others ignore it (like quality on a model with
    # no quality setting), so one batch can still span models.
    seed: int | None = None
    name: str = ""  # empty: named after its personas and styles (words.batch_name)
    # "Compare these models": one portrait per persona, style and model, for 2-4 models; the
    # batch page opens the compare view when it finishes (stored in Job.parameters).
    compare: bool = False
    # The campaign (generation.campaigns): one of the workspace's by id, or a new one's name and
    # optional client, created with the batch. Both empty: no campaign.
    campaign_id: str = ""
    new_campaign: str = ""
    new_campaign_client: str = ""


@dataclass
class PlannedImage:
    persona: Persona
    style: StyleSpec
    model_id: str
    prompt: str
    estimate: Decimal
    rule: str
    as_of: date
    request_fields: dict[str, object]
    seed: int | None = None  # None: made from the job id when the rows are written


@dataclass
class BatchPlan:
    images: list[PlannedImage] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)  # provider -> the key to use, masked
    key_ids: dict[str, uuid.UUID | None] = field(default_factory=dict)
    name: str = ""
    campaign: campaigns.CampaignChoice | None = None
    # Per provider whose key reports credits (BFL): what the batch needs against the balance.
    credits: list[CreditNeed] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((image.estimate for image in self.images), Decimal(0))


def style_resolve(*, membership: Membership, key: str) -> StyleSpec:
    style_id = workspace_style_id(key)
    if style_id is not None:
        style = Style.objects.filter(workspace_id=membership.workspace_id, pk=style_id).first()
        if style is None:
            raise SubmitError(
                "One of the chosen styles does not exist in this workspace.", field="style_keys"
            )
        return spec_from_style(style)
    try:
        return builtin_style(key.removeprefix("builtin:"))
    except UnknownStyleError:
        raise SubmitError(f"There is no style called {key!r}.", field="style_keys") from None


def batch_plan(*, membership: Membership, batch: BatchRequest) -> BatchPlan:
    """Everything about the batch except writing it: refusals raise SubmitError."""
    if not at_least(membership.role, Role.EDITOR):
        raise SubmitError("Generating needs the editor role. Ask an admin to change your role.")
    if not batch.persona_ids or not batch.style_keys or not batch.model_ids:
        raise SubmitError(NOTHING_CHOSEN)
    if batch.compare:
        _check_comparison(batch)
    try:
        campaign = campaigns.choose(
            membership.workspace_id,
            campaign_id=batch.campaign_id,
            new_name=batch.new_campaign,
            new_client=batch.new_campaign_client,
        )
    except campaigns.CampaignError as error:
        raise SubmitError(str(error), field=error.field) from None
    if len(set(batch.model_ids)) > MAX_MODELS:
        raise SubmitError(f"Compare at most {MAX_MODELS} models at once.", field="model_ids")
    if not 1 <= batch.per_combination <= MAX_PER_COMBINATION:
        raise SubmitError(PER_COMBINATION_RANGE, field="per_combination")
    if batch.seed is not None and not 0 <= batch.seed <= MAX_SEED:
        raise SubmitError(SEED_RANGE, field="seed")
    personas = list(
        Persona.objects.filter(
            workspace_id=membership.workspace_id, pk__in=batch.persona_ids, archived_at=None
        ).prefetch_related("references")
    )
    if len(personas) != len(set(batch.persona_ids)):
        raise SubmitError(
            "One of the chosen personas does not exist in this workspace.", field="persona_ids"
        )
    styles = [
        style_resolve(membership=membership, key=key) for key in dict.fromkeys(batch.style_keys)
    ]
    count = len(personas) * len(styles) * len(set(batch.model_ids)) * batch.per_combination
    if count > MAX_IMAGES_PER_JOB:
        raise SubmitError(f"That is {count} images; one batch makes at most {MAX_IMAGES_PER_JOB}.")
    today = timezone.now().date()
    margins = margins_for(batch.model_ids)  # one query for every model of the batch
    plan = BatchPlan(
        name=batch.name.strip()
        or batch_name([p.name for p in personas], [s.name for s in styles], timezone.localdate()),
        campaign=campaign,
    )
    balances: dict[str, Decimal | None] = {}
    for model_id in dict.fromkeys(batch.model_ids):
        try:
            warning = check_available(model_id, today)
            check_offered(membership.workspace_id, model_id)  # the provider's own model list
            params = resolve_params(model_id, batch.aspect_ratio, batch.resolution, batch.quality)
        except CatalogError as error:
            raise _catalog_refusal(error) from None
        if warning:
            plan.warnings.append(warning)
        model = get_model(model_id)
        try:
            provider = str(model.provider)
            batch_key = key_for_batch(membership, provider)
        except KeyUnavailableError as error:
            raise SubmitError(str(error), field="model_ids") from None
        plan.key_ids[provider], plan.keys[provider] = batch_key.key_id, batch_key.shown
        balances[provider] = batch_key.balance
        for persona in personas:
            references = len(persona.references.all())
            if references and model.capabilities.max_references:
                try:
                    check_references(model_id, references)
                except CatalogError as error:
                    raise _catalog_refusal(error) from None
            usable_refs = min(references, model.capabilities.max_references)
            for style in styles:
                prompt = compose_for_model(persona, style, model_id, references=usable_refs).text
                cost = estimate(
                    model_id,
                    params,
                    1,
                    usable_refs,
                    prompt=prompt,
                    workspace_price=batch_key.workspace_price,
                    margin=margins[model_id],
                )
                fields: dict[str, object] = dict(params.request_fields())
                if entry(model.provider).draws_look:
                    fields["look"] = {name: getattr(persona, name) for name in LOOK_FIELDS}
                    fields["scene"] = scene_for(style).as_dict()
                for copy in range(batch.per_combination):
                    plan.images.append(
                        PlannedImage(
                            persona,
                            style,
                            model_id,
                            prompt,
                            cost.amount_usd,
                            cost.rule,
                            cost.as_of,
                            fields,
                            _chosen_seed(batch, model, copy),
                        )
                    )
    _check_credits(plan, balances)
    return plan


def _check_credits(plan: BatchPlan, balances: dict[str, Decimal | None]) -> None:
    """Refuse, before anything is reserved, a batch its key's credits cannot pay for."""
    estimates = ((str(get_model(i.model_id).provider), i.estimate) for i in plan.images)
    plan.credits = credit_needs(estimates, balances)
    for need in plan.credits:
        if not need.enough:
            raise SubmitError(need.refusal)


def _check_comparison(batch: BatchRequest) -> None:
    """A comparison is of 2 to MAX_MODELS models, one portrait each (the form sends 1; a
    hand-made request that asks for more is refused, not quietly changed)."""
    models = len(set(batch.model_ids))
    if not 2 <= models <= MAX_MODELS:
        raise SubmitError(
            f"Comparing needs 2 to {MAX_MODELS} models ticked; you ticked {models}. "
            "Tick more or fewer models, or use Generate."
        )
    if batch.per_combination != 1:
        raise SubmitError("A comparison makes one portrait per model; choose 1 per combination.")


def _seed(job_id: object, index: int) -> int:
    digest = hashlib.sha256(f"{job_id}:{index}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & MAX_SEED


def _chosen_seed(batch: BatchRequest, model: CatalogModel, copy: int) -> int | None:
    """The person's seed for the `copy`-th image of a combination: the first gets the seed itself
    (the same picture again), the others the next numbers, so copies still differ."""
    if batch.seed is None or not model.capabilities.seed:
        return None
    return (batch.seed + copy) % (MAX_SEED + 1)


def batch_submit(*, membership: Membership, batch: BatchRequest) -> Job:
    """Create and reserve the batch, then enqueue its images once the transaction commits."""
    with transaction.atomic():
        job, image_ids = batch_create(membership=membership, batch=batch)
        transaction.on_commit(lambda: _enqueue_all(image_ids))
    return job


def batch_create(*, membership: Membership, batch: BatchRequest) -> tuple[Job, list[uuid.UUID]]:
    """Validate, price, reserve and write the rows; enqueue nothing. If the process dies after
    this commits, the sweeper finds the queued rows and enqueues them."""
    plan = batch_plan(membership=membership, batch=batch)
    now = timezone.now()
    with transaction.atomic():
        job = Job.objects.create(
            workspace_id=membership.workspace_id,
            created_by=membership.user,
            name=plan.name,
            campaign=campaigns.for_batch(plan.campaign, membership),
            parameters={**batch.__dict__, "keys": plan.keys, "warnings": plan.warnings},
            estimated_usd=plan.total,
        )
        images = Image.objects.bulk_create(
            Image(
                job=job,
                workspace_id=membership.workspace_id,
                persona=planned.persona,
                persona_name=planned.persona.name,
                style_key=planned.style.key,
                style_name=planned.style.name,
                model_id=planned.model_id,
                provider=str(get_model(planned.model_id).provider),
                provider_key_id=plan.key_ids.get(str(get_model(planned.model_id).provider)),
                aspect_ratio=batch.aspect_ratio,
                resolution=batch.resolution,
                quality=batch.quality,
                request_fields=planned.request_fields,
                seed=_seed(job.pk, index) if planned.seed is None else planned.seed,
                prompt=planned.prompt,
                estimated_usd=planned.estimate,
                price_rule=planned.rule,
                price_as_of=planned.as_of,
                created_at=now,
                deadline_at=now + IMAGE_DEADLINE,
            )
            for index, planned in enumerate(plan.images)
        )
        try:
            ledger.reserve(images)
        except ledger.BudgetExceededError as error:
            raise SubmitError(str(error)) from None
    return job, [image.pk for image in images]


def _enqueue_all(image_ids: list[uuid.UUID]) -> None:
    for image_id in image_ids:
        queue.enqueue_image(image_id)


# What a retry keeps of the image it follows; price, key and deadline are today's. An edit's
# retry is an edit again: the same parent, sent as its one input image.
_COPIED_ON_RETRY = ("job_id", *PORTRAIT_FIELDS, "request_fields", "prompt", "parent_id", "origin")


def image_retry(*, membership: Membership, image: Image) -> Image:
    """A new attempt at a failed or cancelled image: priced again today and reserved again."""
    if not at_least(membership.role, Role.EDITOR):
        raise SubmitError("Retrying needs the editor role.")
    if not image.can_retry:
        raise SubmitError("Only a failed or cancelled image can be retried.")
    try:
        check_available(image.model_id, timezone.now().date())
        check_offered(image.workspace_id, image.model_id)  # the provider's own model list
        params = resolve_params(image.model_id, image.aspect_ratio, image.resolution, image.quality)
    except CatalogError as error:
        raise SubmitError(error.user_message) from None
    if image.origin == Origin.EDIT:
        references = 1  # the portrait being edited (provider_call.build_request)
    else:
        references = len(image.persona.references.all()) if image.persona else 0
        references = min(references, get_model(image.model_id).capabilities.max_references)
    try:  # today's key: the one that failed may have been revoked or refused since
        batch_key = key_for_batch(membership, image.provider)
    except KeyUnavailableError as error:
        raise SubmitError(str(error)) from None
    key_id = batch_key.key_id
    cost = estimate(
        image.model_id,
        params,
        1,
        references,
        prompt=image.prompt,
        workspace_price=batch_key.workspace_price,
        margin=margin_for(image.model_id),
    )
    now = timezone.now()
    with transaction.atomic():
        attempt = Image.objects.create(
            **{name: getattr(image, name) for name in _COPIED_ON_RETRY},
            provider_key_id=key_id,
            retry_of=image,
            estimated_usd=cost.amount_usd,
            price_rule=cost.rule,
            price_as_of=cost.as_of,
            created_at=now,
            deadline_at=now + IMAGE_DEADLINE,
        )
        try:
            ledger.reserve([attempt])
        except ledger.BudgetExceededError as error:
            raise SubmitError(str(error)) from None
        transaction.on_commit(lambda: _enqueue_all([attempt.pk]))
    return attempt
