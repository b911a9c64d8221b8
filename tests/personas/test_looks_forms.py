"""The persona and style forms by looking: chips store the plain words of personas.choices, free
text stays possible beside them, and anything outside the offered choices is refused in place
with a sentence, changing nothing."""

from __future__ import annotations

from html import unescape

import pytest
from django.urls import reverse

from personas.models import Persona, Style
from tests.conftest import World
from tests.markup import attribute, find, find_all
from tests.personas.conftest import TeamClient, make_persona

HTMX = {"HX-Request": "true", "HX-Target": "persona-form"}

# What a person sends who only typed a name and clicked a chip in every group.
CLICKED = {
    "name": "Maya Costa",
    "age_range": "35-44",
    "skin_tone_pick": "light olive",
    "glasses": "cat-eye glasses",
    "hair_length": "chin-length",
    "hair_colour_pick": "platinum blonde",
    "hair_style_pick": "side part",
    "garment": "denim jacket",
    "garment_colour_pick": "sage green",
}
STORED = {
    "age_range": "35-44",
    "skin_tone": "light olive",
    "glasses": "cat-eye glasses",
    "hair_length": "chin-length",
    "hair_colour": "platinum blonde",
    "hair_style": "side part",
    "garment": "denim jacket",
    "garment_colour": "sage green",
}
STYLE = {"name": "Sage studio", "default_aspect": "4:5", "default_quality": "medium"}


def _picked(html: str, name: str) -> list[str]:
    """The values of the checked radio buttons called `name`."""
    radios = find_all(html, "input", type="radio", name=name)
    return [attribute(r, "value") for r in radios if "checked" in dict(r.attributes)]


def _look(persona: Persona) -> dict[str, str]:
    return {name: getattr(persona, name) for name in STORED}


def test_a_persona_made_only_by_clicking_stores_the_words(
    world: World, team_client: TeamClient
) -> None:
    response = team_client("editor").post(reverse("personas:create"), CLICKED)
    assert response.status_code == 302
    persona = Persona.objects.get()
    assert _look(persona) == STORED
    # The text boxes beside the chips were left empty: nothing else was stored.
    assert (persona.eye_colour, persona.wardrobe) == ("", "")


def test_the_edit_form_shows_picked_words_as_chips_and_free_text_as_other(
    world: World, team_client: TeamClient
) -> None:
    persona = make_persona(world.team, skin_tone="medium brown", hair_colour="auburn")
    page = team_client("editor").get(reverse("personas:edit", args=[persona.pk])).content.decode()
    # "medium brown" is not one of the swatches: Other is picked, the words are in its box.
    assert _picked(page, "skin_tone_pick") == ["other"]
    assert attribute(find(page, "input", name="skin_tone"), "value") == "medium brown"
    # "auburn" is a chip: it is picked, and its box is empty.
    assert _picked(page, "hair_colour_pick") == ["auburn"]
    assert attribute(find(page, "input", name="hair_colour"), "value") == ""
    # A group with nothing stored shows "Not set".
    assert _picked(page, "garment") == [""]

    # Saving it untouched keeps both values as they were.
    data = {"name": persona.name, "skin_tone_pick": "other", "skin_tone": "medium brown"}
    data |= {"hair_colour_pick": "auburn", "hair_colour": ""}
    team_client("editor").post(reverse("personas:edit", args=[persona.pk]), data)
    persona.refresh_from_db()
    assert (persona.skin_tone, persona.hair_colour) == ("medium brown", "auburn")


@pytest.mark.parametrize(
    ("picked", "typed", "stored"),
    [
        ("deep", "", "deep"),
        ("deep", "left over words", "deep"),  # a chip wins over stale text
        ("other", "  warm   golden ", "warm golden"),
        ("other", "", ""),
        ("", "sun-kissed", "sun-kissed"),  # typed without a chip (no JavaScript, older clients)
        ("", "", ""),  # Not set
    ],
)
def test_a_chip_or_the_words_beside_it(
    picked: str, typed: str, stored: str, team_client: TeamClient
) -> None:
    data = {"name": "Ana", "skin_tone_pick": picked, "skin_tone": typed}
    assert team_client("editor").post(reverse("personas:create"), data).status_code == 302
    assert Persona.objects.get().skin_tone == stored


