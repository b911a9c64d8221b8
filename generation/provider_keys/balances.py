"""Credit balances (BFL's free `GET /v1/credits`, through the registry's key check) kept fresh
while jobs run: at most every REFRESH_EVERY per key, and only for keys used since the balance was
last read. A key check by a person reads it too (verdicts.apply_check).

Why a beat task every minute (generation.refresh_credit_balances) rather than a read on
settlement: no image waits for it (a read in the worker would sit in the finalise path that make
bench holds to 300 ms), no provider call is made per image, an idle workspace costs one cheap query
a minute and no call at all, and the balance is read once more after a batch ends (a read on
settlement, held back by the 10-minute guard, would leave the balance as it was at the burst's
first image). Each read is claimed with one conditional UPDATE, so two beats, or a beat and a
person's check, never read the same key twice in the window.

A refresh records no "checked" event (the trail would fill with one every 10 minutes) and leaves
the key's status alone: a key the provider refuses is noted by the job it fails
(verdicts.note_refusal) or by a person's check.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from avatarapp.keys.crypto import KeyUnavailableError
from avatarapp.keys.models import ProviderKey, Status
from avatarapp.keys.vault import USE_RECORD_INTERVAL, Purpose, open_key
from generation import alerts
from generation.provider_keys.checks import check_secret
from generation.providers.base import KeyStatus
from generation.providers.registry import REGISTRY

log = logging.getLogger(__name__)

REFRESH_EVERY = timedelta(minutes=10)


def due_keys(now: datetime) -> QuerySet[ProviderKey]:
    """Keys with a credit balance, not read for REFRESH_EVERY, and used since the last read.
    `last_used_at` is written at most every USE_RECORD_INTERVAL (vault), so a use just after a
    read may show as up to that much earlier: the comparison allows for it."""
    providers = [name for name, known in REGISTRY.items() if known.reports_credits]
    never_read = Q(balance_checked_at__isnull=True, last_used_at__isnull=False)
    used_since = Q(last_used_at__gt=F("balance_checked_at") - USE_RECORD_INTERVAL)
    stale = Q(balance_checked_at__lt=now - REFRESH_EVERY)
    return (
        ProviderKey.objects.filter(provider__in=providers)
        .exclude(status__in=[Status.REVOKED, Status.INVALID])
        .filter(never_read | (stale & used_since))
    )


def _claim(key: ProviderKey, now: datetime) -> bool:
    """Take this key's read for this window; False if another process took it first."""
    return bool(
        ProviderKey.objects.filter(pk=key.pk, balance_checked_at=key.balance_checked_at).update(
            balance_checked_at=now
        )
    )


@sensitive_variables("secret")
def refresh(key: ProviderKey) -> bool:
    """Read `key`'s balance from its provider and store it; True if the provider told it."""
    try:
        secret = open_key(key, purpose=Purpose.CHECK)
    except KeyUnavailableError as error:
        log.warning("balance of key %s not read: %s", key.pk, type(error).__name__)
        return False
    check = check_secret(key.provider, secret, region=key.region, base_url=key.base_url)
    if check.status != KeyStatus.VALID or check.balance is None:
        log.info("balance of key %s not read: %s", key.pk, check.status)
        return False
    key.balance = check.balance
    ProviderKey.objects.filter(pk=key.pk).update(balance=check.balance)
    alerts.balance_read(key)
    return True


def refresh_due() -> int:
    """The beat's work: read every due key's balance once. Returns how many were read."""
    now = timezone.now()
    read = 0
    for key in due_keys(now):
        if _claim(key, now):
            key.balance_checked_at = now
            read += refresh(key)
    return read
