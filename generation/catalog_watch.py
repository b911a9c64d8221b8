"""A catalog that notices when models die: what the providers' own model lists
(generation.model_lists) mean for the product.

- A catalog model that its provider's latest list for the workspace no longer names is not
  offered: the Generate page greys it out, submit and retry refuse it with `sentence`, and its
  queued images fail with that sentence and get their reservations back, right when a read drops
  it (`read_with_key`); an image claimed by a worker while that read ran is caught at the claim
  step instead (`fail_if_not_offered`, with the list read in the statement that fetches the image).
- A model a list names that the catalog does not know is shown to admins on the keys page as
  "new at <provider>: not priced yet" (`unpriced_models`): nothing is offered before it has a price.

Lists are read when a key check succeeds (`read_after_key_check`) and at most once a day per
workspace and provider by beat (`read_due_lists`, hourly, each run for what is due).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Collection
from datetime import timedelta

from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from avatarapp.keys.models import ProviderKey, Status
from catalog import (
    CATALOG,
    CatalogModel,
    ModelUnavailableError,
    available_models,
    get_model,
)
from generation import failed_attempts, model_lists
from generation.models import Image, ProviderModelList
from generation.providers.base import KeyCheck
from generation.providers.registry import display_name

log = logging.getLogger(__name__)

NOT_OFFERED_KIND = "not_offered"
# A dated snapshot ("gpt-image-2-2026-04-21") is the model it is a snapshot of, not a new one.
SNAPSHOT_DATE = re.compile(r"-\d{4}-\d{2}-\d{2}$")
READ_EVERY = timedelta(days=1)
# A beat run stops starting reads after this long (each read gives up within its own timeouts, 20 s
# at most), well inside the task's time limit; what is left waits for the next run.
SECONDS_PER_RUN = 120.0


class NotOfferedError(ModelUnavailableError):
    """The provider's own model list no longer names the model: refused like a shut-down one."""


def sentence(model: CatalogModel) -> str:
    name = display_name(model.provider)
    return f"{model.display_name} is not offered by {name} any more; choose another model."


def _dropped(model: CatalogModel, ids: Collection[str] | None) -> bool:
    """A list was read for the model's provider, and it does not name the model."""
    return ids is not None and model.api_model not in ids


def not_offered_models(workspace_id: uuid.UUID) -> dict[str, str]:
    """Model id -> `sentence`, for the models a new job could use today (the catalog's lifecycle)
    that the workspace's latest lists drop."""
    lists = model_lists.latest_lists(workspace_id)
    today = timezone.now().date()
    return {
        m.id: sentence(m) for m in available_models(today) if _dropped(m, lists.get(m.provider))
    }


def check_offered(workspace_id: uuid.UUID, model_id: str) -> None:
    """Raise NotOfferedError (a catalog refusal) if the workspace's latest list for the model's
    provider no longer names it. No list yet, or a provider without one: offered."""
    model = get_model(model_id)
    provider = str(model.provider)
    listing = model_lists.lists_models(provider)
    if listing and _dropped(model, model_lists.latest(workspace_id, provider)):
        raise NotOfferedError(sentence(model), replacement=None)


def _fail(image: Image, from_status: str, message: str) -> None:
    """The one place an image fails for this reason: failed, with the sentence, reservation
    released (the state machine's move, when it lands, goes here)."""
    failed_attempts.fail(image, from_status, message, NOT_OFFERED_KIND)


# For Image querysets: the image's workspace's latest list for its provider, read in the statement
# that fetches the image (pipeline.run_image), so the claim step's check costs no round trip.
LISTED_MODEL_IDS = Subquery(
    ProviderModelList.objects.filter(
        workspace_id=OuterRef("workspace_id"), provider=OuterRef("provider"), read_at__isnull=False
    ).values("model_ids")[:1]
)


