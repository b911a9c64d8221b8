"""A persona's defaults for generating (model, aspect ratio, resolution, quality): set through
the service (the persona form and, later, a bake-off's "make this the persona's default") and
the form, checked against the catalog, refused with its own sentence, nothing changed."""

from __future__ import annotations

from html import unescape

import pytest
from django.urls import reverse

from avatarapp.workspaces.models import Membership
from personas import services
from personas.defaults import SETTINGS_TOGETHER, DefaultsError
from personas.models import Persona
from tests.conftest import World
from tests.personas.conftest import TeamClient, make_persona
from tests.personas.test_personas import FULL

STORED = ("default_model", "default_aspect", "default_resolution", "default_quality")
GOOD = {"model_id": "flux-2-pro", "aspect_ratio": "3:4", "resolution": "2K", "quality": "high"}
BUILTIN_2K = "Built-in renderer cannot make 2K images; it goes up to 1024 px a side. Choose 1K."
QWEN_4_5 = "Qwen Image 2.0 via APIMart cannot make 4:5 images"
RETIRED = "gpt-image-1 was shut down on 2026-10-23; use GPT Image 2 instead."


def stored(persona: Persona) -> tuple[str, ...]:
    persona.refresh_from_db()
    return tuple(getattr(persona, name) for name in STORED)


def test_an_editor_sets_a_personas_defaults(world: World, persona: Persona) -> None:
    services.persona_default_set(membership=world.membership("editor"), persona=persona, **GOOD)
    assert stored(persona) == ("flux-2-pro", "3:4", "2K", "high")


def test_defaults_can_be_cleared(world: World, persona: Persona) -> None:
    services.persona_default_set(membership=world.membership("editor"), persona=persona, **GOOD)
    empty = dict.fromkeys(GOOD, "")
    services.persona_default_set(membership=world.membership("editor"), persona=persona, **empty)
    assert stored(persona) == ("", "", "", "")


@pytest.mark.parametrize(
    ("change", "field", "sentence"),
    [
        ({"model_id": "gpt-image-1"}, "default_model", RETIRED),
        (
            {"model_id": "no-such-model"},
            "default_model",
            "Unknown model 'no-such-model'. Choose a model from the catalog.",
        ),
        ({"model_id": "builtin", "resolution": "2K"}, "default_resolution", BUILTIN_2K),
        ({"model_id": "apimart-qwen-image-2", "aspect_ratio": "4:5"}, "default_aspect", QWEN_4_5),
        ({"resolution": ""}, "default_resolution", SETTINGS_TOGETHER),
        ({"quality": "max"}, "default_quality", "is not quality on offer"),
    ],
)
def test_defaults_the_catalog_refuses_change_nothing(
    world: World, persona: Persona, change: dict[str, str], field: str, sentence: str
) -> None:
    before = stored(persona)
    with pytest.raises(DefaultsError) as refused:
        services.persona_default_set(
            membership=world.membership("editor"), persona=persona, **{**GOOD, **change}
        )
    assert refused.value.field == field
    assert sentence in str(refused.value)
    assert stored(persona) == before


def test_a_viewer_cannot_set_defaults(world: World, persona: Persona) -> None:
    with pytest.raises(services.PersonaError, match="needs the editor role"):
        services.persona_default_set(membership=world.membership("viewer"), persona=persona, **GOOD)
    assert stored(persona) == ("", "", "", "")


def test_another_workspaces_persona_is_refused(world: World) -> None:
    outsider = Membership.objects.get(user=world.outsider, workspace__name="Other agency")
    theirs = make_persona(outsider.workspace)
    with pytest.raises(services.PersonaError, match="not in this workspace"):
        services.persona_default_set(membership=world.membership("owner"), persona=theirs, **GOOD)
    assert stored(theirs) == ("", "", "", "")


def test_a_duplicate_keeps_the_defaults(world: World, persona: Persona) -> None:
    services.persona_default_set(membership=world.membership("editor"), persona=persona, **GOOD)
    copy = services.persona_duplicate(persona=persona, user=world.editor)
    assert stored(copy) == ("flux-2-pro", "3:4", "2K", "high")


# --- The persona form ---------------------------------------------------------------------------

FORM_DEFAULTS = {
    "default_model": "flux-2-pro",
    "default_aspect": "3:4",
    "default_resolution": "2K",
    "default_quality": "high",
}


def test_the_form_saves_the_defaults_and_the_page_shows_them(
    persona: Persona, team_client: TeamClient
) -> None:
    client = team_client("editor")
    response = client.post(reverse("personas:edit", args=[persona.pk]), {**FULL, **FORM_DEFAULTS})
    assert response.status_code == 302
    assert stored(persona) == ("flux-2-pro", "3:4", "2K", "high")
    page = client.get(persona.get_absolute_url()).content.decode()
    assert "3:4, 2K, high quality" in page


@pytest.mark.parametrize(
    ("change", "sentence"),
    [
        ({"default_model": "builtin"}, BUILTIN_2K),
        ({"default_model": "gpt-image-1"}, RETIRED),
        ({"default_quality": ""}, SETTINGS_TOGETHER),
    ],
)
def test_the_form_refuses_defaults_the_model_cannot_make(
    persona: Persona, team_client: TeamClient, change: dict[str, str], sentence: str
) -> None:
    url = reverse("personas:edit", args=[persona.pk])
    response = team_client("editor").post(url, {**FULL, **FORM_DEFAULTS, **change})
    assert response.status_code == 200
    assert sentence in unescape(response.content.decode())
    assert stored(persona) == ("", "", "", "")
