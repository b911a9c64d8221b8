"""The providers' own model lists, read with a workspace's key, and the last one kept per workspace
and provider (ProviderModelList). generation.catalog_watch says what a list means for the product.

OpenAI's `GET /v1/models` and Google's `models.list` are free and name what a key's account can
use today, so the catalog, kept by hand, is checked against them. A key check reads the list
anyway (it is the check's own request: KeyCheck.model_ids), and beat reads it with `read` (the
registry entry's `list_models`). Per workspace, because what a key may use depends on its
account; with several keys for one provider, the last good read wins.

A list that cannot be trusted changes nothing, so a provider outage never greys the catalog out:
- a read that fails (an error answer, a timeout, one page of Google's list missing);
- an empty list;
- a list that names none of the catalog's models of that provider that are available today (an
  answer from something that is not the provider's real list, or an account that can use none of
  our models, where the provider's own refusal at generation says more than "not offered").
Each of these moves only `tried_at`; the last good list stays in force.

Providers without a free list are never read, so never greyed out: Black Forest Labs, the
built-in renderer, and self-hosted servers (their one catalog entry stands for whatever model
the server runs, so their list could not be matched to the catalog).
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from django.utils import timezone

from avatarapp.keys import vault
from avatarapp.keys.models import ProviderKey
from catalog import available_models
from generation.key_selection import key_endpoint
from generation.models import ProviderModelList
from generation.providers.registry import ENTRIES, REGISTRY, entry

log = logging.getLogger(__name__)


def lists_models(provider: str) -> bool:
    """Whether `provider` has a free model list to read (its registry entry's `list_models`)."""
    known = REGISTRY.get(provider)
    return known is not None and known.list_models is not None


def listing_providers() -> list[str]:
    return [entry.name for entry in ENTRIES if entry.list_models is not None]


def latest(workspace_id: uuid.UUID, provider: str) -> frozenset[str] | None:
    """The ids the workspace's last good read of `provider`'s list named; None: no good read."""
    ids = (
        ProviderModelList.objects.filter(
            workspace_id=workspace_id, provider=provider, read_at__isnull=False
        )
        .values_list("model_ids", flat=True)
        .first()
    )
    return None if ids is None else frozenset(ids)


def latest_lists(workspace_id: uuid.UUID) -> dict[str, frozenset[str]]:
    """Every provider's last good list for the workspace, in one query."""
    rows = ProviderModelList.objects.filter(workspace_id=workspace_id, read_at__isnull=False)
    return {provider: frozenset(ids) for provider, ids in rows.values_list("provider", "model_ids")}


def trustworthy(provider: str, ids: frozenset[str]) -> bool:
    """Not empty, and naming at least one of the catalog's models of `provider` available today."""
    today = timezone.now().date()
    known = {m.api_model for m in available_models(today) if m.provider == provider}
    return bool(ids & known)


def read(key: ProviderKey) -> frozenset[str] | None:
    """Read `key`'s provider list (beat) and `keep` it. Never raises: a provider's trouble must
    not stop the beat task."""
    try:
        secret = vault.open_key(key, purpose=vault.Purpose.CHECK)
        read_list = entry(key.provider).list_models
        assert read_list is not None
        ids = read_list(secret, key_endpoint(key))
    except Exception as error:  # our sentence, or the type: a raw message could echo a key
        reason = getattr(error, "user_message", type(error).__name__)
        log.warning("%s model list for workspace %s: %s", key.provider, key.workspace_id, reason)
        ids = None
    return keep(key, ids)


def keep(key: ProviderKey, ids: frozenset[str] | None) -> frozenset[str] | None:
    """Keep what a read with `key` gave (None: it failed) as the workspace's list for the key's
    provider, if it can be trusted; return it, or None when nothing changed but `tried_at`."""
    if ids is not None and not trustworthy(key.provider, ids):
        log.warning(
            "%s model list for workspace %s named none of the catalog's models: not used",
            key.provider,
            key.workspace_id,
        )
        ids = None
    _store(key, ids, timezone.now())
    return ids


def _store(key: ProviderKey, ids: frozenset[str] | None, now: datetime) -> None:
    """One upsert: a good read replaces the list, any read moves `tried_at`."""
    row = ProviderModelList(
        workspace_id=key.workspace_id,
        provider=key.provider,
        model_ids=sorted(ids or ()),
        read_at=now if ids else None,
        tried_at=now,
        read_with_id=key.pk if ids else None,
    )
    fields = ["model_ids", "read_at", "tried_at", "read_with"] if ids else ["tried_at"]
    ProviderModelList.objects.bulk_create(
        [row],
        update_conflicts=True,
        unique_fields=["workspace", "provider"],
        update_fields=fields,
    )
