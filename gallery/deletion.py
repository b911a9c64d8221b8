"""Deleting images from the gallery: editors and above; the rows stay, their files go.

A deleted image is marked (deleted_at, deleted_by), never removed: its ledger lines and costs
keep their history, and the costs page's totals do not move. Its stored objects are removed by a
worker task enqueued after the transaction commits (ids only); the sweeper enqueues it again if
that message is lost (generation.removal, generation.sweeper).

Locked images (approved by a client and locked by an editor, gallery.reviews) are never deleted:
a delete that includes one is refused whole, with a sentence.

Images still being made: a queued one is cancelled first (its reservation is released, nothing
was spent), and so is one waiting on an asynchronous provider, as the Cancel button does (settled
as billed, or released when a provider that can cancel dropped it unbilled from its queue). One
that a worker is calling the provider for or storing right now cannot be stopped, and deleting
its row under the worker would leave files nobody removes: the whole delete is refused with a
sentence, and nothing changes.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from avatarapp.workspaces.access import require_role
from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role
from gallery.models import PersonaCover
from generation.cancellation import image_cancel
from generation.models import Image
from generation.queue import enqueue_removal


class DeleteRefused(PermissionDenied):
    """Nothing was deleted, for a reason the message gives. A PermissionDenied, so a view that
    shows the role sentence shows this one too (and an unhandled one is the 403 page with it)."""


class StillBeingMade(DeleteRefused):
    """Some of the images are in a worker's hands right now."""


class Locked(DeleteRefused):
    """Some of the images were approved by a reviewer and locked (gallery.reviews)."""


def image_delete(*, membership: Membership, images: QuerySet[Image]) -> int:
    """Delete the images of `images` that are in the member's workspace and not deleted yet;
    returns how many were deleted. Raises PermissionDenied (with a sentence) for a role below
    editor, StillBeingMade when any of them is being made right now, or Locked when any of them
    is locked."""
    require_role(membership, Role.EDITOR)
    chosen = Image.objects.filter(
        pk__in=images.values("pk"), workspace_id=membership.workspace_id, deleted_at=None
    )
    busy = chosen.being_made().count()
    if busy:
        raise StillBeingMade(_being_made(busy))
    locked = chosen.filter(review__locked=True).count()
    if locked:
        raise Locked(_locked(locked, alone=chosen.count() == 1))
    now = timezone.now()
    with transaction.atomic():
        for image in chosen.cancellable():
            image_cancel(membership=membership, image=image)
        # Locked, so a concurrent delete of the same images waits and then finds them deleted:
        # each image is deleted (and its removal enqueued) once. One claimed by a worker since
        # the check above is not ended, so it is left alone.
        image_ids = list(chosen.final().select_for_update().values_list("pk", flat=True))
        Image.objects.filter(pk__in=image_ids).update(
            deleted_at=now, deleted_by_id=membership.user_id, updated_at=now
        )
        PersonaCover.objects.filter(image_id__in=image_ids).delete()
        transaction.on_commit(lambda: enqueue_removal(image_ids))
    return len(image_ids)


def _locked(count: int, *, alone: bool) -> str:
    if alone:
        return "This portrait is approved and locked, so it was not deleted. Unlock it first."
    if count == 1:
        return (
            "One of these portraits is approved and locked, so nothing was deleted. "
            "Unlock it on its page first, or leave it out."
        )
    return (
        f"{count} of these portraits are approved and locked, so nothing was deleted. "
        "Unlock them on their pages first, or leave them out."
    )


def _being_made(count: int) -> str:
    if count == 1:
        return (
            "One of these images is being made right now, so nothing was deleted. "
            "Wait until it has finished, then delete again."
        )
    return (
        f"{count} of these images are being made right now, so nothing was deleted. "
        "Wait until they have finished, then delete again."
    )
