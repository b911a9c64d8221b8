"""List pages cost the same number of queries however many personas and styles there are."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from personas import services
from personas.models import Style
from personas.reference_files import prepare_reference
from tests.conftest import World
from tests.personas import images
from tests.personas.conftest import TeamClient, make_persona


def _grow(world: World, total: int) -> None:
    """Bring the team to `total` personas (each with a reference and tags) and styles."""
    have = world.team.personas.count()
    for i in range(have, total):
        persona = make_persona(world.team, name=f"Persona {i}", tags=[f"t{i}", "b2b"])
        prepared = [prepare_reference(images.png(8, 8, seed=i))]
        services.reference_add(persona=persona, user=world.owner, prepared=prepared)
        Style.objects.create(workspace=world.team, name=f"Style {i}")


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_persona_list_queries_do_not_grow_with_personas(
    world: World, team_client: TeamClient
) -> None:
    client = team_client("viewer")
    url = reverse("personas:list")
    _grow(world, 2)
    with_two = _queries(client, url)
    _grow(world, 20)
    with_twenty = _queries(client, url)
    assert with_twenty == with_two
    assert client.get(url).content.decode().count('class="persona-card"') == 20


def test_style_library_and_persona_page_queries_do_not_grow(
    world: World, team_client: TeamClient
) -> None:
    client = team_client("viewer")
    _grow(world, 2)
    persona = world.team.personas.first()
    assert persona is not None
    detail = reverse("personas:detail", args=[persona.pk]) + "?picked=1&style=builtin:corporate"
    counts = [_queries(client, reverse("personas:styles")), _queries(client, detail)]
    _grow(world, 20)
    assert [_queries(client, reverse("personas:styles")), _queries(client, detail)] == counts
