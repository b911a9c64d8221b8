"""A persona's gallery (every portrait, the same grid and filters with the persona fixed) and its
cover portrait (on persona cards, the persona's page and the Generate picker)."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gallery.models import PersonaCover
from generation.models import Image
from tests.conftest import World
from tests.gallery.conftest import HTMX, Team
from tests.gallery.factories import make_image, make_job
from tests.gallery.test_gallery_pages import choices, ids, shown
from tests.generation.conftest import make_persona
from tests.markup import attribute, find
from tests.personas.conftest import TeamClient

pytestmark = pytest.mark.django_db


def persona_gallery(persona_pk, query: str = "") -> str:
    url = reverse("gallery:persona_gallery", args=[persona_pk])
    return f"{url}?{query}" if query else url


def thumbnail(image: Image) -> str:
    return reverse("generation:image_file", args=[image.pk, "thumbnail"])


def test_the_persona_page_fetches_its_whole_gallery(
    editor, team: Team, team_client: TeamClient
) -> None:
    # The persona page shows every portrait, not only the latest 24.
    job = make_job(editor)
    more = [make_image(job, team.mia) for _ in range(30)][::-1]
    client = team_client("viewer")
    page = client.get(reverse("personas:detail", args=[team.mia.pk]) + "?status=done")
    fetch = re.search(r'id="persona-gallery" hx-get="([^"]+)"', page.content.decode())
    assert fetch, "the persona page does not fetch its gallery"

    grid = client.get(html.unescape(fetch[1]), headers=HTMX).content.decode()

    # Every finished portrait of Mia (the page's own filter: done), none of Leo's.
    assert shown(grid) == ids(*more, team.mia_newest, team.mia_done)
    assert "Leo Park" not in grid
    # Its filter panel and pages are the persona's: the persona is in the path, not a choice.
    assert f'hx-get="{persona_gallery(team.mia.pk)}"' in grid
    assert f'action="{reverse("personas:detail", args=[team.mia.pk])}"' in grid


def test_new_filters_push_the_persona_pages_url(team: Team, team_client: TeamClient) -> None:
    response = team_client("viewer").get(
        persona_gallery(team.mia.pk, "status=failed&persona=" + str(team.leo.pk)),
        headers={**HTMX, "HX-Target": "gallery-results"},
    )
    assert shown(response.content.decode()) == ids(team.mia_failed)  # Leo's id changes nothing
    page = reverse("personas:detail", args=[team.mia.pk])
    assert response["HX-Push-Url"] == f"{page}?status=failed"


def test_the_more_link_on_a_persona_page_opens_its_gallery_there(
    editor, team: Team, team_client: TeamClient
) -> None:
    job = make_job(editor)
    newer = [make_image(job, team.mia) for _ in range(50)][::-1]  # newest first
    client = team_client("viewer")
    first = client.get(persona_gallery(team.mia.pk), headers=HTMX).content.decode()
    more = re.search(r'<a class="button secondary" href="([^"]+)">More portraits</a>', first)
    assert more, "no More link"
    page = client.get(html.unescape(more[1])).content.decode()  # the persona's page, then
    fetch = re.search(r'id="persona-gallery" hx-get="([^"]+)"', page)
    assert fetch, "the persona page does not fetch its gallery"
    grid = client.get(html.unescape(fetch[1]), headers=HTMX).content.decode()
    assert 'id="gallery-browser"' in grid  # the whole gallery, from where the link pointed
    rest = [*newer[48:], team.mia_newest, team.mia_failed, team.mia_done]
    assert shown(grid) == ids(*rest)


def test_the_persona_gallery_is_part_of_the_persona_page(
    team: Team, team_client: TeamClient
) -> None:
    response = team_client("viewer").get(persona_gallery(team.mia.pk, "status=done&cursor=x"))
    page = reverse("personas:detail", args=[team.mia.pk])
    assert response.status_code == 302
    assert response["Location"] == f"{page}?status=done#portraits"


def test_the_persona_panel_has_no_persona_choice(team: Team, team_client: TeamClient) -> None:
    url = reverse("gallery:persona_filters", args=[team.mia.pk])
    panel = team_client("viewer").get(url, headers=HTMX).content.decode()
    assert "<legend>Persona</legend>" not in panel
    assert choices(panel)["Fashion"] == (1, False)
    assert 'data-count="3"' in panel  # Mia's three portraits


def test_a_persona_without_portraits_says_how_to_make_some(editor, team_client: TeamClient) -> None:
    persona = make_persona(editor, name="Nora Quinn")
    grid = team_client("editor").get(persona_gallery(persona.pk), headers=HTMX).content.decode()
    assert "No portraits of Nora Quinn yet." in grid
    assert f"{reverse('generation:generate')}?persona={persona.pk}" in grid


def test_another_workspaces_persona_gallery_is_not_found(
    team: Team, team_client: TeamClient
) -> None:
    for url in [
        persona_gallery(team.mia.pk),
        reverse("gallery:persona_filters", args=[team.mia.pk]),
    ]:
        assert team_client("outsider").get(url, headers=HTMX).status_code == 404


# --- The cover portrait ---------------------------------------------------------------------


def choose_cover(client: Client, persona_pk: object, image_pk: object) -> Any:
    return client.post(reverse("gallery:persona_cover", args=[persona_pk]), {"image": image_pk})


def test_an_editor_picks_the_cover_from_the_persona_gallery(
    world: World, team: Team, team_client: TeamClient
) -> None:
    grid = team_client("editor").get(persona_gallery(team.mia.pk), headers=HTMX).content.decode()
    assert grid.count("Use as cover") == 2  # Mia's finished portraits; not the failed one

    client = team_client("editor")
    response = choose_cover(client, team.mia.pk, team.mia_done.pk)

    assert response.status_code == 302
    cover = PersonaCover.objects.get(persona=team.mia)
    assert (cover.image, cover.chosen_by) == (team.mia_done, world.editor)
    assert "cover portrait is chosen" in client.get(response["Location"]).content.decode()
    grid = client.get(persona_gallery(team.mia.pk), headers=HTMX).content.decode()
    assert grid.count("Use as cover") == 1
    assert '<span class="badge">Cover</span>' in grid


def test_the_image_page_offers_its_persona_cover_to_editors(
    team: Team, team_client: TeamClient
) -> None:
    page_url = reverse("gallery:image", args=[team.mia_done.pk]) + "?persona=" + str(team.mia.pk)
    assert "Use as cover" not in team_client("viewer").get(page_url).content.decode()
    failed = reverse("gallery:image", args=[team.mia_failed.pk])
    assert "Use as cover" not in team_client("editor").get(failed).content.decode()

    client = team_client("editor")
    form = find(client.get(page_url).content.decode(), "form", **{"class": "gallery-cover"})
    assert attribute(form, "action") == reverse("gallery:persona_cover", args=[team.mia.pk])
    response = client.post(attribute(form, "action"), {"image": team.mia_done.pk, "next": page_url})
    assert response["Location"] == page_url + "#portraits"
    assert PersonaCover.objects.get(persona=team.mia).image == team.mia_done
    page = html.unescape(client.get(page_url).content.decode())
    assert "Mia Chen's cover" in page
    assert "Use as cover" not in page


def test_the_cover_stands_for_the_persona_everywhere(team: Team, team_client: TeamClient) -> None:
    client = team_client("editor")
    pages = [
        reverse("personas:list"),
        reverse("personas:detail", args=[team.mia.pk]),
        reverse("generation:generate"),
    ]
    for url in pages:  # before: the newest portrait
        assert thumbnail(team.mia_newest) in client.get(url).content.decode(), url
    choose_cover(client, team.mia.pk, team.mia_done.pk)
    for url in pages:
        page = client.get(url).content.decode()
        assert thumbnail(team.mia_done) in page, url
        assert thumbnail(team.mia_newest) not in page, url


def test_a_deleted_cover_falls_back_to_the_newest_portrait(
    team: Team, team_client: TeamClient
) -> None:
    client = team_client("editor")
    choose_cover(client, team.mia.pk, team.mia_done.pk)
    Image.objects.filter(pk=team.mia_done.pk).update(deleted_at=timezone.now())
    page = client.get(reverse("personas:list")).content.decode()
    assert thumbnail(team.mia_newest) in page
    assert thumbnail(team.mia_done) not in page


def test_a_deleted_newest_portrait_is_not_on_the_card(team: Team, team_client: TeamClient) -> None:
    Image.objects.update(finished_at=F("created_at"))  # as the pipeline leaves them
    Image.objects.filter(pk=team.mia_newest.pk).update(deleted_at=timezone.now())
    page = team_client("viewer").get(reverse("personas:list")).content.decode()
    assert thumbnail(team.mia_newest) not in page
    assert thumbnail(team.mia_done) in page


def test_only_the_personas_own_finished_portraits_can_be_its_cover(
    team: Team, team_client: TeamClient, their_image: Image
) -> None:
    deleted = make_image(team.job, team.mia, deleted_at=timezone.now())
    client = team_client("editor")
    for image_pk in [team.leo_done.pk, team.mia_failed.pk, deleted.pk, their_image.pk, "nonsense"]:
        response = choose_cover(client, team.mia.pk, image_pk)
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert "Pick one of Mia Chen's finished portraits as the cover." in html.unescape(page)
    assert not PersonaCover.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("owner", 302),
        ("admin", 302),
        ("editor", 302),
        ("viewer", 403),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_who_may_pick_a_cover(role: str, status: int, team: Team, team_client: TeamClient) -> None:
    response = choose_cover(team_client(role), team.mia.pk, team.mia_done.pk)
    assert response.status_code == status
    assert PersonaCover.objects.exists() is (status == 302 and role != "anonymous")
    if role == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))


def test_viewers_see_no_cover_control(team: Team, team_client: TeamClient) -> None:
    grid = team_client("viewer").get(persona_gallery(team.mia.pk), headers=HTMX).content.decode()
    assert "Use as cover" not in grid
