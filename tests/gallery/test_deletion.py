"""Deleting images (gallery.deletion): who may, what is marked, what is refused, and what stays:
the rows, their ledger lines and the costs page. Storage removal with a real worker is in
test_deletion_storage.py."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from gallery.deletion import StillBeingMade, image_delete
from gallery.models import PersonaCover
from gallery.query import GalleryFilter
from generation import ledger
from generation.models import Image, Job, LedgerEntry
from personas.models import Persona
from tests.conftest import World
from tests.gallery.factories import make_image, make_job
from tests.generation.conftest import make_persona

pytestmark = pytest.mark.django_db
Status = Image.Status


def priced(job: Job, persona: Persona, status: str = Status.SUCCEEDED) -> Image:
    """An image with a reservation (and, once done, a settled cost) in the ledger."""
    today = timezone.now().date()
    image = make_image(
        job,
        persona,
        status=status,
        estimated_usd=Decimal("0.0600"),
        price_rule="test rule",
        price_as_of=today,
    )
    ledger.reserve([image])
    if status == Status.SUCCEEDED:
        image.actual_usd = Decimal("0.0500")
        image.save()
        ledger.settle(image, image.actual_usd, rule="test rule", as_of=today)
    return image


def ledger_lines() -> list[tuple[object, ...]]:
    return list(LedgerEntry.objects.order_by("pk").values_list("image_id", "kind", "amount_usd"))


@pytest.mark.parametrize("role", ["owner", "admin", "editor"])
def test_editors_and_above_delete_and_the_row_and_ledger_stay(world: World, role: str):
    member = world.membership(role)
    persona = make_persona(member)
    job = make_job(member)
    gone, kept = priced(job, persona), priced(job, persona)
    lines = ledger_lines()

    deleted = image_delete(membership=member, images=Image.objects.filter(pk=gone.pk))

    assert deleted == 1
    gone.refresh_from_db()
    assert gone.deleted_at is not None
    assert gone.deleted_by == member.user
    assert gone.actual_usd == Decimal("0.0500")  # its cost keeps its history
    kept.refresh_from_db()
    assert kept.deleted_at is None
    assert ledger_lines() == lines


def test_a_viewer_is_refused_with_the_role_sentence_and_nothing_changes(world: World):
    editor = world.membership("editor")
    image = make_image(make_job(editor), make_persona(editor))

    with pytest.raises(PermissionDenied, match="This needs the editor role"):
        image_delete(
            membership=world.membership("viewer"), images=Image.objects.filter(pk=image.pk)
        )

    image.refresh_from_db()
    assert image.deleted_at is None


def test_another_workspaces_images_are_never_touched(world: World):
    editor = world.membership("editor")
    team_image = make_image(make_job(editor), make_persona(editor))
    outsider = world.outsider.memberships.get(workspace__name="Other agency")
    own_image = make_image(make_job(outsider), make_persona(outsider))

    # The outsider (an owner, of another team) names the team's image: nothing happens to it.
    assert image_delete(membership=outsider, images=Image.objects.filter(pk=team_image.pk)) == 0
    # And the team's editor cannot delete the outsider's image through a mixed selection.
    chosen = Image.objects.filter(pk__in=[team_image.pk, own_image.pk])
    assert image_delete(membership=editor, images=chosen) == 1

    own_image.refresh_from_db()
    team_image.refresh_from_db()
    assert own_image.deleted_at is None
    assert team_image.deleted_by == world.editor


def test_a_gallery_selection_is_deleted_as_chosen(world: World):
    """ "Select all N matching": the filter's queryset (ordered, searched, capped) as it comes."""
    editor = world.membership("editor")
    persona = make_persona(editor)
    job = make_job(editor)
    failed = [make_image(job, persona, status=Status.FAILED, prompt="A corridor") for _ in range(3)]
    make_image(job, persona, status=Status.FAILED, prompt="A kitchen")
    make_image(job, persona, prompt="A corridor")
    chosen = GalleryFilter.from_query(QueryDict(f"job={job.pk}&status=failed&q=corridor"), editor)

    assert image_delete(membership=editor, images=chosen.images(editor)[:5000]) == 3

    assert set(Image.objects.exclude(deleted_at=None).values_list("pk", flat=True)) == {
        image.pk for image in failed
    }


