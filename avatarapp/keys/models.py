"""Provider keys, stored encrypted, and their audit trail. Neither model ever holds a key in
plain text; `ciphertext` is AES-GCM sealed by avatarapp.keys.crypto.

This app stores and opens secrets and knows nothing of providers: `provider` is the slug of a
generation.providers.registry entry, and `region` / `base_url` say where that provider's requests
go; the key pages (generation.provider_keys) check both against the registry and give them names.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from avatarapp.workspaces.models import Workspace


class Status(models.TextChoices):
    UNCHECKED = "unchecked", "Unchecked"
    VALID = "valid", "Valid"
    INVALID = "invalid", "Refused"
    RESTRICTED = "restricted", "Valid, restricted"
    REVOKED = "revoked", "Revoked"


class ProviderKey(models.Model):
    # Generated in Python, not by the database: the id is part of the encryption's associated
    # data, so it must be known before the row is first written.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="provider_keys")
    # Set: a personal key, seen and used only by this member. Empty: a workspace key.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="personal_provider_keys",
    )
    provider = models.CharField(max_length=20)  # the slug of a provider registry entry
    region = models.CharField(max_length=8, blank=True)  # for a provider with regions
    base_url = models.CharField(max_length=500, blank=True)  # for a server the user runs
    # The model name that server expects ("flux-dev"); empty: the catalog's default name.
    model_name = models.CharField(max_length=200, blank=True)
    # What one image through this key costs, as the workspace entered it, for providers that
    # publish no price we hold (a server the user runs, a gateway). None: not entered, $0.
    price_per_image_usd = models.DecimalField(
        max_digits=10, decimal_places=4, null=True, blank=True
    )
    label = models.CharField(max_length=60)
    ciphertext = models.BinaryField()
    key_version = models.PositiveSmallIntegerField()
    last4 = models.CharField(max_length=4, blank=True)  # empty when the key is too short to show
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UNCHECKED)
    checked_at = models.DateTimeField(null=True, blank=True)
    check_message = models.CharField(max_length=300, blank=True)
    balance = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    # When `balance` was read from the provider (a key check, or the refresh while jobs run:
    # generation.provider_keys.balances); None: never read.
    balance_checked_at = models.DateTimeField(null=True, blank=True)
    # Issue 19: email the workspace's admins when the balance falls below this; None: no alert.
    low_balance_threshold = models.DecimalField(
        max_digits=16, decimal_places=4, null=True, blank=True
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["provider", "label", "created_at"]
        constraints = [
            # Duplicates are refused per scope; the form says which key it already is.
            models.UniqueConstraint(
                fields=["workspace", "fingerprint"],
                condition=Q(owner__isnull=True),
                name="keys_one_workspace_key_per_fingerprint",
            ),
            models.UniqueConstraint(
                fields=["workspace", "owner", "fingerprint"],
                condition=Q(owner__isnull=False),
                name="keys_one_personal_key_per_fingerprint",
            ),
            # Which providers take a region, and which a server URL, is the provider registry's
            # knowledge, which this app does not have; the one writer of new keys
            # (generation.provider_keys.services.key_add) checks each row against the registry
            # before saving it. What holds for every provider is kept here: a key's requests go
            # to one of its provider's regions or to a server of the user's, never both.
            models.CheckConstraint(
                condition=Q(region="") | Q(base_url=""),
                name="keys_region_or_base_url",
            ),
            models.CheckConstraint(
                condition=Q(price_per_image_usd__isnull=True) | Q(price_per_image_usd__gte=0),
                name="keys_price_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(low_balance_threshold__isnull=True) | Q(low_balance_threshold__gte=0),
                name="keys_low_balance_threshold_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.provider})"

    @property
    def is_personal(self) -> bool:
        return self.owner_id is not None

    @property
    def is_revoked(self) -> bool:
        return self.status == Status.REVOKED

    @property
    def short_fingerprint(self) -> str:
        return self.fingerprint[:8]


class KeyEvent(models.Model):
    """Who did what to which key, and when. Copies the label and last four so the trail still
    reads after the key is deleted; never holds the key."""

    class Action(models.TextChoices):
        ADDED = "added", "Added"
        CHECKED = "checked", "Checked"
        USED = "used", "Used by a job"
        RENAMED = "renamed", "Renamed"
        PRICED = "priced", "Price changed"
        THRESHOLD = "threshold", "Low-credit alert changed"
        REVOKED = "revoked", "Revoked"
        DELETED = "deleted", "Deleted"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    key = models.ForeignKey(
        ProviderKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    # A copy of the key's owner: events of a personal key stay private to that member, also
    # after the key itself is deleted.
    key_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    provider = models.CharField(max_length=20)
    label = models.CharField(max_length=60)
    last4 = models.CharField(max_length=4, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["workspace", "-at"], name="keys_event_workspace_at")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.label} at {self.at:%Y-%m-%d %H:%M}"
