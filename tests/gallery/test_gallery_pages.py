"""The workspace gallery (/gallery/): a grid of thumbnails newest first, filters in the URL,
pages by keyset as you scroll (or with a "More" link), a filter panel with counts, and bad
filter values that change nothing but say so."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from gallery import query as gallery_query
from gallery.models import ImageTag, Tag
from generation.models import Image
from tests.conftest import ROLES, World
from tests.gallery.conftest import HTMX, Team
from tests.gallery.factories import make_image, make_job
from tests.generation.conftest import make_persona
from tests.personas.conftest import TeamClient

pytestmark = pytest.mark.django_db
GALLERY = "/gallery/"
NEXT_PAGE = {**HTMX, "HX-Target": "gallery-more"}  # the sentinel at the end of the grid


def shown(page: str) -> list[str]:
    """The image ids of the cards on a page, in order."""
    return re.findall(r'class="pick-box" name="image" value="([0-9a-f-]{36})"', page)


def ids(*images: Image) -> list[str]:
    return [str(image.pk) for image in images]


def choices(panel: str) -> dict[str, tuple[int, bool]]:
    """The filter panel's choices: label -> (count, ticked)."""
    found = re.findall(
        r'value="[^"]*"( checked)?> <span class="facet-label">([^<]*)</span> '
        r'<span class="count">(\d+)</span>',
        panel,
    )
    return {html.unescape(label): (int(count), bool(ticked)) for ticked, label, count in found}


def test_the_gallery_shows_finished_portraits_newest_first(
    team: Team, team_client: TeamClient
) -> None:
    # Once a batch has finished, the gallery is not "empty".
    page = team_client("viewer").get(GALLERY).content.decode()
    assert "Your gallery is empty" not in page
    assert shown(page) == ids(team.mia_newest, team.leo_done, team.mia_failed, team.mia_done)
    thumbnail = reverse("generation:image_file", args=[team.mia_newest.pk, "thumbnail"])
    assert f'<img src="{thumbnail}" alt="Mia Chen, Fashion"' in page
    assert 'loading="lazy"' in page
    assert "Select Mia Chen, Fashion" in page  # every checkbox has a label


def test_cards_wear_a_badge_unless_done_and_cancelled_is_not_an_error(
    editor, team_client: TeamClient
) -> None:
    persona = make_persona(editor)
    job = make_job(editor)
    for status in ["succeeded", "failed", "needs_reconciliation", "cancelled", "polling"]:
        make_image(job, persona, status=status)
    page = team_client("viewer").get(GALLERY).content.decode()
    badges = re.findall(r'class="status-badge status-badge-(\w+)">([^<]+)<', page)
    assert sorted(badges) == [
        ("cancelled", "Cancelled"),
        ("checking", "Needs checking"),
        ("failed", "Failed"),
        ("working", "In progress"),
    ]


def test_each_card_links_to_its_image_page_with_the_filter(
    team: Team, team_client: TeamClient
) -> None:
    page = team_client("viewer").get(f"{GALLERY}?persona={team.mia.pk}&status=done").content
    link = reverse("gallery:image", args=[team.mia_newest.pk])
    match = re.search(rf'href="({re.escape(link)}\?[^"]+)"', page.decode())
    assert match, "no link to the image page"
    assert parse_qs(urlsplit(html.unescape(match[1])).query) == {
        "persona": [str(team.mia.pk)],
        "status": ["done"],
    }


def test_filters_combine_and_live_in_the_url(team: Team, team_client: TeamClient) -> None:
    client = team_client("viewer")
    page = client.get(f"{GALLERY}?persona={team.mia.pk}&status=done").content.decode()
    assert shown(page) == ids(team.mia_newest, team.mia_done)
    url = f"{GALLERY}?persona={team.mia.pk}&style=builtin:corporate&status=done"
    assert shown(client.get(url).content.decode()) == ids(team.mia_done)
    page = client.get(f"{GALLERY}?q=sunlit").content.decode()
    assert shown(page) == ids(team.mia_done)
    assert 'value="sunlit"' in page  # the search box keeps what was typed


