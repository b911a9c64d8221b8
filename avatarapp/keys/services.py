"""Renaming, pricing, setting the low-credit alert, revoking and deleting keys, each with its
audit event. Adding and checking a key ask its provider, so they live with the provider registry
(generation.provider_keys.services)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from avatarapp.keys.events import record
from avatarapp.keys.models import KeyEvent, ProviderKey, Status
from avatarapp.workspaces.models import Membership


class KeyActionError(Exception):
    pass


def key_rename(*, key: ProviderKey, label: str, actor: Any) -> None:
    old = key.label
    if label == old:
        return
    with transaction.atomic():
        key.label = label
        key.save(update_fields=["label"])
        record(key, KeyEvent.Action.RENAMED, actor, f"Renamed from “{old}”.")


def key_price_set(*, key: ProviderKey, price: Decimal | None, actor: Any) -> None:
    """The workspace's own price per image through `key` (None: no price of its own)."""
    old = key.price_per_image_usd
    if price == old:
        return
    with transaction.atomic():
        key.price_per_image_usd = price
        key.save(update_fields=["price_per_image_usd"])
        before = "none" if old is None else f"${old}"
        after = "none" if price is None else f"${price}"
        record(key, KeyEvent.Action.PRICED, actor, f"Price per image {before} -> {after}.")


def key_threshold_set(*, key: ProviderKey, threshold: Decimal | None, actor: Any) -> bool:
    """Below how many credits the key's low-balance alert fires (None: never). False: unchanged."""
    old = key.low_balance_threshold
    if threshold == old:
        return False
    with transaction.atomic():
        key.low_balance_threshold = threshold
        key.save(update_fields=["low_balance_threshold"])
        before = "none" if old is None else f"{old.normalize():f}"
        after = "none" if threshold is None else f"{threshold.normalize():f}"
        record(key, KeyEvent.Action.THRESHOLD, actor, f"Low-credit alert {before} -> {after}.")
    return True


def key_revoke(*, key: ProviderKey, actor: Any) -> None:
    if key.is_revoked:
        raise KeyActionError(f"“{key.label}” is already revoked.")
    with transaction.atomic():
        key.status, key.revoked_at, key.revoked_by = Status.REVOKED, timezone.now(), actor
        key.save(update_fields=["status", "revoked_at", "revoked_by"])
        record(key, KeyEvent.Action.REVOKED, actor, "No job can use this key any more.")


def key_delete(
    *, key: ProviderKey, actor: Any, detail: str = "The encrypted key was erased."
) -> None:
    with transaction.atomic():
        record(key, KeyEvent.Action.DELETED, actor, detail)
        key.delete()


def key_forget_personal(*, membership: Membership) -> int:
    """Erase a member's personal keys in a workspace they leave or are removed from. For
    avatarapp.workspaces.services to call; returns how many were erased."""
    keys = ProviderKey.objects.filter(
        workspace_id=membership.workspace_id, owner_id=membership.user_id
    )
    count = 0
    for key in keys:
        key_delete(key=key, actor=None, detail="Erased because its owner left the workspace.")
        count += 1
    return count
