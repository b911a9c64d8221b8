"""The style library: built-in styles as data, validated workspace styles, copy to workspace."""

from __future__ import annotations

from html import unescape

import pytest
from django.urls import reverse

from catalog import ASPECT_RATIOS, Family, get_model, resolve_params
from personas.models import Persona, Style
from personas.style_specs import BUILTIN_STYLES, STYLE_QUALITIES
from tests.conftest import World
from tests.personas.conftest import TeamClient

REQUIRED = [
    "Professional headshot",
    "Corporate",
    "LinkedIn profile",
    "Creative",
    "Editorial",
    "Artistic",
    "Casual UGC selfie",
    "Environmental portrait",
    "Studio black-and-white",
    "Lifestyle",
    "Fashion",
    "Tech startup",
]


def test_the_built_in_library_has_every_required_style() -> None:
    assert [s.name for s in BUILTIN_STYLES][: len(REQUIRED)] == REQUIRED


@pytest.mark.parametrize("style", BUILTIN_STYLES, ids=lambda s: s.slug)
def test_each_built_in_style_is_complete_and_its_model_can_make_it(style) -> None:
    assert set(style.fragments) == {f.value for f in Family}
    assert all(len(fragment) > 20 for fragment in style.fragments.values())
    assert style.aspect in ASPECT_RATIOS
    assert style.quality in STYLE_QUALITIES
    get_model(style.recommended_model)
    resolve_params(style.recommended_model, style.aspect, "1K", style.quality)  # raises if not
    assert style.description
    assert style.background
    assert style.lighting
    assert style.lens


STYLE = {
    "name": "Acme brand",
    "description": "Calm and confident",
    "palette": "teal and white",
    "background": "plain white wall",
    "lighting": "soft daylight",
    "lens": "50mm",
    "wardrobe_rules": "teal accents",
    "recommended_model": "gemini-3-pro-image-preview",
    "default_aspect": "4:5",
    "default_quality": "high",
}


def test_editors_create_a_workspace_style(world: World, team_client: TeamClient) -> None:
    response = team_client("editor").post(reverse("personas:style_create"), STYLE)
    assert response["Location"] == reverse("personas:styles")
    style = Style.objects.get()
    assert (style.workspace, style.created_by) == (world.team, world.editor)
    assert (style.palette, style.default_aspect) == ("teal and white", "4:5")


BAD = [
    ({"name": ""}, "This field is required."),
    ({"name": "n" * 81}, "at most 80 characters"),
    ({"lighting": "l" * 201}, "at most 200 characters"),
    ({"recommended_model": "midjourney-7"}, "Unknown model 'midjourney-7'"),
    ({"recommended_model": "gpt-image-1"}, "was shut down on 2026-10-23; use GPT Image 2 instead."),
    # Issue 15: Imagen was shut down, so a model that cannot make the defaults is another one.
    ({"recommended_model": "imagen-4"}, "imagen-4 was shut down on 2026-08-17; use Gemini Nano"),
    ({"recommended_model": "flux-pro-1.1-ultra"}, "FLUX1.1 [pro] Ultra cannot make 1K images"),
    ({"default_aspect": "5:4"}, "Select a valid choice"),
    ({"default_quality": "ultra"}, "Select a valid choice"),
]


@pytest.mark.parametrize(("change", "message"), BAD)
def test_bad_styles_are_refused_in_place(
    change: dict[str, str], message: str, team_client: TeamClient
) -> None:
    response = team_client("editor").post(
        reverse("personas:style_create"), {**STYLE, **change}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert message in html
    assert 'id="style-form"' in html
    assert "<html" not in html
    assert not Style.objects.exists()


def test_style_names_are_unique_per_workspace_ignoring_case(
    world: World, team_client: TeamClient
) -> None:
    Style.objects.create(workspace=world.team, name="Acme Brand")
    response = team_client("editor").post(reverse("personas:style_create"), STYLE)
    assert "already has a style called Acme brand" in response.content.decode()
    assert Style.objects.count() == 1


def test_editing_keeps_its_own_name_allowed(world: World, team_client: TeamClient) -> None:
    style = Style.objects.create(workspace=world.team, name="Acme brand")
    url = reverse("personas:style_edit", args=[style.pk])
    response = team_client("editor").post(url, {**STYLE, "lighting": "golden hour"})
    assert response.status_code == 302
    style.refresh_from_db()
    assert style.lighting == "golden hour"


def test_copying_a_built_in_style_names_copies_apart(world: World, team_client: TeamClient) -> None:
    client = team_client("editor")
    url = reverse("personas:style_copy", args=["corporate"])
    first = client.post(url)
    client.post(url)
    names = sorted(world.team.styles.values_list("name", flat=True))
    assert names == ["Corporate", "Corporate 2"]
    copy = world.team.styles.get(name="Corporate")
    assert first["Location"] == reverse("personas:style_edit", args=[copy.pk])
    assert copy.background == "softly blurred modern office with glass and daylight"
    # The scene travels too, so the copy renders like the original.
    scene = (copy.backdrop_colour, copy.backdrop, copy.lighting_direction, copy.framing, copy.mood)
    assert scene == ("#dfe5ec", "office", "front", "headshot", "confident")
    assert (copy.recommended_model, copy.default_aspect, copy.copied_from) == (
        "gpt-image-2",
        "4:5",
        "corporate",
    )


def test_copying_an_unknown_style_says_so(world: World, team_client: TeamClient) -> None:
    response = team_client("editor").post(
        reverse("personas:style_copy", args=["no-such-style"]), follow=True
    )
    assert "There is no style 'builtin:no-such-style'" in unescape(response.content.decode())
    assert not world.team.styles.exists()


def test_viewers_see_the_library_without_edit_controls(
    world: World, team_client: TeamClient
) -> None:
    Style.objects.create(workspace=world.team, name="Acme brand")
    html = team_client("viewer").get(reverse("personas:styles")).content.decode()
    assert "Acme brand" in html
    assert "Tech startup" in html
    assert "Copy to workspace" not in html
    assert "New workspace style" not in html
    assert "Edit<span" not in html
    editor_html = team_client("editor").get(reverse("personas:styles")).content.decode()
    assert editor_html.count("Copy to workspace") == len(BUILTIN_STYLES)


def test_empty_workspace_styles_say_what_to_do(team_client: TeamClient) -> None:
    html = team_client("editor").get(reverse("personas:styles")).content.decode()
    assert "No workspace styles yet" in html
    assert "copy a built-in style" in html


def test_workspace_styles_appear_in_the_persona_style_strip(
    world: World, persona: Persona, team_client: TeamClient
) -> None:
    style = Style.objects.create(workspace=world.team, name="Acme brand", lighting="neon glow")
    url = reverse("personas:detail", args=[persona.pk])
    page = team_client("viewer").get(url).content.decode()
    assert f'value="style:{style.pk}"' in page
    preview = team_client("viewer").get(
        url, {"picked": "1", "style": f"style:{style.pk}", "model": "gpt-image-2"}
    )
    assert "Lighting: neon glow." in preview.content.decode()
