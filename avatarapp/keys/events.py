"""What happened to a key: the audit trail's events."""

from __future__ import annotations

from typing import Any

from avatarapp.keys.models import KeyEvent, ProviderKey


def record(key: ProviderKey, action: str, actor: Any, detail: str = "") -> KeyEvent:
    """One event in the key's trail. `detail` is stored as given (cut to 300 characters): a
    caller that passes a provider's words redacts them first (generation.provider_keys)."""
    return KeyEvent.objects.create(
        workspace_id=key.workspace_id,
        key=key if action != KeyEvent.Action.DELETED else None,
        key_owner_id=key.owner_id,
        provider=key.provider,
        label=key.label,
        last4=key.last4,
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        detail=detail[:300],
    )