PERSONA_REFUSALS = [
    ("skin_tone_pick", "purple", "Pick one of the skin tone choices shown, or Other."),
    ("hair_colour_pick", "blue", "Pick one of the hair colour choices shown, or Other."),
    ("hair_style_pick", "mohawk", "Pick one of the hair style choices shown, or Other."),
    ("garment_colour_pick", "neon", "Pick one of the outfit colour choices shown, or Other."),
    ("hair_length", "very long", "Pick one of the hair length choices shown."),
    ("glasses", "monocle", "Pick one of the glasses choices shown."),
    ("garment", "kimono", "Pick one of the outfit choices shown."),
    ("age_range", "12-15", "Pick one of the age range choices shown."),
    ("glasses", "other", "Pick one of the glasses choices shown."),  # no Other here
]


@pytest.mark.parametrize(("field", "value", "message"), PERSONA_REFUSALS)
def test_unknown_choices_are_refused_beside_their_group_and_nothing_changes(
    field: str, value: str, message: str, world: World, team_client: TeamClient
) -> None:
    client = team_client("editor")
    response = client.post(reverse("personas:create"), {**CLICKED, field: value}, headers=HTMX)
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert message in html
    assert f'id="id_{field}_error"' in html
    assert not Persona.objects.exists()

    persona = make_persona(world.team, **STORED)
    url = reverse("personas:edit", args=[persona.pk])
    response = client.post(url, {**CLICKED, "name": "Renamed", field: value}, headers=HTMX)
    assert message in unescape(response.content.decode())
    persona.refresh_from_db()
    assert (persona.name, _look(persona)) == ("Maya Costa", STORED)


def test_the_prompt_preview_reads_the_chips(team_client: TeamClient) -> None:
    response = team_client("editor").post(
        reverse("personas:create_preview"),
        {**CLICKED, "preview_style": "builtin:corporate"},
        headers={"HX-Request": "true", "HX-Target": "prompt-preview"},
    )
    text = unescape(response.content.decode())
    assert "light olive skin" in text
    assert "platinum blonde" in text


def test_a_style_made_by_looking_stores_its_scene(team_client: TeamClient) -> None:
    data = {**STYLE, "backdrop_colour": "2E8B57", "backdrop": "studio"}
    data |= {"lighting_direction": "rim", "framing": "half body", "mood": "thoughtful"}
    assert team_client("editor").post(reverse("personas:style_create"), data).status_code == 302
    style = Style.objects.get()
    scene = (style.backdrop_colour, style.backdrop, style.lighting_direction, style.framing)
    assert scene == ("#2e8b57", "studio", "rim", "half body")
    assert style.mood == "thoughtful"


STYLE_REFUSALS = [
    ("backdrop_colour", "#12345", "Type the colour as # and six digits or letters a-f"),
    ("backdrop_colour", "sage", "Type the colour as # and six digits or letters a-f"),
    ("backdrop_colour", "#ggg000", "Type the colour as # and six digits or letters a-f"),
    ("backdrop", "beach", "Pick one of the backdrop choices shown."),
    ("lighting_direction", "above", "Pick one of the light choices shown."),
    ("framing", "full body", "Pick one of the framing choices shown."),
    ("mood", "angry", "Pick one of the mood choices shown."),
]


@pytest.mark.parametrize(("field", "value", "message"), STYLE_REFUSALS)
def test_bad_scene_values_are_refused_and_nothing_changes(
    field: str, value: str, message: str, world: World, team_client: TeamClient
) -> None:
    client = team_client("editor")
    headers = {"HX-Request": "true"}
    response = client.post(
        reverse("personas:style_create"), {**STYLE, field: value}, headers=headers
    )
    html = unescape(response.content.decode())
    assert message in html
    assert f'id="id_{field}_error"' in html
    assert not Style.objects.exists()

    style = Style.objects.create(workspace=world.team, name="Kept", backdrop_colour="#ffffff")
    url = reverse("personas:style_edit", args=[style.pk])
    response = client.post(url, {**STYLE, field: value}, headers=headers)
    assert message in unescape(response.content.decode())
    style.refresh_from_db()
    assert (style.name, style.backdrop_colour) == ("Kept", "#ffffff")


def test_update_example_without_javascript_draws_the_unsaved_scene(team_client: TeamClient) -> None:
    data = {**STYLE, "backdrop_colour": "#2e8b57", "framing": "half body", "preview": "1"}
    page = team_client("editor").post(reverse("personas:style_create"), data).content.decode()
    src = attribute(find(page, "img", id="style-example"), "src")
    assert "backdrop_colour=%232e8b57" in src
    assert "framing=half+body" in src
    assert not Style.objects.exists()
