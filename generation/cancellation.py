"""Cancelling an image: the Cancel button on a batch's card, and deleting from the gallery an
image that is still waiting.

    queued  -> cancelled: nothing was sent, so the reservation goes back.
    polling -> cancelled: the provider has accepted the task. A provider that can cancel (its
                          registry entry says so: fal) is asked to drop it; one still waiting in
                          the provider's queue is dropped unbilled, so the reservation goes back.
                          Otherwise (running, finished, a provider that cannot cancel, or the
                          cancel call failing) the provider bills it whatever we do now, so what
                          it bills is settled (the credits it reported at submit, else the
                          catalog's list price). Either way the next scheduled poll finds nothing
                          to do.

The cancel call runs in the web request of the Cancel button, bounded by the adapter's short
cancel timeout: the person learns at once whether the image cost anything, and a task would only
race the next poll. Whatever goes wrong with that call, the image is still cancelled (and settled).

Running and storing images cannot be stopped (a worker is calling the provider or storing its
answer), and a finished one has nothing left to stop: cancelling those changes nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from avatarapp.workspaces.access import role_required_message
from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role, at_least
from catalog import Usage, actual_cost, resolve_params
from generation import ledger
from generation.key_selection import entered_price
from generation.models import Image
from generation.provider_call import prepare_poll
from generation.providers.base import PendingTask
from generation.providers.registry import REGISTRY

log = logging.getLogger(__name__)

Status = Image.Status
CANCELLED: dict[str, Any] = {"error_message": "Cancelled.", "error_kind": "cancelled"}


def image_cancel(*, membership: Membership, image: Image) -> bool:
    """Cancel `image` for `membership` (an editor or above of its workspace); False when it can
    no longer be cancelled. Raises PermissionDenied, with a sentence, for anyone else."""
    if image.workspace_id != membership.workspace_id:
        raise PermissionDenied("That image is not in this workspace.")
    if not at_least(membership.role, Role.EDITOR):
        raise PermissionDenied(role_required_message(Role.EDITOR))
    with transaction.atomic():
        if Image.objects.move(image.pk, Status.QUEUED, Status.CANCELLED, **CANCELLED):
            ledger.release(image, "cancelled before any provider call")
            return True
        return _cancel_polling(image)


def _cancel_polling(image: Image) -> bool:
    # Read again: the row the caller holds may predate the submit, and so miss the credits BFL
    # reported. A row still polling has them (they are set by the move into polling).
    polling = (
        Image.objects.select_related("provider_key", "job")  # the job: the creator's keys
        .filter(pk=image.pk, status=Status.POLLING)
        .first()
    )
    if polling is None:
        return False
    if _dropped_at_provider(polling):
        if not Image.objects.move(image.pk, Status.POLLING, Status.CANCELLED, **CANCELLED):
            return False
        ledger.release(polling, "cancelled while queued at the provider, which dropped it unbilled")
        return True
    params = resolve_params(
        polling.model_id, polling.aspect_ratio, polling.resolution, polling.quality
    )
    key = polling.provider_key
    cost = actual_cost(
        polling.model_id,
        Usage(credits=polling.provider_credits),
        params,
        workspace_price=entered_price(key) if key else None,
    )
    if not Image.objects.move(
        image.pk,
        Status.POLLING,
        Status.CANCELLED,
        actual_usd=cost.amount_usd,
        cost_basis=cost.basis,
        price_rule=cost.rule,
        price_as_of=cost.as_of,
        **CANCELLED,
    ):
        return False
    ledger.settle(
        polling,
        cost.amount_usd,
        rule=cost.rule,
        as_of=cost.as_of,
        detail="cancelled after the provider accepted the task",
    )
    return True


def _dropped_at_provider(image: Image) -> bool:
    """Whether the provider dropped the task before it ran (so bills nothing). Any failure to ask
    counts as not dropped: the cancel then settles what the provider may bill, as it always has."""
    known = REGISTRY.get(image.provider)
    if known is None or not known.cancels:
        return False  # nothing to ask: no key opened, no client built
    task = PendingTask(image.provider_request_id, image.polling_url, image.provider_credits)
    try:
        return prepare_poll(image).cancel(task)
    except Exception as error:  # a provider error, timeout or odd answer must not fail Cancel
        log.warning(
            "Could not cancel image %s at its provider (%s); settled as billed.",
            image.pk,
            type(error).__name__,
        )
        return False
