"""Issue 19: a BFL key's credit balance, read from the emulator's `GET /v1/credits` on a key
check and by the beat while the key is in use (at most every 10 minutes, no call for an idle
key), and the low-credit email: once per fall below the admin's threshold."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from avatarapp.keys.models import KeyEvent, ProviderKey
from catalog import Provider
from generation.models import CreditAlert
from generation.provider_keys import balances, services
from tests.conftest import World
from tests.emulator import Emulator
from tests.keys.factories import bfl_key, openai_key, store_key

pytestmark = pytest.mark.django_db


def bfl(world: World, plain: str, label: str = "Studio BFL", **fields: Any) -> ProviderKey:
    return store_key(world.membership("admin"), plain, provider=Provider.BFL, label=label, **fields)


def reads(emulator: Emulator, plain: str) -> int:
    return emulator.count(provider="bfl", operation="credits", api_key=plain)


def ago(minutes: int) -> object:
    return timezone.now() - timedelta(minutes=minutes)


def test_a_key_in_use_is_read_at_most_every_10_minutes(
    world: World, provider_urls: Emulator
) -> None:
    plain = bfl_key()
    provider_urls.set_credits(plain, 640)
    key = bfl(world, plain, last_used_at=timezone.now())

    assert balances.refresh_due() == 1
    key.refresh_from_db()
    assert key.balance == Decimal(640)
    assert key.balance_checked_at is not None
    assert reads(provider_urls, plain) == 1
    # No "checked" event every 10 minutes: the trail is for people's checks.
    assert not KeyEvent.objects.filter(key=key, action=KeyEvent.Action.CHECKED).exists()

    # Jobs go on spending; the next beats, inside the 10 minutes, ask nothing.
    provider_urls.set_credits(plain, 610)
    ProviderKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    assert balances.refresh_due() == 0
    assert reads(provider_urls, plain) == 1

    # Ten minutes on, still in use: read again.
    ProviderKey.objects.filter(pk=key.pk).update(balance_checked_at=ago(11))
    assert balances.refresh_due() == 1
    key.refresh_from_db()
    assert key.balance == Decimal(610)
    assert reads(provider_urls, plain) == 2


def test_an_idle_key_a_revoked_key_and_other_providers_are_not_read(
    world: World, provider_urls: Emulator
) -> None:
    idle = bfl_key()
    bfl(world, idle, balance=900, balance_checked_at=ago(60), last_used_at=ago(120))
    revoked = bfl_key()
    bfl(world, revoked, label="Old", status="revoked", last_used_at=timezone.now())
    store_key(world.membership("admin"), openai_key(), last_used_at=timezone.now())
    assert balances.refresh_due() == 0
    assert provider_urls.count(provider="bfl") == 0
    assert provider_urls.count(provider="openai") == 0


def test_the_read_after_a_batch_ends_is_not_lost(world: World, provider_urls: Emulator) -> None:
    """Used 3 minutes before the last read (last_used_at is written at most every 5 minutes, so
    images may have run after that read): read once more once the 10 minutes are up."""
    plain = bfl_key()
    provider_urls.set_credits(plain, 300)
    key = bfl(world, plain, balance=400, balance_checked_at=ago(11), last_used_at=ago(14))
    assert balances.refresh_due() == 1
    key.refresh_from_db()
    assert key.balance == Decimal(300)


def test_falling_below_the_threshold_emails_once_per_fall(
    world: World, provider_urls: Emulator, django_capture_on_commit_callbacks: Any
) -> None:
    plain = bfl_key()
    key = bfl(world, plain, balance=800, low_balance_threshold=Decimal(100))
    provider_urls.set_credits(plain, 40)
    with django_capture_on_commit_callbacks(execute=True):
        services.key_check(key=key, actor=world.admin)
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert sorted(email.to) == ["alice@example.com", "dana@example.com"]
    assert email.subject == "Acme marketing: the key “Studio BFL” is low on credits"
    assert "has 40 credits left, below the 100 you set" in email.body
    assert plain not in email.body

    # Still low at the next reads (a check, a beat): no second email.
    with django_capture_on_commit_callbacks(execute=True):
        services.key_check(key=key, actor=world.admin)
        ProviderKey.objects.filter(pk=key.pk).update(
            balance_checked_at=ago(11), last_used_at=timezone.now()
        )
        assert balances.refresh_due() == 1
    assert len(mail.outbox) == 1

    # Topped up, then down again: a new fall, a new email.
    provider_urls.set_credits(plain, 5000)
    services.key_check(key=key, actor=world.admin)
    assert CreditAlert.objects.get().closed_at is not None
    provider_urls.set_credits(plain, 60)
    with django_capture_on_commit_callbacks(execute=True):
        services.key_check(key=key, actor=world.admin)
    assert len(mail.outbox) == 2
    assert "has 60 credits left" in mail.outbox[1].body


def test_a_personal_keys_alert_goes_to_its_owner_alone(
    world: World, provider_urls: Emulator, django_capture_on_commit_callbacks: Any
) -> None:
    plain = bfl_key()
    provider_urls.set_credits(plain, 3)
    key = store_key(
        world.membership("editor"),
        plain,
        provider=Provider.BFL,
        personal=True,
        label="Bob's BFL",
        low_balance_threshold=Decimal(10),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.key_check(key=key, actor=world.editor)
    assert [m.to for m in mail.outbox] == [["bob@example.com"]]
