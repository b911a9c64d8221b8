"""Which provider key an image is made with, opened just in time in the worker.

Order: the key already chosen for this image (a previous attempt, or a rotation after a quota or
rate-limit refusal), else the workspace's keys, then the job creator's personal keys, skipping
keys the provider has refused. Access is re-checked at the moment of use through the vault: a
member who left, or a key revoked after submit, fails the image with a clear message.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from avatarapp.keys import vault
from avatarapp.keys.crypto import KeyUnavailableError as VaultRefusal
from avatarapp.keys.models import ProviderKey, Status
from avatarapp.keys.secret import Secret
from avatarapp.workspaces.models import Membership
from generation.models import Image
from generation.provider_keys.verdicts import note_refusal
from generation.providers.base import Endpoint, ErrorKind, KeyStatus, PermanentError
from generation.providers.registry import KEYLESS, REGISTRY, entry


class KeyUnavailableError(Exception):
    """No key can make this image; the message says what to add."""


@dataclass(frozen=True)
class ChosenKey:
    key_id: Any
    secret: Secret
    endpoint: Endpoint
    # What an image costs through this key, as the workspace entered it; None: not entered.
    workspace_price: Decimal | None = None


@dataclass(frozen=True)
class BatchKey:
    """The key a batch will use for one provider, as the Generate page shows it."""

    key_id: uuid.UUID | None
    shown: str  # "sk-…AbCd (Marketing) (+1 more)"; "no key needed"
    workspace_price: Decimal | None = None
    # Its credits as last read, for a provider that reports them (BFL); None: not known.
    balance: Decimal | None = None


def key_endpoint(key: ProviderKey) -> Endpoint:
    """Where `key`'s requests go, as stored with it."""
    return Endpoint(key.region, key.base_url, key.model_name)


def entered_price(key: ProviderKey) -> Decimal | None:
    """The workspace's own price per image through `key`, None when none was entered (then the
    catalog prices it: its table, or a WorkspacePriceRule's default)."""
    return key.price_per_image_usd


def _key_name(provider: str) -> str:
    """ "OpenAI", "Google Gemini": the provider as the keys page names it."""
    known = REGISTRY.get(provider)
    return known.key.name if known and known.key else provider


def _creator_membership(image: Image) -> Membership | None:
    if image.job.created_by_id is None:  # the creator's account was deleted
        return None
    return (
        Membership.objects.select_related("user")
        .filter(workspace_id=image.workspace_id, user_id=image.job.created_by_id)
        .first()
    )


def candidates(membership: Membership, provider: str) -> list[ProviderKey]:
    """Usable keys, workspace keys first, keys the provider refused left out."""
    keys = vault.usable_keys(membership, provider).exclude(status=Status.INVALID)
    return sorted(keys, key=lambda k: (k.owner_id is not None, k.created_at))


def usable_providers(membership: Membership) -> frozenset[str]:
    """The providers `membership` can generate with: those it has a usable key for (as
    `candidates` counts them), and those that need no key (the built-in renderer). One query."""
    keys = vault.usable_keys(membership).exclude(status=Status.INVALID).order_by()
    return frozenset(keys.values_list("provider", flat=True).distinct()) | KEYLESS


def missing_key(provider: str) -> str:
    return (
        f"There is no usable {_key_name(provider)} key in this workspace. Add one under "
        "Settings -> Provider keys, or choose another model (the built-in renderer needs no key)."
    )


def key_for_batch(membership: Membership, provider: str) -> BatchKey:
    """The key a batch will use for `provider`, how to show it (masked) and the price the
    workspace entered on it. Raises when there is none."""
    if entry(provider).key is None:
        return BatchKey(None, "no key needed")
    keys = candidates(membership, provider)
    if not keys:
        raise KeyUnavailableError(missing_key(provider))
    first = keys[0]
    more = f" (+{len(keys) - 1} more)" if len(keys) > 1 else ""
    shown = f"{entry(provider).mask(first.last4)} ({first.label}){more}"
    balance = first.balance if entry(provider).reports_credits else None
    return BatchKey(first.pk, shown, entered_price(first), balance)


def choose_key(image: Image, provider: str) -> ChosenKey:
    try:
        opened = _pinned_key(image) or _key_of_creator(image, provider)
    except VaultRefusal as refusal:
        raise PermanentError(str(refusal), kind=ErrorKind.AUTH) from None
    key, secret = opened
    return ChosenKey(key.pk, secret, key_endpoint(key), entered_price(key))


def _pinned_key(image: Image) -> tuple[ProviderKey, Secret] | None:
    """The usual case, in one statement: the key picked at submit, still the creator's to use."""
    if image.provider_key_id is None or image.job.created_by_id is None:
        return None
    return vault.secret_for_member(
        image.provider_key_id,
        workspace_id=image.workspace_id,
        user_id=image.job.created_by_id,
        detail=f"Image {image.pk}",
    )


def _key_of_creator(image: Image, provider: str) -> tuple[ProviderKey, Secret]:
    """Through the creator's membership: a key when none is pinned, else the reason it cannot be
    used, in words a person can act on."""
    membership = _creator_membership(image)
    if membership is None:
        raise PermanentError(
            "The person who started this job is no longer in the workspace, so their access "
            "cannot be used. Retry it yourself.",
            kind=ErrorKind.AUTH,
        )
    # The key picked at submit (or by a rotation) is used even if revoked since, so the person
    # reads "that key was revoked" rather than a vaguer "no key".
    key_id = image.provider_key_id
    if key_id is None:
        keys = candidates(membership, provider)
        if not keys:
            raise PermanentError(str(_no_key(provider)), kind=ErrorKind.AUTH)
        key_id = keys[0].pk
    return vault.secret_for_job(key_id, membership, detail=f"Image {image.pk}")


def next_key(image: Image, provider: str) -> Any | None:
    """Another usable key of the same provider, for a retry after quota or rate limits."""
    membership = _creator_membership(image)
    if membership is None:
        return None
    ids = [k.pk for k in candidates(membership, provider)]
    if image.provider_key_id not in ids or len(ids) < 2:
        return None
    return ids[(ids.index(image.provider_key_id) + 1) % len(ids)]


def _no_key(provider: str) -> KeyUnavailableError:
    return KeyUnavailableError(
        f"There is no usable {_key_name(provider)} key any more. Add one and retry."
    )


def mark_refused(key_id: Any, message: str) -> None:
    key = ProviderKey.objects.filter(pk=key_id).first()
    if key is not None:
        note_refusal(key, KeyStatus.INVALID, message)