def test_new_filters_answer_with_the_grid_and_push_their_url(
    team: Team, team_client: TeamClient
) -> None:
    client = team_client("viewer")
    response = client.get(
        f"{GALLERY}?persona={team.mia.pk}&status=done&status=bogus&from=&to=&q=",
        headers={**HTMX, "HX-Target": "gallery-results"},
    )
    page = response.content.decode()
    assert "<html" not in page  # the results alone
    assert shown(page) == ids(team.mia_newest, team.mia_done)
    # The URL pushed is the filter as read: the unknown status and the empty fields are gone.
    assert response["HX-Push-Url"] == f"{GALLERY}?persona={team.mia.pk}&status=done"
    assert "gallery-filtered" in response["HX-Trigger-After-Settle"]
    assert "“bogus” is not a status" in page
    assert response["Vary"].count("HX-Request") == 1


def test_pages_follow_by_keyset_as_you_scroll_or_with_a_more_link(
    editor, team_client: TeamClient
) -> None:
    persona = make_persona(editor)
    job = make_job(editor)
    size = gallery_query.PAGE_SIZE
    images = [make_image(job, persona) for _ in range(size + 2)][::-1]  # newest first
    client = team_client("viewer")

    first = client.get(f"{GALLERY}?status=done").content.decode()
    assert shown(first) == ids(*images[:size])
    more = re.search(r'<a class="button secondary" href="([^"]+)">More portraits</a>', first)
    assert more, "no More link"
    sentinel = re.search(r'hx-get="([^"]+)" hx-trigger="revealed"', first)
    assert sentinel, "no sentinel that loads as it scrolls into view"
    assert "status=done" in more[1]
    assert "cursor=" in more[1]

    # Without JavaScript: the next page as a page of its own.
    second = client.get(html.unescape(more[1])).content.decode()
    assert "<html" in second
    assert shown(second) == ids(*images[size:])
    assert "More portraits" not in second
    assert 'href="/gallery/?status=done">Back to the newest portraits</a>' in second
    # With htmx: the next cards alone, to put in place of the sentinel.
    cards = client.get(html.unescape(sentinel[1]), headers=NEXT_PAGE).content.decode()
    assert cards.lstrip().startswith("<li")
    assert shown(cards) == ids(*images[size:])
    assert "More portraits" not in cards


def test_the_empty_gallery_says_what_to_do_next(world: World, team_client: TeamClient) -> None:
    page = team_client("editor").get(GALLERY).content.decode()
    assert "Generate your first portraits" in page
    assert f'href="{reverse("generation:generate")}"' in page


def test_no_match_offers_to_clear_the_filters(team: Team, team_client: TeamClient) -> None:
    page = team_client("viewer").get(f"{GALLERY}?q=submarine").content.decode()
    assert "No portraits match these filters" in page
    assert f'href="{GALLERY}">Clear filters</a>' in page
    assert shown(page) == []


def test_deleted_portraits_are_not_in_the_gallery(team: Team, team_client: TeamClient) -> None:
    team.leo_done.deleted_at = timezone.now()
    team.leo_done.save()
    page = team_client("viewer").get(GALLERY).content.decode()
    assert str(team.leo_done.pk) not in page


def test_another_workspaces_ids_in_a_filter_are_ignored(
    world: World, team: Team, team_client: TeamClient, outsider, their_image: Image
) -> None:
    their_tag = Tag.objects.create(workspace=outsider.workspace, name="Theirs")
    query = f"persona={their_image.persona_id}&tag={their_tag.pk}&by={world.outsider.pk}"
    url = f"{GALLERY}?{query}"
    page = team_client("viewer").get(url).content.decode()
    assert shown(page) == ids(team.mia_newest, team.leo_done, team.mia_failed, team.mia_done)
    assert str(their_image.pk) not in page
    assert "Their persona" not in page


@pytest.mark.parametrize(
    ("query", "sentence"),
    [
        ("from=2026-02-31", "“From” must be a date like 2026-12-31; showing every date."),
        ("to=last+week", "“To” must be a date like 2026-12-31; showing every date."),
        ("status=exploded", "“exploded” is not a status; showing every status."),
        ("q=" + "portrait+" * 1250, "Only the first 200 characters of a search count."),
        ("q=%21%3F%2E%2E%2E+%2A", "Type a word to search for."),
        ("persona=not-a-uuid", "That persona filter could not be read"),
    ],
)
def test_bad_filter_values_show_a_polite_notice_and_every_portrait(
    team: Team, team_client: TeamClient, query: str, sentence: str
) -> None:
    response = team_client("viewer").get(f"{GALLERY}?{query}")
    assert response.status_code == 200
    page = response.content.decode()
    notice = re.search(r'<div class="alert" role="status">(.*?)</div>', page, re.S)
    assert notice, "no notice"
    assert sentence in html.unescape(notice[1])
    if "q=portrait" not in query:
        assert len(shown(page)) == 4


