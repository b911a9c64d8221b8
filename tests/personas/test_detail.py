"""The persona page: brief, look, and composed-prompt previews that update as choices change."""

from __future__ import annotations

from html import unescape

from django.urls import reverse

from personas import services
from personas.models import Persona
from personas.reference_files import prepare_reference
from tests.conftest import World
from tests.personas import images
from tests.personas.conftest import TeamClient

PREVIEW = {"HX-Request": "true", "HX-Target": "prompt-preview"}


def test_the_page_shows_brief_look_and_a_first_prompt(
    persona: Persona, team_client: TeamClient
) -> None:
    response = team_client("viewer").get(reverse("personas:detail", args=[persona.pk]))
    html = unescape(response.content.decode())
    assert "35 to 44 · woman · Product manager · Lisbon, Portugal" in html
    assert "Ship a mobile app this quarter" in html
    assert "freckles across the nose" in html
    # Before any choice, the first built-in style is previewed for its recommended model.
    assert "Professional headshot: head and shoulders" in html
    assert "GPT Image 2" in html
    assert "HX-Request" in response["Vary"]
    assert "Edit</a>" not in html  # viewers see, editors change


def test_picking_two_styles_swaps_in_two_previews(
    persona: Persona, team_client: TeamClient
) -> None:
    url = reverse("personas:detail", args=[persona.pk])
    query = {"picked": "1", "style": ["builtin:fashion", "builtin:casual-ugc-selfie"]}
    response = team_client("viewer").get(url, query, headers=PREVIEW)
    html = unescape(response.content.decode())
    assert html.lstrip().startswith('<div id="prompt-preview"')
    assert html.count('class="prompt-card"') == 2
    assert "fashion editorial, strong pose" in html  # FLUX.2 [max] is Fashion's model
    assert "Make an authentic, casual selfie" in html  # Gemini for the UGC selfie
    assert "FLUX.2 [max]" in html
    assert "Nano Banana 2" in html


def test_choosing_a_model_rephrases_every_preview(
    persona: Persona, team_client: TeamClient
) -> None:
    url = reverse("personas:detail", args=[persona.pk])
    # Issue 15: Imagen, this test's model before, was shut down; Gemini phrases it its own way.
    query = {"picked": "1", "style": ["builtin:fashion"], "model": "gemini-nano-banana-2.1"}
    html = unescape(team_client("viewer").get(url, query, headers=PREVIEW).content.decode())
    assert "Create a high-fashion editorial portrait" in html
    assert "gemini phrasing" in html


def test_unknown_styles_and_models_get_a_message(persona: Persona, team_client: TeamClient) -> None:
    url = reverse("personas:detail", args=[persona.pk])
    query = {"picked": "1", "style": ["builtin:nope", "style:not-a-uuid"], "model": "sdxl"}
    response = team_client("viewer").get(url, query, headers=PREVIEW)
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "There is no style “builtin:nope”" in html
    assert "Unknown model 'sdxl'" in html
    assert "Pick one or more styles" in html


def test_another_workspaces_style_is_unknown_here(
    world: World, persona: Persona, team_client: TeamClient
) -> None:
    from avatarapp.workspaces.models import Workspace
    from personas.models import Style

    foreign = Style.objects.create(workspace=Workspace.objects.get(name="Other agency"), name="X")
    url = reverse("personas:detail", args=[persona.pk])
    query = {"picked": "1", "style": f"style:{foreign.pk}"}
    html = unescape(team_client("owner").get(url, query, headers=PREVIEW).content.decode())
    assert f"There is no style “style:{foreign.pk}”" in html


def test_gemini_previews_mention_references_once_there_are_some(
    world: World, persona: Persona, team_client: TeamClient
) -> None:
    url = reverse("personas:detail", args=[persona.pk])
    query = {"picked": "1", "style": "builtin:artistic"}  # Nano Banana Pro
    before = team_client("viewer").get(url, query, headers=PREVIEW).content.decode()
    assert "Use the attached reference images for likeness." not in before
    services.reference_add(
        persona=persona, user=world.owner, prepared=[prepare_reference(images.png())]
    )
    after = team_client("viewer").get(url, query, headers=PREVIEW).content.decode()
    assert "Use the attached reference images for likeness." in after


def test_the_form_previews_a_draft_as_it_is_typed(team_client: TeamClient) -> None:
    data = {
        "name": "Draft",
        "occupation": "Barista",
        "hair_colour": "h" * 500,  # over-long: cut to the field, never an error here
        "preview_style": "builtin:corporate",
    }
    response = team_client("editor").post(reverse("personas:create_preview"), data, headers=PREVIEW)
    html = unescape(response.content.decode())
    assert html.lstrip().startswith('<div id="prompt-preview"')
    assert "barista" in html
    assert "Corporate portrait: chest-up" in html
    assert "h" * 80 in html
    assert "h" * 81 not in html
    assert not Persona.objects.exists()


def test_the_edit_preview_never_touches_the_stored_persona(
    persona: Persona, team_client: TeamClient
) -> None:
    url = reverse("personas:edit_preview", args=[persona.pk])
    data = {"name": "", "wardrobe": "yellow raincoat", "preview_style": "builtin:corporate"}
    html = team_client("editor").post(url, data, headers=PREVIEW).content.decode()
    assert "yellow raincoat" in html
    persona.refresh_from_db()
    assert (persona.name, persona.wardrobe) == ("Maya Costa", "navy blazer over a white t-shirt")


def test_the_form_page_has_a_live_preview(persona: Persona, team_client: TeamClient) -> None:
    html = team_client("editor").get(reverse("personas:edit", args=[persona.pk])).content.decode()
    assert f'hx-post="{reverse("personas:edit_preview", args=[persona.pk])}"' in html
    assert 'hx-trigger="input delay:400ms from:closest form"' in html
    assert "navy blazer over a white t-shirt" in html