def test_an_image_is_deleted_once(world: World):
    editor, admin = world.membership("editor"), world.membership("admin")
    image = make_image(make_job(editor), make_persona(editor))
    assert image_delete(membership=editor, images=Image.objects.filter(pk=image.pk)) == 1
    first = Image.objects.get(pk=image.pk)

    assert image_delete(membership=admin, images=Image.objects.filter(pk=image.pk)) == 0

    image.refresh_from_db()
    assert (image.deleted_at, image.deleted_by) == (first.deleted_at, world.editor)


def test_the_persona_cover_of_a_deleted_image_is_unset(world: World):
    editor = world.membership("editor")
    persona = make_persona(editor)
    cover, other = make_image(make_job(editor), persona), make_image(make_job(editor), persona)
    PersonaCover.objects.create(persona=persona, image=cover, chosen_by=world.editor)

    image_delete(membership=editor, images=Image.objects.filter(pk=other.pk))
    assert PersonaCover.objects.filter(persona=persona).exists()
    image_delete(membership=editor, images=Image.objects.filter(pk=cover.pk))
    assert not PersonaCover.objects.filter(persona=persona).exists()


def test_queued_images_are_cancelled_then_deleted_and_their_reservation_released(world: World):
    editor = world.membership("editor")
    waiting = priced(make_job(editor), make_persona(editor), status=Status.QUEUED)

    assert image_delete(membership=editor, images=Image.objects.filter(pk=waiting.pk)) == 1

    waiting.refresh_from_db()
    assert waiting.status == Status.CANCELLED
    assert waiting.deleted_at is not None
    assert ledger.budget_status(world.team).reserved == 0  # the money is free again
    kinds = set(LedgerEntry.objects.filter(image=waiting).values_list("kind", flat=True))
    assert kinds == {LedgerEntry.Kind.RESERVATION, LedgerEntry.Kind.RELEASE}


@pytest.mark.parametrize("status", [Status.RUNNING, Status.STORING])
def test_an_image_a_worker_holds_refuses_the_whole_delete(world: World, status: str):
    editor = world.membership("editor")
    job, persona = make_job(editor), make_persona(editor)
    done, busy, queued = (
        make_image(job, persona),
        make_image(job, persona, status=status),
        make_image(job, persona, status=Status.QUEUED),
    )

    with pytest.raises(StillBeingMade, match="One of these images is being made right now"):
        image_delete(membership=editor, images=Image.objects.filter(job=job))

    states = dict(Image.objects.values_list("pk", "status"))
    assert states == {done.pk: Status.SUCCEEDED, busy.pk: status, queued.pk: Status.QUEUED}
    assert not Image.objects.exclude(deleted_at=None).exists()


def test_the_costs_page_is_the_same_after_a_delete(world: World, client_as):
    editor = world.membership("editor")
    job, persona = make_job(editor), make_persona(editor)
    images = [priced(job, persona) for _ in range(3)]
    client = client_as("owner")
    client.post(reverse("workspaces:switch", args=[world.team.pk]))

    def this_month() -> str:
        page = client.get(reverse("generation:costs")).content.decode()
        return page[page.index("<h2>This month</h2>") : page.index("</section>")]

    before = this_month()
    assert "$0.15 spent this month" in before
    image_delete(membership=editor, images=Image.objects.filter(pk__in=[i.pk for i in images[:2]]))
    assert this_month() == before


def test_a_deleted_image_is_gone_from_its_pages(world: World, client_as):
    editor = world.membership("editor")
    job, persona = make_job(editor), make_persona(editor)
    gone = make_image(job, persona, finished_at=timezone.now())
    image_delete(membership=editor, images=Image.objects.filter(pk=gone.pk))
    client = client_as("editor")
    client.post(reverse("workspaces:switch", args=[world.team.pk]))

    for url in (
        reverse("gallery:image", args=[gone.pk]),
        reverse("generation:image_file", args=[gone.pk, "thumbnail"]),
    ):
        assert client.get(url).status_code == 404
    for url in (
        reverse("generation:job", args=[job.pk]),
        reverse("personas:detail", args=[persona.pk]),
        reverse("personas:list"),
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert str(gone.pk) not in page.content.decode(), url
