"""Deleting images removes their stored objects, through a real worker, Redis and the S3 server:
after the transaction commits, at most once per object, retried when storage fails, and swept up
again when the removal task was never enqueued. The rows stay."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from botocore.exceptions import EndpointConnectionError
from django.core.files.storage import default_storage
from django.utils import timezone

from gallery import deletion
from gallery.deletion import image_delete
from generation import removal, storage, sweeper
from generation.models import Image
from tests.conftest import World
from tests.generation.conftest import (
    all_terminal,
    submit_builtin,
    wait_for,
    worker,  # noqa: F401 - the fixture
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("worker")]


def made(world: World, count: int) -> list[Image]:
    job = submit_builtin(world.membership("editor"), count=count)
    wait_for(lambda: all_terminal(job.pk), what="the batch to finish")
    images = list(Image.objects.filter(job=job))
    assert [image.status for image in images] == [Image.Status.SUCCEEDED] * count
    return images


def files_of(image: Image) -> list[str]:
    return [image.original.name, image.thumbnail.name]


def gone(image: Image) -> bool:
    """Both objects removed from storage and the row no longer naming them."""
    image.refresh_from_db()
    return not image.original.name and not image.thumbnail.name


@pytest.fixture
def removals(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Every object removal the worker asks storage for, by name."""
    asked: Counter[str] = Counter()
    remove = storage.remove

    def counted(name: str) -> None:
        asked[name] += 1
        remove(name)

    monkeypatch.setattr(storage, "remove", counted)
    return asked


def test_the_files_go_once_each_and_the_rows_stay(world: World, removals: Counter[str]):
    deleted, kept = made(world, 2)
    names = files_of(deleted)
    assert all(default_storage.exists(name) for name in names + files_of(kept))

    assert (
        image_delete(
            membership=world.membership("editor"), images=Image.objects.filter(pk=deleted.pk)
        )
        == 1
    )

    wait_for(lambda: gone(deleted), what="the deleted image's files to be removed")
    assert not any(default_storage.exists(name) for name in names)
    assert all(default_storage.exists(name) for name in files_of(kept))
    assert Image.objects.filter(pk__in=[deleted.pk, kept.pk]).count() == 2
    assert deleted.deleted_at is not None
    # A duplicate task (the sweeper's, a redelivery) finds nothing left to remove.
    assert removal.remove_files([deleted.pk]) == []
    assert removals == Counter(names)


def test_a_storage_failure_is_retried(world: World, monkeypatch: pytest.MonkeyPatch):
    [image] = made(world, 1)
    names = files_of(image)
    attempts: Counter[str] = Counter()
    remove = storage.remove

    def fails_once(name: str) -> None:
        attempts[name] += 1
        if sum(attempts.values()) == 1:
            raise EndpointConnectionError(endpoint_url="http://storage.invalid")
        remove(name)

    monkeypatch.setattr(storage, "remove", fails_once)
    image_delete(membership=world.membership("editor"), images=Image.objects.filter(pk=image.pk))

    wait_for(lambda: gone(image), what="the removal to be retried")
    assert not any(default_storage.exists(name) for name in names)
    assert sorted(attempts.values()) == [1, 2]  # the first object twice, the second once


def test_the_sweeper_removes_files_whose_task_was_lost(
    world: World, monkeypatch: pytest.MonkeyPatch
):
    """A crash between the commit and the enqueue: the task never exists."""
    [image] = made(world, 1)
    names = files_of(image)
    monkeypatch.setattr(deletion, "enqueue_removal", lambda image_ids: None)
    image_delete(membership=world.membership("editor"), images=Image.objects.filter(pk=image.pk))

    assert sweeper.sweep()["files_removed"] == 0  # just deleted: its own task gets the chance
    image.refresh_from_db()
    assert image.original.name == names[0]
    Image.objects.filter(pk=image.pk).update(updated_at=timezone.now() - timedelta(minutes=5))

    assert sweeper.sweep()["files_removed"] == 1
    wait_for(lambda: gone(image), what="the sweeper's removal")
    assert not any(default_storage.exists(name) for name in names)
    assert sweeper.sweep()["files_removed"] == 0