def test_the_filter_panel_counts_each_choice(team: Team, team_client: TeamClient) -> None:
    response = team_client("viewer").get(
        f"{reverse('gallery:filters')}?persona={team.mia.pk}", headers=HTMX
    )
    panel = response.content.decode()
    assert "<html" not in panel
    counted = choices(panel)
    assert counted["Mia Chen"] == (3, True)
    assert counted["Leo Park"] == (1, False)  # what choosing Leo too would add
    assert counted["Failed"] == (1, False)
    assert counted["Done"] == (2, False)
    # "Select all 3 matching this filter": the count, swapped into the bulk bar.
    assert 'id="matching-count" hx-swap-oob="true" data-count="3"' in panel


def test_a_chosen_value_nothing_matches_stays_listed_to_untick(
    team: Team, team_client: TeamClient
) -> None:
    url = f"{reverse('gallery:filters')}?persona={team.leo.pk}&status=failed"
    panel = team_client("viewer").get(url, headers=HTMX).content.decode()
    assert choices(panel)["Leo Park"] == (0, True)
    # Each dimension names its unmatched choice as the panel names it when it matches.
    unmatched = "model=flux-2-pro&provider=bfl&style=builtin:fashion&status=failed"
    response = team_client("viewer").get(f"{reverse('gallery:filters')}?{unmatched}", headers=HTMX)
    counted = choices(response.content.decode())
    assert counted["FLUX.2 [pro]"] == (0, True)
    assert counted["Black Forest Labs"] == (0, True)
    assert counted["Fashion"] == (0, True)


def test_html_in_a_tag_name_is_shown_as_text(team: Team, world: World, team_client) -> None:
    tag = Tag.objects.create(workspace=world.team, name='<img src=x alt="boom">')
    ImageTag.objects.create(image=team.mia_done, tag=tag)
    panel = team_client("viewer").get(reverse("gallery:filters"), headers=HTMX).content.decode()
    assert "&lt;img src=x alt=&quot;boom&quot;&gt;" in panel
    assert "<img src=x" not in panel
    editor_page = team_client("editor").get(GALLERY).content.decode()  # the tag suggestions
    assert '<option value="&lt;img src=x alt=&quot;boom&quot;&gt;">' in editor_page


def test_without_javascript_the_filters_are_a_page_of_their_own(
    team: Team, team_client: TeamClient
) -> None:
    client = team_client("viewer")
    gallery = client.get(f"{GALLERY}?persona={team.mia.pk}&q=studio").content.decode()
    # The panel's choices arrive by htmx; until then the chosen ones ride along, hidden.
    assert f'<input type="hidden" name="persona" value="{team.mia.pk}">' in gallery
    link = f'href="{reverse("gallery:filters")}?persona={team.mia.pk}&amp;q=studio"'
    assert link in gallery
    page = client.get(f"{reverse('gallery:filters')}?persona={team.mia.pk}&q=studio")
    text = page.content.decode()
    assert "<h1>Filter the gallery</h1>" in text
    assert f'<form method="get" action="{GALLERY}"' in text
    assert 'value="studio"' in text
    assert choices(text)["Mia Chen"] == (1, True)


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_team_gallery(role: str, team: Team, team_client: TeamClient) -> None:
    client = team_client(role)
    pages = {
        "gallery": client.get(GALLERY),
        "filters": client.get(reverse("gallery:filters"), headers=HTMX),
        "persona": client.get(reverse("gallery:persona_gallery", args=[team.mia.pk]), headers=HTMX),
    }
    if role == "anonymous":
        for response in pages.values():
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("account_login"))
        return
    if role == "outsider":  # their own workspace's gallery; the team's persona is not found
        assert pages["gallery"].status_code == 200
        assert shown(pages["gallery"].content.decode()) == []
        assert "Mia Chen" not in pages["filters"].content.decode()
        assert pages["persona"].status_code == 404
        return
    for response in pages.values():
        assert response.status_code == 200
    assert len(shown(pages["gallery"].content.decode())) == 4
    assert len(shown(pages["persona"].content.decode())) == 3
    # Tags and deleting are for editors and above; favourites and downloads for everyone.
    bar = pages["gallery"].content.decode()
    assert ('value="tag"' in bar) is (role != "viewer")
    assert ('value="delete"' in bar) is (role != "viewer")
    assert 'value="favourite"' in bar
    assert 'value="zip"' in bar
