"""Adding and checking keys: both ask the provider. Views stay thin; rules live here. Renaming,
revoking and deleting ask nobody, and live with the keys (avatarapp.keys.services).

Duplicates (same fingerprint) are refused, per scope, with the name of the key it already is:
- a workspace key equal to another workspace key, or to the adder's own personal key;
- a personal key equal to a workspace key (the member can already use it) or to another of the
  member's own personal keys.
A key equal to someone else's personal key is allowed and nothing is said: telling would reveal
that another member holds that key. The database enforces the per-scope rules too (constraints on
ProviderKey), so two simultaneous saves cannot both win.

A key the provider refuses outright (INVALID) is not saved: nothing half-saved. A key the check
could not reach is saved unchecked, and the page says to try "Check now".
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.views.decorators.debug import sensitive_variables

from avatarapp.keys import crypto
from avatarapp.keys.events import record
from avatarapp.keys.models import KeyEvent, ProviderKey
from avatarapp.keys.secret import Secret
from avatarapp.keys.vault import Purpose, open_key
from avatarapp.workspaces.models import Membership
from generation.catalog_watch import read_after_key_check
from generation.provider_keys.checks import check_secret
from generation.provider_keys.verdicts import apply_check
from generation.providers.base import Endpoint, KeyCheck, KeyStatus
from generation.providers.redaction import redact
from generation.providers.registry import entry

MIN_CHARS_TO_SHOW_LAST4 = 12


class KeyNotSavedError(Exception):
    """Why a key was not saved; `field` names the form field the sentence belongs to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class NewKey:
    provider: str
    region: str
    base_url: str
    label: str
    personal: bool
    model_name: str = ""  # a server of the user's: the model name it expects
    price_per_image_usd: Decimal | None = None  # only for providers the workspace prices itself

    @property
    def endpoint(self) -> Endpoint:
        return Endpoint(self.region, self.base_url, self.model_name)


def _duplicate(membership: Membership, fingerprint: str) -> ProviderKey | None:
    same = ProviderKey.objects.filter(workspace_id=membership.workspace_id, fingerprint=fingerprint)
    return same.filter(Q(owner__isnull=True) | Q(owner_id=membership.user_id)).first()


def _duplicate_message(existing: ProviderKey) -> str:
    scope = "your personal key" if existing.owner_id else "the workspace key"
    revoked = " (revoked: delete it first to add the key again)" if existing.is_revoked else ""
    return f"This key is already saved as {scope} “{existing.label}”{revoked}."


@sensitive_variables("plain")
def key_add(*, membership: Membership, new: NewKey, plain: str) -> tuple[ProviderKey, KeyCheck]:
    """Check `plain` live, then store it encrypted with its audit events, in one transaction."""
    # The form offers only what the registry allows; this guards every other caller, since the
    # database does not know which providers take a region or a server URL.
    provider = entry(new.provider)
    if not provider.accepts(new.endpoint):
        raise ValueError(f"{new.provider} keys cannot go to {new.endpoint}.")
    if new.price_per_image_usd is not None and not provider.price_entered:
        raise ValueError(f"{new.provider} keys are priced from the catalog, not by the workspace.")
    fingerprint = crypto.fingerprint(new.provider, plain)
    existing = _duplicate(membership, fingerprint)
    if existing is not None:
        raise KeyNotSavedError(_duplicate_message(existing), field="api_key")
    check = check_secret(new.provider, Secret(plain), region=new.region, base_url=new.base_url)
    if check.status == KeyStatus.INVALID:
        raise KeyNotSavedError(
            f"{check.message} The key was not saved. Check that you copied all of it and chose "
            "the right provider.",
            field="api_key",
        )
    key = ProviderKey(
        id=uuid.uuid4(),
        workspace_id=membership.workspace_id,
        owner_id=membership.user_id if new.personal else None,
        provider=new.provider,
        region=new.region,
        base_url=new.base_url,
        model_name=new.model_name,
        price_per_image_usd=new.price_per_image_usd,
        label=new.label,
        last4=plain[-4:] if len(plain) >= MIN_CHARS_TO_SHOW_LAST4 else "",
        fingerprint=fingerprint,
        created_by=membership.user,
    )
    sealed = crypto.encrypt(plain, row_id=key.pk, workspace_id=key.workspace_id)
    key.ciphertext, key.key_version = sealed.ciphertext, sealed.version
    try:
        with transaction.atomic():
            key.save(force_insert=True)
            record(key, KeyEvent.Action.ADDED, membership.user, _added_detail(key))
            apply_check(
                key, check.status, check.message, actor=membership.user, balance=check.balance
            )
    except IntegrityError:
        raise KeyNotSavedError(
            "This key was saved a moment ago by someone else in this workspace.", field="api_key"
        ) from None
    read_after_key_check(key, check)  # the provider's model list, read with this key
    return key, check


def _added_detail(key: ProviderKey) -> str:
    added = entry(key.provider)
    assert added.key is not None
    scope = "Personal key" if key.owner_id else "Workspace key"
    where = f", region {added.region(key.region).label}" if key.region else ""
    server = f", server {key.base_url}" if key.base_url else ""
    return redact(f"{scope} for {added.key.name}{where}{server}.")


def key_check(*, key: ProviderKey, actor: Any) -> KeyCheck:
    """Open the key (refused if revoked), ask the provider, store the verdict."""
    secret = open_key(key, purpose=Purpose.CHECK, actor=actor)
    check = check_secret(key.provider, secret, region=key.region, base_url=key.base_url)
    apply_check(key, check.status, check.message, actor=actor, balance=check.balance)
    read_after_key_check(key, check)  # the provider's model list, read with this key
    return check


def key_check_sentence(*, key: ProviderKey, check: KeyCheck) -> str:
    if check.status == KeyStatus.VALID:
        return f"“{key.label}” is valid. {check.message}"
    if check.status == KeyStatus.RESTRICTED:
        return f"“{key.label}” works, but this account cannot use every model yet: {check.message}"
    if check.status == KeyStatus.INVALID:
        refused_by = entry(key.provider).key
        assert refused_by is not None
        return f"{refused_by.name} refused “{key.label}”. Revoke it and add a new key."
    return f"“{key.label}” is saved but unchecked: {check.message} Try Check now in a minute."
