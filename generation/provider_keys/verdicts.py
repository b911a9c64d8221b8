"""A provider's verdict on a key (a key check, or a job's call it refused), stored on the key and
in its trail. The provider's words are scrubbed of key-shaped text before they are kept."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from avatarapp.keys.events import record
from avatarapp.keys.models import KeyEvent, ProviderKey, Status
from generation import alerts
from generation.providers.base import KeyStatus
from generation.providers.redaction import redact

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
        key.balance, key.balance_checked_at = balance, key.checked_at
        fields += ["balance", "balance_checked_at"]
    key.save(update_fields=fields)
    prefix = f"{detail_prefix}: " if detail_prefix else ""
    record(key, KeyEvent.Action.CHECKED, actor, f"{prefix}{OUTCOME_TEXT[status]}. {message}")
    if balance is not None:
        alerts.balance_read(key)


def note_refusal(key: ProviderKey, status: KeyStatus, message: str) -> None:
    """A provider refused a job's call with this key (401: INVALID; 403 organisation
    verification: RESTRICTED). Shown on the keys page so an admin can act."""
    apply_check(key, status, message, actor=None, detail_prefix="A job was refused")