def fail_if_not_offered(image: Image) -> bool:
    """At the claim step (the image is running, nothing sent yet): fail it if its provider's
    latest list for the workspace no longer names its model. Uses `listed_model_ids` when the
    image was fetched with LISTED_MODEL_IDS. True when it was failed."""
    if not model_lists.lists_models(image.provider):
        return False
    model = get_model(image.model_id)
    ids: Collection[str] | None = (
        getattr(image, "listed_model_ids")  # noqa: B009 - an annotation, not a model field
        if hasattr(image, "listed_model_ids")
        else model_lists.latest(image.workspace_id, image.provider)
    )
    if not _dropped(model, ids):
        return False
    _fail(image, Image.Status.RUNNING, sentence(model))
    return True


def fail_queued(workspace_id: uuid.UUID, provider: str, ids: frozenset[str]) -> int:
    """Fail the workspace's queued images of `provider`'s models that `ids` does not name."""
    messages = {
        m.id: sentence(m) for m in CATALOG.values() if m.provider == provider and _dropped(m, ids)
    }
    queued = Image.objects.filter(
        workspace_id=workspace_id, status=Image.Status.QUEUED, model_id__in=messages
    )
    count = 0
    for image in queued:
        _fail(image, Image.Status.QUEUED, messages[image.model_id])
        count += 1
    return count


def read_with_key(key: ProviderKey) -> frozenset[str] | None:
    """Read the list with `key`; if it was good, fail the queued images of what it dropped."""
    return _act_on(key, model_lists.read(key))


def _act_on(key: ProviderKey, ids: frozenset[str] | None) -> frozenset[str] | None:
    if ids is not None:
        fail_queued(key.workspace_id, key.provider, ids)
    return ids


def read_after_key_check(key: ProviderKey, check: KeyCheck) -> None:
    """Called where a key check has ended: for a provider with a list, an accepted key's check
    read it (the check's own free request is the list), so keep it and act on it. Never raises:
    the key is saved and checked whatever happens here, and the page must say so."""
    if not (check.valid and model_lists.lists_models(key.provider)):
        return
    try:
        _act_on(key, model_lists.keep(key, check.model_ids))
    except Exception:
        log.exception("acting on the %s model list of workspace %s", key.provider, key.workspace_id)


def due_keys() -> list[ProviderKey]:
    """One key per workspace and listing provider whose list was not tried in the last day:
    a workspace key before a personal one, the oldest first; never a revoked or refused key."""
    fresh = set(
        ProviderModelList.objects.filter(tried_at__gt=timezone.now() - READ_EVERY).values_list(
            "workspace_id", "provider"
        )
    )
    keys = (
        ProviderKey.objects.filter(provider__in=model_lists.listing_providers())
        .exclude(status__in=[Status.REVOKED, Status.INVALID])
        .order_by("workspace_id", "provider", F("owner_id").asc(nulls_first=True), "created_at")
    )
    chosen: dict[tuple[uuid.UUID, str], ProviderKey] = {}
    for key in keys:
        chosen.setdefault((key.workspace_id, key.provider), key)
    return [key for pair, key in chosen.items() if pair not in fresh]


def read_due_lists() -> int:
    """Beat: read the lists that are due; return how many were tried."""
    started, tried = time.monotonic(), 0
    for key in due_keys():
        if time.monotonic() - started > SECONDS_PER_RUN:
            break
        read_with_key(key)
        tried += 1
    return tried


def unpriced_models(workspace_id: uuid.UUID) -> dict[str, list[str]]:
    """Provider name -> the image model ids its latest list names that the catalog does not
    know, for the keys page ("new at Google: not priced yet")."""
    known = {(str(m.provider), m.api_model) for m in CATALOG.values()}
    found = {
        display_name(provider): sorted(
            i for i in ids if (provider, SNAPSHOT_DATE.sub("", i)) not in known
        )
        for provider, ids in sorted(model_lists.latest_lists(workspace_id).items())
    }
    return {provider: ids for provider, ids in found.items() if ids}
