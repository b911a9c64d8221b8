"""The gallery filter's batch dimension (`job`): the batches history links to one batch's failed
or needs-checking images through it."""

from __future__ import annotations

import uuid

import pytest
from django.http import QueryDict

from avatarapp.workspaces.models import Membership
from gallery.facets import facets
from gallery.query import GalleryFilter
from generation.models import Image
from tests.conftest import World
from tests.gallery.factories import make_image, make_job
from tests.generation.conftest import make_persona

pytestmark = pytest.mark.django_db
Status = Image.Status


def read(text: str, membership: Membership) -> GalleryFilter:
    return GalleryFilter.from_query(QueryDict(text), membership)


def test_a_batchs_images_by_status(world: World):
    editor = world.membership("editor")
    persona = make_persona(editor)
    batch, other_batch = make_job(editor), make_job(editor)
    failed = make_image(batch, persona, status=Status.FAILED)
    make_image(batch, persona)  # done
    make_image(other_batch, persona, status=Status.FAILED)

    chosen = read(f"job={batch.pk}&status=failed", editor)

    assert chosen.jobs == (batch.pk,)
    assert list(chosen.images(editor)) == [failed]
    assert chosen.problems == ()


def test_another_workspaces_batch_is_dropped_as_if_it_did_not_exist(world: World):
    editor = world.membership("editor")
    mine = make_image(make_job(editor), make_persona(editor))
    outsider = world.outsider.memberships.get(workspace__name="Other agency")
    foreign_job = make_job(outsider)
    make_image(foreign_job, make_persona(outsider))

    chosen = read(f"job={foreign_job.pk}", editor)

    assert chosen.jobs == ()
    assert chosen.problems == ()  # silently: its id says nothing about the other workspace
    assert list(chosen.images(editor)) == [mine]


def test_an_unreadable_batch_id_is_left_out_with_a_sentence(world: World):
    chosen = read("job=42%3Bdrop", world.membership("viewer"))
    assert chosen.jobs == ()
    assert chosen.problems == ("That batch filter could not be read, so it was left out.",)


def test_the_batch_round_trips_through_the_url(world: World):
    editor = world.membership("editor")
    first, second = make_job(editor), make_job(editor)
    chosen = read(f"job={second.pk}&job={first.pk}&job={uuid.uuid4()}&status=checking", editor)

    again = read(chosen.to_query(), editor)

    assert again == chosen
    assert set(again.jobs) == {first.pk, second.pk}
    assert read(chosen.to_query(jobs=()), editor).jobs == ()
    assert read(chosen.to_query(jobs=(), statuses=()), editor).is_empty


def test_facet_counts_stay_within_the_batch(world: World):
    editor = world.membership("editor")
    mia, leo = make_persona(editor, name="Mia Chen"), make_persona(editor, name="Leo Park")
    batch = make_job(editor)
    make_image(batch, mia)
    make_image(batch, mia, status=Status.FAILED)
    make_image(make_job(editor), leo)  # another batch

    counts = facets(read(f"job={batch.pk}", editor), editor)

    assert [(v.label, v.count) for v in counts["persona"]] == [("Mia Chen", 2)]
    assert [(v.value, v.count) for v in counts["status"]] == [("done", 1), ("failed", 1)]
