"""The built-in render on persona cards: a PNG drawn from the look, cached, revalidated by ETag."""

from __future__ import annotations

import io
from unittest import mock

from django.urls import reverse
from PIL import Image

from personas.models import Persona, Style
from tests.personas.conftest import TeamClient


def test_the_card_image_is_a_png_of_the_requested_size(
    persona: Persona, team_client: TeamClient
) -> None:
    response = team_client("viewer").get(persona.portrait_url(320))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).size == (320, 320)
    # The URL carries the version: the browser may keep it until the look changes.
    assert response["Cache-Control"] == "private, max-age=31536000, immutable"
    assert response["ETag"] == f'"{persona.render_tag(320)}"'


def test_an_unchanged_look_answers_304(persona: Persona, team_client: TeamClient) -> None:
    client = team_client("viewer")
    url = reverse("personas:portrait", args=[persona.pk]) + "?size=512"
    first = client.get(url)
    assert first["Cache-Control"] == "private, no-cache"  # unversioned: always revalidate
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_a_new_look_gets_a_new_version_and_image(persona: Persona, team_client: TeamClient) -> None:
    client = team_client("viewer")
    before_url, before = persona.portrait_url(), client.get(persona.portrait_url()).content
    persona.hair_colour = "bright red"
    persona.save()
    assert persona.portrait_url() != before_url
    assert client.get(persona.portrait_url()).content != before


def test_renders_are_cached(persona: Persona, team_client: TeamClient) -> None:
    client = team_client("viewer")
    with mock.patch(
        "personas.views.portraits.render_portrait", return_value=b"\x89PNG fake"
    ) as render:
        client.get(persona.portrait_url(192))
        client.get(persona.portrait_url(192))
    assert render.call_count == 1


def test_each_persona_has_its_own_seed(world, team_client: TeamClient) -> None:
    from tests.personas.conftest import make_persona

    a, b = make_persona(world.team), make_persona(world.team)
    assert a.render_seed != b.render_seed
    client = team_client("viewer")
    assert client.get(a.portrait_url(96)).content != client.get(b.portrait_url(96)).content


def test_style_backgrounds_and_bad_parameters(persona: Persona, team_client: TeamClient) -> None:
    client = team_client("viewer")
    base = reverse("personas:portrait", args=[persona.pk])
    plain = client.get(base + "?size=96")
    styled = client.get(base + "?size=96&style=builtin:creative")
    assert styled.status_code == 200
    assert styled["ETag"] != plain["ETag"]
    assert client.get(base + "?size=97").status_code == 404
    assert client.get(base + "?size=huge").status_code == 404
    assert client.get(base + "?size=96&style=builtin:nope").status_code == 404


def test_style_thumbnails_show_the_styles_scene(
    world, persona: Persona, team_client: TeamClient
) -> None:
    style = Style.objects.create(
        workspace=world.team, name="Brand", backdrop_colour="#3a7bd5", backdrop="plain"
    )
    base = reverse("personas:portrait", args=[persona.pk])
    thumbnail = Image.open(
        io.BytesIO(team_client("viewer").get(f"{base}?size=96&style=style:{style.pk}").content)
    )
    assert thumbnail.convert("RGB").getpixel((3, 3)) == (0x3A, 0x7B, 0xD5)
