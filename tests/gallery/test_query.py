"""The gallery's filters (gallery.query): read from a URL without ever failing, combined, paged by
keyset, and searched with PostgreSQL's full-text index."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.http import QueryDict
from django.utils import timezone

from avatarapp.workspaces.models import Membership
from gallery import query as gallery_query
from gallery.models import Favourite, ImageTag, Tag
from gallery.query import GalleryFilter, page
from generation.models import Image
from tests.conftest import World
from tests.gallery.factories import make_image, make_job
from tests.generation.conftest import make_persona

pytestmark = pytest.mark.django_db


def read(text: str, membership: Membership) -> GalleryFilter:
    return GalleryFilter.from_query(QueryDict(text), membership)


@pytest.fixture
def editor(world: World) -> Membership:
    return world.membership("editor")


def test_filters_combine_and_drop_what_is_not_the_workspaces(world: World, editor: Membership):
    mia = make_persona(editor, name="Mia Chen")
    leo = make_persona(editor, name="Leo Park", occupation="founder")
    job = make_job(editor)
    wanted = make_image(job, mia, model_id="flux-2-pro", provider="bfl")
    make_image(job, mia)  # another model
    make_image(job, leo, model_id="flux-2-pro", provider="bfl")  # another persona
    tag = Tag.objects.create(workspace=world.team, name="Campaign")
    ImageTag.objects.create(image=wanted, tag=tag)
    outsider = world.outsider.memberships.first()
    foreign = make_persona(outsider, name="Not yours")

    chosen = read(f"persona={mia.pk}&persona={foreign.pk}&model=flux-2-pro&tag={tag.pk}", editor)

    assert chosen.personas == (mia.pk,)  # another workspace's persona: as if it did not exist
    assert list(chosen.images(editor)) == [wanted]
    assert chosen.problems == ()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("from=2026-13-45", "“From” must be a date like 2026-12-31"),
        ("to=yesterday", "“To” must be a date like 2026-12-31"),
        ("from=2026-12-05&to=2026-12-01", "The “from” date is after the “to” date"),
        ("status=exploded", "is not a status"),
        ("persona=not-a-uuid", "That persona filter could not be read"),
        ("tag=1%3B%20drop%20table", "That tag filter could not be read"),
        ("q=" + "portrait " * 1200, "Only the first 200 characters of a search count."),
        ("q=%21%3F%2E%2E%2E", "Type a word to search for."),
    ],
)
def test_bad_values_are_left_out_with_a_sentence(editor: Membership, text: str, problem: str):
    make_image(make_job(editor), make_persona(editor))
    chosen = read(text, editor)
    assert any(problem in sentence for sentence in chosen.problems), chosen.problems
    list(chosen.images(editor))  # and the query still runs


def test_favourites_are_each_persons_own(world: World, editor: Membership):
    job = make_job(editor)
    persona = make_persona(editor)
    liked, _other = make_image(job, persona), make_image(job, persona)
    Favourite.objects.create(user=world.editor, image=liked)
    assert list(read("fav=1", editor).images(editor)) == [liked]
    assert list(read("fav=1", world.membership("viewer")).images(world.membership("viewer"))) == []


def test_deleted_images_are_never_listed(editor: Membership):
    job = make_job(editor)
    persona = make_persona(editor)
    kept, gone = make_image(job, persona), make_image(job, persona)
    gone.deleted_at = timezone.now()
    gone.save()
    assert list(read("", editor).images(editor)) == [kept]


def test_keyset_pages_are_stable_while_images_arrive(editor: Membership):
    job = make_job(editor)
    persona = make_persona(editor)
    start = timezone.now() - timedelta(hours=1)
    same_moment = start + timedelta(minutes=30)  # ties on created_at are broken by id
    images = [make_image(job, persona, created_at=start + timedelta(minutes=i)) for i in range(3)]
    images += [make_image(job, persona, created_at=same_moment) for _ in range(3)]
    newest_first = sorted(images, key=lambda i: (i.created_at, i.pk), reverse=True)
    selection = read("", editor).images(editor)

    first = page(selection, size=4)
    make_image(job, persona)  # a new portrait lands between two page loads
    second = page(selection, first.next_cursor, size=4)

    assert first.images + second.images == newest_first
    assert second.next_cursor == ""


@pytest.mark.parametrize("cursor", ["garbage", "x" * 500, "MjAyNnxub3QtYS11dWlk", "%%%"])
def test_a_bad_cursor_starts_from_the_first_page(editor: Membership, cursor: str):
    image = make_image(make_job(editor), make_persona(editor))
    assert page(read("", editor).images(editor), cursor).images == [image]


def test_search_finds_prompt_words_stems_and_the_brief(editor: Membership):
    job = make_job(editor)
    nurse = make_persona(editor, name="Ana Silva", occupation="night nurse", backstory="")
    chef = make_persona(editor, name="Tom Reyes", occupation="chef", backstory="Runs a bakery")
    by_prompt = make_image(job, nurse, prompt="Portrait in a sunlit hospital corridor")
    by_brief = make_image(job, chef, prompt="Portrait in a kitchen")

    def found(text: str) -> set[uuid.UUID]:
        return {i.pk for i in read(f"q={text}", editor).images(editor)}

    assert found("corridors") == {by_prompt.pk}  # stemmed: corridors -> corridor
    assert found("bakery") == {by_brief.pk}  # the persona's backstory
    assert found("Silva") == {by_prompt.pk}  # the persona's name
    assert found("portrait -kitchen") == {by_prompt.pk}  # web-search syntax
    assert found("submarine") == set()


def _many_alike(editor: Membership, prompt: str, count: int) -> Image:
    """`count` + 1 images with `prompt`, with fresh statistics and the search index's pending
    entries merged into it, as autovacuum leaves a busy workspace's."""
    job = make_job(editor)
    persona = make_persona(editor)
    first = make_image(job, persona, prompt=prompt)
    Image.objects.bulk_create(
        Image(
            **{
                **model_to_dict(first, exclude=["id", "job", "workspace", "persona"]),
                "job": job,
                "workspace_id": first.workspace_id,
                "persona": persona,
            }
        )
        for _ in range(count)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE generation_image")
        cursor.execute("SELECT gin_clean_pending_list('image_search'::regclass)")
    return first


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_search_is_answered_from_the_gin_index(editor: Membership):
    """A rare word among many images is found through the index, not by reading every row's
    text (make bench measures the time at 100,000 images)."""
    common = _many_alike(editor, "Portrait in a kitchen", 2000)
    assert common.persona is not None
    rare = make_image(common.job, common.persona, prompt="Portrait in a sunlit corridor")
    selection = read("q=corridor", editor).images(editor)
    assert list(selection) == [rare]
    assert "image_search" in selection.explain()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the stored document is PostgreSQL's")
def test_a_common_word_is_checked_against_each_images_stored_document(editor: Membership):
    """A word most images have is answered by walking the newest-first index and checking each
    image's stored search document: recomputing it from the prompt costs about 0.1 ms an image
    (make bench, 100,000 images: 125 ms for the first page of "freckles", more for the next)."""
    _many_alike(editor, "Portrait in a kitchen with freckles", 2000)
    first_page = read("q=freckles", editor).images(editor)[:49]
    assert len(first_page) == 49
    assert "to_tsvector" not in first_page.explain()


def test_the_filter_round_trips_through_its_url(world: World, editor: Membership):
    persona = make_persona(editor)
    tag = Tag.objects.create(workspace=world.team, name="Q4")
    text = f"persona={persona.pk}&status=done&status=failed&tag={tag.pk}&fav=1&q=studio+light"
    chosen = read(text, editor)
    assert read(chosen.to_query(), editor) == chosen
    assert read(chosen.to_query(statuses=()), editor).statuses == ()
    assert gallery_query.GalleryFilter().is_empty


def test_facets_count_each_value_with_the_other_filters_applied(world: World, editor: Membership):
    from gallery.facets import facets

    mia, leo = make_persona(editor, name="Mia Chen"), make_persona(editor, name="Leo Park")
    job = make_job(editor)
    make_image(job, mia)
    make_image(job, mia, model_id="flux-2-pro", provider="bfl")
    make_image(job, leo, status="failed")
    tag = Tag.objects.create(workspace=world.team, name="Hero shots")
    ImageTag.objects.create(image=make_image(job, leo), tag=tag)

    counted = facets(read(f"persona={mia.pk}", editor), editor)

    by_persona = {v.label: (v.count, v.selected) for v in counted["persona"]}
    assert by_persona == {"Leo Park": (2, False), "Mia Chen": (2, True)}  # not narrowed by itself
    assert {v.label: v.count for v in counted["model"]} == {"FLUX.2 [pro]": 1, "GPT Image 2": 1}
    assert {v.label: v.count for v in counted["provider"]} == {
        "Black Forest Labs": 1,
        "OpenAI": 1,
    }
    assert {v.value: v.count for v in counted["status"]} == {"done": 2}
    assert counted["tag"] == []  # Mia has no tagged image
    assert [v.label for v in counted["by"]] == ["bob@example.com"]


def test_facets_take_a_constant_number_of_queries(
    world: World, editor: Membership, django_assert_num_queries
):
    from gallery.facets import facets

    chosen = read("", editor)
    for count in (1, 25):
        job = make_job(editor)
        persona = make_persona(editor, name=f"Persona {count}")
        for n in range(count):
            make_image(job, persona, style_key=f"style-{n}", model_id=f"model-{n}")
        with django_assert_num_queries(9):  # one per dimension
            facets(chosen, editor)
