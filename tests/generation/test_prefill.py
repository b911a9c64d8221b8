""" "Reuse these settings" on an image's page opens Generate prefilled with the
image's persona, style, model, aspect ratio, resolution, quality, and its seed where the model
takes one. A link's values are checked against what this workspace offers: what is not offered
is left out with a sentence, and the page opens anyway."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from avatarapp.workspaces.models import Membership
from generation import services
from generation.models import Image, Job
from personas.models import Persona, Style
from tests.conftest import World
from tests.gallery.factories import make_image, make_job
from tests.gallery.lightbox_support import image_url
from tests.generation.conftest import generate_form, make_persona
from tests.keys.factories import store_key
from tests.markup import attribute, find, find_all, text

pytestmark = pytest.mark.django_db
GENERATE = reverse("generation:generate")


@pytest.fixture
def editor(in_team: Callable[[str], Client]) -> Client:
    return in_team("editor")


@pytest.fixture
def style(world: World) -> Style:
    return Style.objects.create(workspace=world.team, name="Acme brand", created_by=world.owner)


def checked(page: str, name: str) -> list[str]:
    return [
        attribute(box, "value")
        for box in find_all(page, "input", name=name)
        if "checked" in dict(box.attributes)
    ]


def chosen(page: str, name: str) -> str:
    options = find_all(str(find(page, "select", name=name)), "option")
    picked = [attribute(o, "value") for o in options if "selected" in dict(o.attributes)]
    assert len(picked) == 1, picked
    return picked[0]


def notes(page: str) -> list[str]:
    form = find(page, "form", **{"class": "generate"})
    return [text(p) for p in find_all(str(form), "p", **{"class": "alert"})]


def reuse_link(client: Client, image: Image) -> str:
    page = client.get(image_url(image)).content.decode()
    links = [a for a in find_all(page, "a") if text(a) == "Reuse these settings"]
    assert len(links) == 1
    return attribute(links[0], "href")


def test_reuse_opens_generate_with_the_images_settings_and_seed(
    world: World, editor: Client, style: Style
):
    membership = world.membership("editor")
    persona = make_persona(membership, name="Maya Costa")
    image = make_image(
        make_job(membership),
        persona,
        style_key=f"style:{style.pk}",
        style_name=style.name,
        model_id="builtin",
        provider="builtin",
        aspect_ratio="3:4",
        resolution="1K",
        quality="high",
        seed=424242,
    )
    response = editor.get(reuse_link(editor, image))
    assert response.status_code == 200
    page = response.content.decode()
    assert checked(page, "personas") == [str(persona.pk)]
    assert checked(page, "styles") == [f"style:{style.pk}"]
    assert checked(page, "models") == ["builtin"]
    assert [chosen(page, n) for n in ("aspect_ratio", "resolution", "quality")] == [
        "3:4",
        "1K",
        "high",
    ]
    seed = find(page, "input", name="seed")
    assert attribute(seed, "value") == "424242"
    assert text(find(page, "label", **{"for": "id_seed"})) == "Seed:"
    assert notes(page) == []


def test_a_model_without_a_seed_gets_no_seed(world: World, editor: Client):
    membership = world.membership("editor")
    store_key(world.membership("owner"))  # a team OpenAI key, so GPT Image 2 can be chosen
    image = make_image(make_job(membership), make_persona(membership), model_id="gpt-image-2")
    link = reuse_link(editor, image)
    assert "seed=" not in link
    page = editor.get(link).content.decode()
    assert checked(page, "models") == ["gpt-image-2"]
    assert find_all(page, "input", name="seed") == []


def test_a_deleted_persona_is_said_on_the_image_page(world: World, editor: Client):
    membership = world.membership("editor")
    persona = make_persona(membership)
    image = make_image(make_job(membership), persona, model_id="builtin", provider="builtin")
    persona.delete()  # the image keeps its persona's name
    page = editor.get(image_url(image)).content.decode()
    assert "This image's persona has been deleted, so Generate opens without one." in page
    assert "persona=" not in reuse_link(editor, image)


def _other_workspaces_persona(world: World) -> Persona:
    other = Membership.objects.get(user=world.outsider, workspace__name="Other agency")
    return make_persona(other, name="Not yours")


PERSONA_GONE = (
    "A persona in that link is not in this workspace (it may have been archived or deleted), "
    "so it is not chosen."
)
STYLE_GONE = (
    "A style in that link is not in this workspace (it may have been deleted), so it is not chosen."
)
DEFAULTS = {"aspect_ratio": "4:5", "resolution": "1K", "quality": "medium"}
SEED_UNUSABLE = "That seed could not be used. A seed is a whole number from 0 to 2,147,483,647."


@pytest.mark.parametrize(
    ("link", "field", "sentence"),
    [
        (lambda w: {"persona": _other_workspaces_persona(w).pk}, "personas", PERSONA_GONE),
        (lambda w: {"persona": "not-a-uuid"}, "personas", PERSONA_GONE),
        (lambda w: {"style": "style:00000000-0000-0000-0000-000000000000"}, "styles", STYLE_GONE),
        (lambda w: {"style": "builtin:no-such-style"}, "styles", STYLE_GONE),
        (
            lambda w: {"model": "gpt-image-1"},
            "models",
            "gpt-image-1 was shut down on 2026-10-23; use GPT Image 2 instead.",
        ),
        (
            lambda w: {"model": "<script>alert(1)</script>"},
            "models",
            "Unknown model '<script>alert(1)</script>'. Choose a model from the catalog.",
        ),
        (
            lambda w: {"quality": "ultra"},
            "quality",
            "Quality “ultra” is not on offer here, so Medium is chosen.",
        ),
        (
            lambda w: {"aspect_ratio": "99:1"},
            "aspect_ratio",
            "Aspect ratio “99:1” is not on offer here, so 4:5 is chosen.",
        ),
        (lambda w: {"model": "builtin", "seed": "-5"}, "seed", SEED_UNUSABLE),
        (lambda w: {"model": "builtin", "seed": "a lot"}, "seed", SEED_UNUSABLE),
        (lambda w: {"model": "builtin", "seed": "2147483648"}, "seed", SEED_UNUSABLE),
        (
            lambda w: {"model": "gpt-image-2", "seed": "7"},
            "seed",
            "None of the chosen models takes a seed, so the seed was left out.",
        ),
    ],
)
def test_what_the_workspace_does_not_offer_is_left_out_with_a_sentence(
    world: World, editor: Client, link, field: str, sentence: str
):
    make_persona(world.membership("editor"))
    store_key(world.membership("owner"))  # a team OpenAI key: GPT Image 2 is on offer
    response = editor.get(f"{GENERATE}?{urlencode(link(world))}")
    assert response.status_code == 200
    page = response.content.decode()
    assert notes(page) == [sentence]
    assert "<script>alert(1)</script>" not in page
    if field in ("personas", "styles", "models"):
        assert checked(page, field) == []
    elif field == "seed":
        assert find_all(page, "input", name="seed") == []
    else:
        assert chosen(page, field) == DEFAULTS[field]


# --- The seed when the batch is submitted ------------------------------------------------------


def test_a_chosen_seed_is_used_by_the_models_that_take_one(world: World, editor: Client):
    membership = world.membership("editor")
    store_key(world.membership("owner"))  # an OpenAI key for GPT Image 2
    persona = make_persona(membership)
    form = generate_form(
        persona, models=["builtin", "gpt-image-2"], per_combination="2", seed="123"
    )
    response = editor.post(GENERATE, form)
    assert response.status_code == 302, response.content.decode()
    job = Job.objects.get()
    seeds = {
        model: sorted(job.images.filter(model_id=model).values_list("seed", flat=True))
        for model in ("builtin", "gpt-image-2")
    }
    assert seeds["builtin"] == [123, 124]  # the seed itself, then the next, so copies differ
    assert not {123, 124} & set(seeds["gpt-image-2"])  # no use for it: seeds of their own


def test_a_seed_out_of_range_is_refused_and_nothing_is_written(world: World, editor: Client):
    persona = make_persona(world.membership("editor"))
    response = editor.post(GENERATE, generate_form(persona, seed="-1"))
    assert response.status_code == 200
    page = response.content.decode()
    assert text(find(page, id="id_seed_error")) == services.SEED_RANGE
    assert not Job.objects.exists()
    with pytest.raises(services.SubmitError, match="A seed is a whole number"):
        services.batch_submit(
            membership=world.membership("editor"),
            batch=services.BatchRequest(
                [str(persona.pk)], ["builtin:corporate"], ["builtin"], 1, "1:1", "1K", "low", 2**31
            ),
        )
