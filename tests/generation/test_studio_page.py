"""Generate as a studio. Personas and styles are tiles with pictures, models are
grouped by provider with a "good at" line, a price at the chosen settings and a typical time
(the workspace's own median once it has history), and only the models the member can run can be
picked; the others say how to add a key. The page opens calm, and costs the same queries however
many personas and styles there are."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.templatetags.static import static
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalog import get_model
from gallery.models import Favourite, PersonaCover
from generation.models import Image
from generation.offer import dom_id
from personas.models import Persona, Style
from tests.conftest import World
from tests.gallery.factories import make_image, make_job
from tests.generation.conftest import finished_in, generate_form, make_persona
from tests.keys.factories import store_key
from tests.markup import attribute, find, find_all, text

GENERATE = reverse("generation:generate")
GROUPS = [
    "Built-in renderer",
    "OpenAI",
    "Black Forest Labs",
    "Google",
    "fal.ai",
    "OpenRouter",
    "HiAPI",
    "APIMart",
    "Your own server",
]


@pytest.fixture
def editor(in_team: Callable[[str], Client], persona: Persona) -> Client:
    return in_team("editor")


def page_of(client: Client, url: str = GENERATE) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def model_box(page: str, model_id: str) -> dict[str, str | None]:
    return dict(find(page, "input", name="models", value=model_id).attributes)


def tile_text(page: str, model_id: str, part: str) -> str:
    return text(find(page, id=f"{dom_id(model_id)}-{part}"))


def tile_picture(page: str, field: str, value: str) -> str:
    """The picture on the tile whose checkbox posts `value`."""
    for label in find_all(page, "label", **{"class": "tile"}):
        inner = str(label)
        if find_all(inner, "input", name=field, value=value):
            pictures = find_all(inner, "img")
            return attribute(pictures[0], "src") if pictures else ""
    raise AssertionError(f"no {field} tile for {value}")


def test_the_page_opens_calm(editor: Client) -> None:
    page = page_of(editor)
    assert find_all(page, role="alert") == []
    assert "alert-error" not in page
    assert "Pick at least one persona, one style and one model" in text(find(page, id="estimate"))
    # It does not price an empty form by itself on load (that would show an error); a link's
    # choices ("Reuse these settings") are priced on load.
    assert attribute(find(page, "form", **{"class": "generate"}), "hx-trigger") == "change"


def test_the_first_estimate_of_an_empty_form_is_a_hint_not_an_error(
    editor: Client, persona: Persona
) -> None:
    nothing_picked = generate_form(persona, personas=[], styles=[], models=[])
    fragment = editor.post(reverse("generation:estimate"), nothing_picked).content.decode()
    assert find_all(fragment, role="alert") == []
    assert "Choose at least one" not in fragment


def test_models_are_grouped_by_provider_with_a_good_at_line(editor: Client) -> None:
    page = page_of(editor)
    groups = [text(h).removesuffix(" needs a key") for h in find_all(page, "h3")]
    assert groups == GROUPS
    for model_id in ("builtin", "gpt-image-2", "flux-2-pro", "gemini-2.5-flash-image"):
        model = get_model(model_id)
        assert tile_text(page, model_id, "name") == model.display_name
        assert tile_text(page, model_id, "note") == model.good_at
        box = model_box(page, model_id)
        assert box["aria-labelledby"] == f"{dom_id(model_id)}-name"
    assert tile_text(page, "builtin", "price") == "free · about 1 s"
    # Default settings (4:5, 1K, medium): one FLUX.2 [pro] megapixel, 3 credits.
    assert tile_text(page, "flux-2-pro", "price") == "$0.03 an image · about 15 s"
    # Priced by what the workspace enters on its key, not "free".
    assert tile_text(page, "openai-compatible", "price").startswith("the price on your key ·")


def test_models_without_a_key_are_disabled_and_say_how_to_add_one(editor: Client) -> None:
    page = page_of(editor)
    assert "disabled" not in model_box(page, "builtin")
    for model_id in ("gpt-image-2", "flux-2-pro", "gemini-2.5-flash-image", "openai-compatible"):
        assert "disabled" in model_box(page, model_id)
    assert [text(h) for h in find_all(page, "h3")][1:] == [f"{g} needs a key" for g in GROUPS[1:]]
    add = [a for a in find_all(page, "a", href=reverse("keys:list")) if text(a) == "Add a key"]
    assert len(add) == 1


def test_a_key_makes_its_providers_models_selectable(editor: Client, world: World) -> None:
    store_key(world.membership("owner"))  # a team OpenAI key
    page = page_of(editor)
    assert "disabled" not in model_box(page, "gpt-image-2")
    assert "disabled" in model_box(page, "flux-2-pro")
    assert [text(h) for h in find_all(page, "h3")][:2] == ["Built-in renderer", "OpenAI"]


def test_a_models_time_is_the_workspaces_own_median_once_it_has_history(
    editor: Client, world: World, persona: Persona
) -> None:
    job = finished_in(world.membership("editor"), persona, "flux-2-pro", 22, 40, 25)
    finished_in(world.membership("editor"), persona, "flux-2-max", 2)
    # Not finished, or another workspace's: not this workspace's history.
    make_image(job, persona, model_id="flux-2-pro", status=Image.Status.FAILED, latency_ms=1)
    outsider = world.outsider.memberships.get(workspace__name="Other agency")
    finished_in(outsider, make_persona(outsider), "flux-2-pro", 1, 1, 1)
    page = page_of(editor)
    assert tile_text(page, "flux-2-pro", "price").endswith("about 25 s here")
    # One finished image is too little to go by: the catalog's figure stays.
    assert tile_text(page, "flux-2-max", "price").endswith("about 35 s")


def test_personas_show_their_cover_else_their_built_in_render(
    editor: Client, world: World, persona: Persona
) -> None:
    leo = make_persona(world.membership("editor"), name="Leo Park")
    cover = make_image(make_job(world.membership("editor")), leo)
    PersonaCover.objects.create(persona=leo, image=cover)
    page = page_of(editor)
    thumbnail = reverse("generation:image_file", args=[cover.pk, "thumbnail"])
    assert tile_picture(page, "personas", str(leo.pk)) == thumbnail
    assert tile_picture(page, "personas", str(persona.pk)) == persona.portrait_url(192)


def test_styles_show_an_example_picture(editor: Client, world: World, persona: Persona) -> None:
    owner = world.membership("owner")
    rated, latest, fresh = (
        Style.objects.create(workspace=world.team, name=name, backdrop_colour="#a3b18a")
        for name in ("Acme brand", "Acme events", "Acme new")
    )
    job = make_job(owner)
    earlier = timezone.now() - timedelta(days=2)

    def portrait(style: Style, **fields: Any) -> Image:
        return make_image(
            job, persona, style_key=f"style:{style.pk}", style_name=style.name, **fields
        )

    liked = portrait(rated, created_at=earlier)
    newest_of_rated = portrait(rated)
    Favourite.objects.create(user=world.editor, image=liked)
    portrait(latest, created_at=earlier)
    newest = portrait(latest)
    portrait(latest, deleted_at=timezone.now())  # deleted: not shown
    portrait(latest, status=Image.Status.FAILED)  # no picture
    page = page_of(editor)

    def thumb(image: Image) -> str:
        return reverse("generation:image_file", args=[image.pk, "thumbnail"])

    assert (
        tile_picture(page, "styles", f"style:{rated.pk}") == thumb(liked) != thumb(newest_of_rated)
    )
    assert tile_picture(page, "styles", f"style:{latest.pk}") == thumb(newest)
    assert tile_picture(page, "styles", f"style:{fresh.pk}") == ""  # its backdrop colour instead
    assert tile_picture(page, "styles", "builtin:corporate") == static("img/styles/corporate.webp")


def queries_for_the_page(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        page_of(client)
    return len(queries)


def add_personas_and_styles(world: World, count: int, tag: str) -> None:
    editor = world.membership("editor")
    job = make_job(editor)
    for n in range(count):
        persona = make_persona(editor, name=f"Persona {tag}{n}")
        style = Style.objects.create(workspace=world.team, name=f"Style {tag}{n}")
        image = make_image(job, persona, style_key=f"style:{style.pk}")
        PersonaCover.objects.create(persona=persona, image=image)
        Favourite.objects.create(user=world.editor, image=image)


def test_the_page_costs_the_same_queries_for_1_and_20_personas_and_styles(
    editor: Client, world: World, django_assert_num_queries
) -> None:
    add_personas_and_styles(world, 1, "a")
    page_of(editor)  # the session and the current workspace, warmed up
    one = queries_for_the_page(editor)
    add_personas_and_styles(world, 19, "b")
    with django_assert_num_queries(one):
        page = page_of(editor)
    assert len(find_all(page, "input", name="personas")) == 21  # with the fixture's persona
    assert len(find_all(page, "input", name="styles")) == 20 + 12
