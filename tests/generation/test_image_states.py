"""An image's life as data (generation/image_states.py): every move the table does not allow
raises and changes nothing; a move from a status the row has left changes nothing and says so;
every move marks the row alive (updated_at), which the sweeper relies on; and Cancel / Retry /
polling on a batch's card follow the same table."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from generation.image_states import FINAL, MOVES, RESOLUTIONS, IllegalMoveError
from generation.models import Image
from tests.conftest import World
from tests.gallery.factories import make_image, make_job
from tests.generation.conftest import make_persona

pytestmark = pytest.mark.django_db

Status = Image.Status
STATUSES = list(Status)
# The worker's moves and a person's resolutions (an admin's decision on a flagged image).
ALLOWED_TARGETS = {s: MOVES[s] | RESOLUTIONS.get(s, frozenset()) for s in STATUSES}
ALLOWED = [(source, target) for source in STATUSES for target in sorted(ALLOWED_TARGETS[source])]
DISALLOWED = [
    (source, target)
    for source in STATUSES
    for target in STATUSES
    if target not in ALLOWED_TARGETS[source]
]
LONG_AGO = timedelta(hours=1)


@pytest.fixture
def image(world: World) -> Image:
    membership = world.membership("editor")
    made = make_image(make_job(membership), make_persona(membership), status=Status.QUEUED)
    Image.objects.filter(pk=made.pk).update(updated_at=timezone.now() - LONG_AGO)
    made.refresh_from_db()
    return made


def _put(image: Image, status: str) -> Image:
    """The row in `status`, last touched an hour ago (a test's shortcut, not a move)."""
    Image.objects.filter(pk=image.pk).update(status=status, updated_at=timezone.now() - LONG_AGO)
    image.refresh_from_db()
    return image


def _row(image: Image) -> dict[str, Any]:
    return dict(Image.objects.filter(pk=image.pk).values().get())


def test_the_table_names_every_status_and_final_ones_lead_nowhere() -> None:
    assert set(MOVES) == set(STATUSES)
    assert all(target in STATUSES for targets in MOVES.values() for target in targets)
    assert {
        Status.SUCCEEDED,
        Status.FAILED,
        Status.CANCELLED,
        Status.NEEDS_RECONCILIATION,
    } == FINAL
    # A task the provider has accepted (and bills) is never queued to be submitted again.
    assert Status.QUEUED not in MOVES[Status.POLLING]


@pytest.mark.parametrize(("source", "target"), DISALLOWED)
def test_a_move_the_table_does_not_allow_raises_and_changes_nothing(
    image: Image, source: str, target: str
) -> None:
    before = _row(_put(image, source))
    with pytest.raises(IllegalMoveError, match=f"from {source} to {target}\\."):
        Image.objects.move(image.pk, source, target, error_message="should not be written")
    assert _row(image) == before


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_a_move_from_a_status_the_row_has_left_changes_nothing(
    image: Image, source: str, target: str
) -> None:
    elsewhere = next(status for status in STATUSES if status != source)
    before = _row(_put(image, elsewhere))
    assert Image.objects.move(image.pk, source, target, error_message="late") is False
    assert _row(image) == before


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_every_move_sets_updated_at_and_a_final_one_finished_at(
    image: Image, source: str, target: str
) -> None:
    stale = _put(image, source).updated_at
    started = timezone.now()
    assert Image.objects.move(image.pk, source, target, error_message="moved") is True
    image.refresh_from_db()
    assert (image.status, image.error_message) == (target, "moved")
    assert image.updated_at >= started > stale
    assert (image.finished_at is not None) is (target in FINAL)


def test_a_move_whose_condition_does_not_hold_changes_nothing(image: Image) -> None:
    before = _row(image)
    moved = Image.objects.move(
        image.pk, Status.QUEUED, Status.RUNNING, where=Q(attempts=3), started_at=timezone.now()
    )
    assert moved is False
    assert _row(image) == before
    assert Image.objects.move(image.pk, Status.QUEUED, Status.RUNNING, where=Q(attempts=0))


@pytest.mark.parametrize("field", ["status", "updated_at"])
def test_the_move_alone_sets_status_and_updated_at(image: Image, field: str) -> None:
    before = _row(image)
    changes: dict[str, Any] = {field: timezone.now()}
    with pytest.raises(TypeError):
        Image.objects.move(image.pk, Status.QUEUED, Status.RUNNING, **changes)
    assert _row(image) == before


def test_the_model_and_its_queries_agree_on_what_can_be_cancelled_retried_or_is_final(
    world: World,
) -> None:
    membership = world.membership("editor")
    job, persona = make_job(membership), make_persona(membership)
    for status in STATUSES:
        make_image(job, persona, status=status)
    rows = {image.status: image for image in Image.objects.filter(job=job)}
    assert {s for s, i in rows.items() if i.can_cancel} == {Status.QUEUED, Status.POLLING}
    assert {s for s, i in rows.items() if i.can_retry} == {Status.FAILED, Status.CANCELLED}
    assert {s for s, i in rows.items() if i.is_final} == FINAL
    images = Image.objects.filter(job=job)
    assert set(images.cancellable().values_list("status", flat=True)) == {
        Status.QUEUED,
        Status.POLLING,
    }
    assert set(images.being_made().values_list("status", flat=True)) == {
        Status.RUNNING,
        Status.STORING,
    }
    assert set(images.final().values_list("status", flat=True)) == FINAL
    assert set(images.unfinished().values_list("status", flat=True)) == set(STATUSES).difference(
        FINAL
    )


@pytest.mark.parametrize("status", STATUSES)
def test_a_card_offers_cancel_retry_and_polling_as_its_status_allows(
    world: World, client_as: Any, status: str
) -> None:
    membership = world.membership("editor")
    image = make_image(make_job(membership), make_persona(membership), status=status)
    html = client_as("editor").get(reverse("generation:image_card", args=[image.pk])).content
    page = html.decode()
    assert (">Cancel</button>" in page) is (status in (Status.QUEUED, Status.POLLING))
    assert (">Retry</button>" in page) is (status in (Status.FAILED, Status.CANCELLED))
    assert ('hx-trigger="every 2s"' in page) is (status not in FINAL)
