"""Cancel as a service (generation.cancellation.image_cancel): who may cancel, and what cannot be
cancelled. What a cancel settles or releases is in test_pipeline.py; the button, x every role,
in test_views.py."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from avatarapp.workspaces.models import Membership
from generation.cancellation import image_cancel
from generation.models import Image, LedgerEntry
from tests.conftest import World
from tests.generation.conftest import submit_builtin

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(world: World) -> Image:
    return submit_builtin(world.membership("editor")).images.get()


def _unchanged(image: Image) -> dict[str, object]:
    lines = list(LedgerEntry.objects.filter(image=image).values_list("kind", flat=True))
    return {**Image.objects.filter(pk=image.pk).values().get(), "ledger": lines}


@pytest.mark.parametrize(
    ("who", "refusal"),
    [("viewer", "editor"), ("outsider", "not in this workspace")],
)
def test_only_an_editor_of_its_workspace_may_cancel(
    world: World, queued: Image, who: str, refusal: str
) -> None:
    if who == "viewer":
        member = world.membership("viewer")
    else:  # the owner of another workspace
        member = Membership.objects.filter(user=world.outsider).exclude(workspace=world.team)[0]
    before = _unchanged(queued)
    with pytest.raises(PermissionDenied, match=refusal):
        image_cancel(membership=member, image=queued)
    assert _unchanged(queued) == before


@pytest.mark.parametrize(
    "status", [Image.Status.RUNNING, Image.Status.STORING, Image.Status.SUCCEEDED]
)
def test_an_image_a_worker_holds_or_that_has_ended_is_not_cancelled(
    world: World, queued: Image, status: str
) -> None:
    Image.objects.filter(pk=queued.pk).update(status=status)
    before = _unchanged(queued)
    assert image_cancel(membership=world.membership("owner"), image=queued) is False
    assert _unchanged(queued) == before


def test_a_queued_image_is_cancelled_and_released(world: World, queued: Image) -> None:
    assert image_cancel(membership=world.membership("admin"), image=queued) is True
    queued.refresh_from_db()
    assert (queued.status, queued.error_kind) == ("cancelled", "cancelled")
    assert queued.finished_at is not None
    kinds = set(LedgerEntry.objects.filter(image=queued).values_list("kind", flat=True))
    assert kinds == {"reservation", "release"}
