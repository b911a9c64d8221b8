"""Generate starts from the chosen personas' defaults (personas.defaults): opened with personas
(`?persona=<id>`, the persona page's Generate button) or when a persona is ticked (the estimate
request redraws the models and settings). A default this member cannot run is not ticked and a
sentence says why; a link's own models and settings win; another workspace's persona leaks
nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from avatarapp.workspaces.models import Membership
from personas.models import Persona, Style
from tests.conftest import World
from tests.generation.conftest import make_persona
from tests.generation.test_prefill import PERSONA_GONE, checked, chosen, notes
from tests.keys.factories import store_key
from tests.markup import find, find_all, text

pytestmark = pytest.mark.django_db
GENERATE = reverse("generation:generate")
ESTIMATE = reverse("generation:estimate")
SETTINGS = ("aspect_ratio", "resolution", "quality")
NO_OPENAI_KEY = (
    "Mia Chen's default model, GPT Image 2, is not ticked. There is no usable OpenAI key in "
    "this workspace."
)


@pytest.fixture
def editor(in_team: Callable[[str], Client]) -> Client:
    return in_team("editor")


def with_defaults(
    world: World, name: str, model: str, aspect: str = "", resolution: str = "", quality: str = ""
) -> Persona:
    return make_persona(
        world.membership("editor"),
        name=name,
        default_model=model,
        default_aspect=aspect,
        default_resolution=resolution,
        default_quality=quality,
    )


def opened(client: Client, **query: Any) -> str:
    response = client.get(f"{GENERATE}?{urlencode(query, doseq=True)}")
    assert response.status_code == 200
    return response.content.decode()


def settings_of(page: str) -> list[str]:
    return [chosen(page, name) for name in SETTINGS]


def test_one_persona_brings_its_model_and_settings(world: World, editor: Client):
    mia = with_defaults(world, "Mia Chen", "builtin", "3:4", "1K", "high")
    page = opened(editor, persona=mia.pk)
    assert checked(page, "models") == ["builtin"]
    assert settings_of(page) == ["3:4", "1K", "high"]
    assert notes(page) == []


def test_two_personas_bring_both_models_and_the_first_ones_settings(world: World, editor: Client):
    store_key(world.membership("owner"))  # a team OpenAI key: GPT Image 2 can be ticked
    ada = with_defaults(world, "Ada Park", "gpt-image-2", "1:1", "2K", "low")
    zoe = with_defaults(world, "Zoe Ruiz", "builtin", "3:4", "1K", "high")
    page = opened(editor, persona=[zoe.pk, ada.pk])
    assert sorted(checked(page, "models")) == ["builtin", "gpt-image-2"]
    assert settings_of(page) == ["1:1", "2K", "low"]  # Ada's: first on the page


def test_a_default_without_a_key_is_not_ticked_and_the_page_says_why(world: World, editor: Client):
    mia = with_defaults(world, "Mia Chen", "gpt-image-2", "1:1", "1K", "low")
    page = opened(editor, persona=mia.pk)
    assert checked(page, "models") == []
    [note] = notes(page)
    assert note.startswith(NO_OPENAI_KEY)
    assert settings_of(page) == ["1:1", "1K", "low"]  # the settings still apply


def test_a_retired_default_is_not_ticked_and_the_page_says_why(world: World, editor: Client):
    # Set before the model was shut down: the catalog refuses it now.
    mia = with_defaults(world, "Mia Chen", "gpt-image-1")
    page = opened(editor, persona=mia.pk)
    assert checked(page, "models") == []
    assert notes(page) == [
        "Mia Chen's default model, GPT Image 1, is not ticked. "
        "gpt-image-1 was shut down on 2026-10-23; use GPT Image 2 instead."
    ]


def test_a_links_own_model_and_settings_win(world: World, editor: Client):
    mia = with_defaults(world, "Mia Chen", "builtin", "3:4", "1K", "high")
    store_key(world.membership("owner"))
    page = opened(editor, persona=mia.pk, model="gpt-image-2", quality="low")
    assert checked(page, "models") == ["gpt-image-2"]
    assert settings_of(page) == ["3:4", "1K", "low"]


def test_a_style_recommendation_stands_in_for_a_persona_without_a_default(
    world: World, editor: Client
):
    mia = with_defaults(world, "Mia Chen", "")
    style = Style.objects.create(
        workspace=world.team,
        name="Brand",
        recommended_model="builtin",
        default_aspect="2:3",
        default_quality="high",
    )
    page = opened(editor, persona=mia.pk, style=f"style:{style.pk}")
    assert checked(page, "models") == ["builtin"]
    assert settings_of(page) == ["2:3", "1K", "high"]


def test_without_personas_the_page_opens_as_ever(world: World, editor: Client):
    with_defaults(world, "Mia Chen", "builtin", "3:4", "1K", "high")
    page = opened(editor)
    assert checked(page, "models") == []
    assert settings_of(page) == ["4:5", "1K", "medium"]


def test_another_workspaces_persona_leaks_nothing(world: World, editor: Client):
    with_defaults(world, "Mia Chen", "")
    other = Membership.objects.get(user=world.outsider, workspace__name="Other agency")
    theirs = make_persona(other, name="Not yours", default_model="builtin", default_aspect="3:4")
    page = opened(editor, persona=theirs.pk)
    assert notes(page) == [PERSONA_GONE]
    assert "Not yours" not in page
    assert checked(page, "models") == []
    assert settings_of(page) == ["4:5", "1K", "medium"]


# --- Ticking a persona (htmx): the estimate request redraws models and settings ------------------


def ticked(client: Client, **changes: Any) -> str:
    data = {
        "styles": ["builtin:corporate"],
        "per_combination": "1",
        "aspect_ratio": "4:5",
        "resolution": "1K",
        "quality": "medium",
        "defaults_applied": "",
        **changes,
    }
    response = client.post(ESTIMATE, data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.content.decode()


def test_ticking_a_persona_ticks_its_model_and_sets_its_settings(world: World, editor: Client):
    mia = with_defaults(world, "Mia Chen", "builtin", "3:4", "1K", "high")
    fragment = ticked(editor, personas=[str(mia.pk)])
    models = find(fragment, "fieldset", id="model-choices")
    assert dict(models.attributes)["hx-swap-oob"] == "true"
    assert checked(fragment, "models") == ["builtin"]
    assert settings_of(fragment) == ["3:4", "1K", "high"]
    applied = find(fragment, "input", name="defaults_applied")
    assert dict(applied.attributes)["value"] == str(mia.pk)
    assert "1 portrait, free" in fragment  # the estimate is for the redrawn choices


def test_a_persona_whose_defaults_are_applied_is_not_applied_again(world: World, editor: Client):
    mia = with_defaults(world, "Mia Chen", "builtin", "3:4", "1K", "high")
    # The person unticked the model and chose another quality since: both stay as they are.
    fragment = ticked(editor, personas=[str(mia.pk)], defaults_applied=str(mia.pk))
    assert find_all(fragment, "fieldset", id="model-choices") == []
    assert find_all(fragment, "select", name="quality") == []


def test_ticking_a_persona_without_defaults_leaves_the_tiles_alone(world: World, editor: Client):
    """Nothing to apply, nothing redrawn: a redraw would replace the tiles, and with them a tick
    the person made while this request was on its way (the model ticked here stays as sent)."""
    plain = make_persona(world.membership("editor"), name="Leo Park")
    fragment = ticked(editor, personas=[str(plain.pk)], models=["builtin"])
    assert find_all(fragment, "fieldset", id="model-choices") == []
    assert find_all(fragment, "select", name="quality") == []
    applied = find(fragment, "input", name="defaults_applied")
    assert dict(applied.attributes)["value"] == str(plain.pk)
    assert "1 portrait, free" in fragment


def test_ticking_a_second_persona_adds_its_model_and_keeps_the_settings(
    world: World, editor: Client
):
    ada = with_defaults(world, "Ada Park", "builtin", "1:1", "1K", "low")
    zoe = with_defaults(world, "Zoe Ruiz", "gpt-image-2", "3:4", "1K", "high")
    store_key(world.membership("owner"))
    fragment = ticked(
        editor,
        personas=[str(ada.pk), str(zoe.pk)],
        defaults_applied=str(ada.pk),
        models=["builtin"],
        aspect_ratio="1:1",
        quality="low",
    )
    assert sorted(checked(fragment, "models")) == ["builtin", "gpt-image-2"]
    assert settings_of(fragment) == ["1:1", "1K", "low"]


def test_ticking_a_persona_without_a_key_says_why(world: World, editor: Client):
    mia = with_defaults(world, "Mia Chen", "gpt-image-2")
    fragment = ticked(editor, personas=[str(mia.pk)])
    assert checked(fragment, "models") == []
    assert NO_OPENAI_KEY in text(find(fragment, id="generate-notes"))
