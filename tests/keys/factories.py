"""Keys for tests, built at run time so no key-shaped literal sits in the repository (a checker
flags those), and a way to store one without a live check."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from avatarapp.keys import crypto
from avatarapp.keys.models import ProviderKey, Status
from avatarapp.workspaces.models import Membership
from catalog import Provider
from generation.providers.registry import entry


def openai_key(tag: str = "test") -> str:
    return "sk-" + tag + secrets.token_hex(12)


def google_key(tag: str = "Test") -> str:
    return "AIza" + tag + secrets.token_hex(16)


def bfl_key() -> str:
    return str(uuid.uuid4())


def store_key(
    membership: Membership,
    plain: str | None = None,
    *,
    provider: str = Provider.OPENAI,
    personal: bool = False,
    label: str = "Team key",
    status: str = Status.VALID,
    **fields: Any,
) -> ProviderKey:
    """A saved key, as key_add would leave it, minus the live check."""
    plain = plain or openai_key()
    # Where the provider's keys go by default: its first region, or a server of the user's.
    regions = entry(provider).regions
    defaults: dict[str, Any] = {"region": regions[0].slug if regions else ""}
    if entry(provider).takes_base_url:
        defaults["base_url"] = "https://llm.example.com/v1"
    defaults.update(fields)
    key = ProviderKey(
        id=uuid.uuid4(),
        workspace_id=membership.workspace_id,
        owner_id=membership.user_id if personal else None,
        provider=provider,
        label=label,
        last4=plain[-4:],
        fingerprint=crypto.fingerprint(provider, plain),
        status=status,
        created_by=membership.user,
        **defaults,
    )
    sealed = crypto.encrypt(plain, row_id=key.pk, workspace_id=key.workspace_id)
    key.ciphertext, key.key_version = sealed.ciphertext, sealed.version
    key.save(force_insert=True)
    return key


def outsider_membership(world: Any) -> Membership:
    """Charlie's membership of his own team, "Other agency"."""
    return Membership.objects.get(user=world.outsider, workspace__is_personal=False)
