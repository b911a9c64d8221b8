"""Small display helpers for the keys pages: a key as its provider shows it (the registry's
names and mask), and times as people say them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

from avatarapp.keys.models import ProviderKey
from generation.credits import credits_words
from generation.providers.registry import entry

register = template.Library()


@register.filter
def ago(moment: datetime | None) -> str:
    """“just now”, “5 minutes ago”; empty for no time. Django's timesince says “0 minutes”."""
    if moment is None:
        return ""
    if (timezone.now() - moment).total_seconds() < 60:
        return "just now"
    return f"{timesince(moment)} ago"


@register.filter
def key_mask(key: ProviderKey) -> str:
    """ "sk-…AbCd": the provider's prefix and the key's last four characters, never more."""
    return entry(key.provider).mask(key.last4)


@register.filter
def key_provider(key: ProviderKey) -> str:
    """ "Black Forest Labs (EU)": the key's provider, with its region unless the default one."""
    return entry(key.provider).key_title(key.region)


@register.filter
def credits(amount: Decimal) -> str:
    """ "1,000", "857.5": a credit balance as people write it."""
    return credits_words(amount)


@register.filter
def reports_credits(key: ProviderKey) -> bool:
    """Whether the key's provider tells its credit balance on a check (BFL)."""
    return entry(key.provider).reports_credits
