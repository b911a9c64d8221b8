"""Favourites, tags and download names (gallery.services, gallery.download_names)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from avatarapp.workspaces.models import Membership
from gallery import services
from gallery.download_names import download_name
from gallery.models import Favourite, ImageTag, Tag
from tests.conftest import World
from tests.gallery.factories import make_image, make_job
from tests.generation.conftest import make_persona

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(world: World) -> Membership:
    return world.membership("editor")


def test_favourites_are_idempotent_and_per_person(world: World, editor: Membership):
    image = make_image(make_job(editor), make_persona(editor))
    services.image_set_favourite(membership=editor, images=[image], on=True)
    services.image_set_favourite(membership=editor, images=[image], on=True)
    assert Favourite.objects.filter(image=image).count() == 1
    services.image_set_favourite(
        membership=world.membership("viewer"), images=[image], on=False
    )  # not the viewer's
    assert Favourite.objects.filter(image=image, user=world.editor).exists()
    services.image_set_favourite(membership=editor, images=[image], on=False)
    assert not Favourite.objects.filter(image=image).exists()


def test_a_tag_is_the_workspaces_word_whatever_its_case(world: World, editor: Membership):
    job, persona = make_job(editor), make_persona(editor)
    first, second = make_image(job, persona), make_image(job, persona)
    services.image_add_tag(membership=editor, images=[first], name="  Hero   shots ")
    services.image_add_tag(
        membership=world.membership("admin"), images=[first, second], name="hero SHOTS"
    )
    assert list(Tag.objects.values_list("name", flat=True)) == ["Hero shots"]
    assert ImageTag.objects.count() == 2


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "Type a tag name."), ("   ", "Type a tag name."), ("x" * 500, "at most 40 characters")],
)
def test_bad_tag_names_are_refused(editor: Membership, name: str, message: str):
    image = make_image(make_job(editor), make_persona(editor))
    with pytest.raises(services.TagError, match=message):
        services.image_add_tag(membership=editor, images=[image], name=name)
    assert not Tag.objects.exists()


def test_html_in_a_tag_name_is_kept_as_text(editor: Membership):
    image = make_image(make_job(editor), make_persona(editor))
    tag = services.image_add_tag(membership=editor, images=[image], name="<b>launch</b>")
    assert tag.name == "<b>launch</b>"  # stored as typed; every template escapes it


def test_another_workspaces_tag_removes_nothing(world: World, editor: Membership):
    image = make_image(make_job(editor), make_persona(editor))
    services.image_add_tag(membership=editor, images=[image], name="Launch")
    foreign = Tag.objects.create(workspace=world.outsider.memberships.first().workspace, name="X")
    services.image_remove_tag(membership=editor, images=[image], tag=foreign)
    assert ImageTag.objects.filter(image=image).count() == 1


def test_download_names_are_readable(editor: Membership):
    persona = make_persona(editor, name="Mia Chén")
    image = make_image(
        make_job(editor),
        persona,
        created_at=datetime(2026, 12, 6, 9, 30, tzinfo=UTC),
        style_name="Studio B&W",
        model_id="gpt-image-2",
        format="png",
    )
    assert download_name(image) == f"mia-chen-studio-bw-gpt-image-2-20261206-{image.pk.hex[:8]}.png"
