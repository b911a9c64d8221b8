"""The only door to a key in plain text, so no task argument, log, exception or page holds one.

`open_key` is the one function that calls crypto.decrypt (tests/keys/test_vault.py checks the
whole code base for other callers). It refuses revoked keys, records the use, and hands back a
`Secret`, whose repr is a mask, to pass straight into a provider adapter. Keys are opened just in
time, inside the worker's provider call; a key never travels in task arguments.

For the pipeline (generation.key_selection):
    key, secret = vault.secret_for_job(key_id, membership)   # re-checks who may use it
    client = entry.build_client(secret, ...)                 # the provider registry's builder
"""

from __future__ import annotations

import enum
import uuid
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, Q, QuerySet
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.debug import sensitive_variables

from avatarapp.keys import crypto
from avatarapp.keys.events import record
from avatarapp.keys.models import KeyEvent, ProviderKey, Status
from avatarapp.keys.secret import Secret
from avatarapp.prepared_queries import PreparedQuery
from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role, at_least

# A busy key is opened for every image; write last_used (and a "used" event) at most this often.
USE_RECORD_INTERVAL = timedelta(minutes=5)


class Purpose(enum.StrEnum):
    CHECK = "check"  # a live key check: recorded by the caller as a "checked" event
    JOB = "job"  # a provider call for a generation: records last_used and a "used" event


class KeyRevokedError(crypto.KeyUnavailableError):
    pass


class KeyNotUsableError(crypto.KeyUnavailableError):
    pass


@sensitive_variables("plain")
def open_key(key: ProviderKey, *, purpose: Purpose, actor: Any = None, detail: str = "") -> Secret:
    """Decrypt `key` for one provider call. Raises a KeyUnavailableError subclass, whose message
    a person can act on, when the key is revoked, was moved between rows, or was encrypted with a
    keyring version that is no longer configured."""
    if key.status == Status.REVOKED:
        when = f" on {key.revoked_at:%Y-%m-%d}" if key.revoked_at else ""
        raise KeyRevokedError(f"The key “{key.label}” was revoked{when}; choose another key.")
    plain = crypto.decrypt(
        bytes(key.ciphertext),
        row_id=key.pk,
        workspace_id=key.workspace_id,
        version=key.key_version,
    )
    if purpose == Purpose.JOB:
        _record_use(key, actor, detail)
    return Secret(plain)


def _record_use(key: ProviderKey, actor: Any, detail: str) -> None:
    now = timezone.now()
    if key.last_used_at is not None and key.last_used_at >= now - USE_RECORD_INTERVAL:
        return  # recorded lately, as this row read a moment ago says: no statement at all
    # One conditional UPDATE: many workers opening the same key write at most once per interval.
    updated = (
        ProviderKey.objects.filter(pk=key.pk)
        .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - USE_RECORD_INTERVAL))
        .update(last_used_at=now)
    )
    if updated:
        key.last_used_at = now
        record(key, KeyEvent.Action.USED, actor, detail or "Used for a generation.")


JOB_ROLES = [role for role in Role if at_least(role, Role.EDITOR)]  # who may run jobs


def _member_keys(workspace_id: uuid.UUID, user_id: int) -> QuerySet[ProviderKey]:
    """The workspace's keys plus the member's own personal keys there, not revoked."""
    return (
        ProviderKey.objects.filter(workspace_id=workspace_id)
        .filter(Q(owner__isnull=True) | Q(owner_id=user_id))
        .exclude(status=Status.REVOKED)
    )


def usable_keys(membership: Membership, provider: str | None = None) -> QuerySet[ProviderKey]:
    """Keys `membership` may run jobs with: the workspace's keys plus the member's own personal
    keys, not revoked. Viewers run no jobs, so they get none."""
    if membership.role not in JOB_ROLES:
        return ProviderKey.objects.none()
    keys = _member_keys(membership.workspace_id, membership.user_id)
    if provider is not None:
        keys = keys.filter(provider=provider)
    return keys.order_by("owner_id", "label")


def secret_for_job(
    key_id: uuid.UUID | str, membership: Membership, *, detail: str = ""
) -> tuple[ProviderKey, Secret]:
    """Open a key for a job run on behalf of `membership`, re-checking at the last moment that
    the member may still use it (they may have left, or the key may have been revoked)."""
    key = usable_keys(membership).filter(pk=key_id).first()
    if key is None:
        # Not usable: say "revoked" when that is why, rather than the vaguer refusal below.
        revoked = ProviderKey.objects.filter(pk=key_id, status=Status.REVOKED).first()
        if revoked is not None:
            open_key(revoked, purpose=Purpose.JOB)  # raises the revoked message
        raise KeyNotUsableError(
            "This key is no longer available to you in this workspace; choose another key."
        )
    return key, open_key(key, purpose=Purpose.JOB, actor=membership.user, detail=detail)


def _member_key(key_id: uuid.UUID, workspace_id: uuid.UUID, user_id: int) -> QuerySet[ProviderKey]:
    may_run_jobs = Membership.objects.filter(
        workspace_id=workspace_id, user_id=user_id, role__in=JOB_ROLES
    )
    return _member_keys(workspace_id, user_id).filter(Exists(may_run_jobs), pk=key_id)[:1]


# Compiled once (avatarapp.prepared_queries): the worker runs it for every image.
_MEMBER_KEY = PreparedQuery(
    _member_key,
    key_id=ProviderKey._meta.pk,
    workspace_id=ProviderKey._meta.get_field("workspace"),
    user_id=Membership._meta.get_field("user"),
)


def secret_for_member(
    key_id: uuid.UUID | str, *, workspace_id: uuid.UUID, user_id: int, detail: str = ""
) -> tuple[ProviderKey, Secret] | None:
    """`secret_for_job` for user `user_id` of `workspace_id` (a job's creator) in one statement:
    the key, read only if that user is still a member who may run jobs with it. None when not;
    then `secret_for_job` with their membership says why, in words a person can act on. The
    worker opens a key for every image, and this is its usual case (make bench)."""
    found = _MEMBER_KEY.first(key_id=key_id, workspace_id=workspace_id, user_id=user_id)
    if found is None:
        return None
    # Read only if the use is recorded (at most once per USE_RECORD_INTERVAL).
    actor = SimpleLazyObject(lambda: get_user_model().objects.get(pk=user_id))
    return found, open_key(found, purpose=Purpose.JOB, actor=actor, detail=detail)
