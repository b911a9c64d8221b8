"""What happened to a key: audit events, and check outcomes applied to a key's status."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from avatarapp.keys.models import KeyEvent, ProviderKey, Status
from avatarapp.keys.redaction import redact
from generation.providers.base import KeyStatus

CHECK_STATUS = {
    KeyStatus.VALID: Status.VALID,
    KeyStatus.INVALID: Status.INVALID,
    KeyStatus.RESTRICTED: Status.RESTRICTED,
    # UNREACHABLE says nothing about the key: its status stays as it was.
}
OUTCOME_TEXT = {
    KeyStatus.VALID: "Valid",
    KeyStatus.INVALID: "Refused",
    KeyStatus.RESTRICTED: "Valid, restricted",
    KeyStatus.UNREACHABLE: "Unreachable",
}


def record(key: ProviderKey, action: str, actor: Any, detail: str = "") -> KeyEvent:
    return KeyEvent.objects.create(
        workspace_id=key.workspace_id,
        key=key if action != KeyEvent.Action.DELETED else None,
        key_owner_id=key.owner_id,
        provider=key.provider,
        label=key.label,
        last4=key.last4,
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        detail=redact(detail)[:300],
    )


def apply_check(
    key: ProviderKey,
    status: KeyStatus,
    message: str,
    *,
    actor: Any,
    balance: Decimal | None = None,
    detail_prefix: str = "",
) -> None:
    """Store a check's outcome on the key and in the trail. A revoked key stays revoked."""
    message = redact(message)[:300]
    key.checked_at = timezone.now()
    key.check_message = message
    fields = ["checked_at", "check_message"]
    if status in CHECK_STATUS and key.status != Status.REVOKED:
        key.status = CHECK_STATUS[status]
        fields.append("status")
    if balance is not None:
        key.balance = balance
        fields.append("balance")
    key.save(update_fields=fields)
    prefix = f"{detail_prefix}: " if detail_prefix else ""
    record(key, KeyEvent.Action.CHECKED, actor, f"{prefix}{OUTCOME_TEXT[status]}. {message}")
