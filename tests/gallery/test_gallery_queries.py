"""Every gallery list costs the same number of queries at 1 image as at 25, with no filter and
with every filter at once: the grid's pages, the results of new filters, a persona's gallery
and the filter panel (whose counts are nine grouped queries)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from avatarapp.workspaces.models import Membership
from gallery.models import Favourite, ImageTag, Tag
from generation.models import Campaign, Job
from personas.models import Persona
from tests.conftest import World
from tests.gallery.conftest import HTMX
from tests.gallery.factories import make_image, make_job
from tests.generation.conftest import make_persona
from tests.personas.conftest import TeamClient

pytestmark = pytest.mark.django_db


@dataclass
class Workspace:
    persona: Persona
    job: Job
    tag: Tag

    def grow_to(self, editor: Membership, total: int) -> None:
        """Images that match every filter below, up to `total`."""
        for _ in range(total - self.job.images.count()):
            image = make_image(self.job, self.persona, prompt="Portrait in a sunlit studio")
            ImageTag.objects.create(image=image, tag=self.tag)
            Favourite.objects.create(user=editor.user, image=image)


@pytest.fixture
def workspace(world: World, editor: Membership) -> Workspace:
    tag = Tag.objects.create(workspace=world.team, name="Launch")
    job = make_job(editor)
    job.campaign = Campaign.objects.create(workspace=world.team, name="Spring launch")
    job.save()
    return Workspace(make_persona(editor), job, tag)


def every_filter(w: Workspace, editor: Membership) -> str:
    return (
        f"persona={w.persona.pk}&style=builtin:corporate&model=gpt-image-2&provider=openai"
        f"&status=done&by={editor.user_id}&tag={w.tag.pk}&from=2000-01-01&to=2999-12-31&fav=1"
        f"&q=sunlit&campaign={w.job.campaign_id}"
    )


Url = Callable[[Workspace, str], str]
LISTS: list[tuple[str, Url, dict[str, str]]] = [
    ("gallery page", lambda w, q: f"/gallery/?{q}", {}),
    ("new filters", lambda w, q: f"/gallery/?{q}", {**HTMX, "HX-Target": "gallery-results"}),
    ("next page", lambda w, q: f"/gallery/?{q}&cursor=", {**HTMX, "HX-Target": "gallery-more"}),
    ("filter panel", lambda w, q: f"{reverse('gallery:filters')}?{q}", HTMX),
    (
        "persona gallery",
        lambda w, q: f"{reverse('gallery:persona_gallery', args=[w.persona.pk])}?{q}",
        HTMX,
    ),
    (
        "persona filter panel",
        lambda w, q: f"{reverse('gallery:persona_filters', args=[w.persona.pk])}?{q}",
        HTMX,
    ),
]


@pytest.mark.parametrize("filtered", [False, True], ids=["no filter", "every filter"])
@pytest.mark.parametrize(("name", "url", "headers"), LISTS, ids=[entry[0] for entry in LISTS])
def test_queries_do_not_grow_with_images(
    name: str,
    url: Url,
    headers: dict[str, str],
    filtered: bool,
    editor: Membership,
    workspace: Workspace,
    team_client: TeamClient,
    django_assert_max_num_queries,
    django_assert_num_queries,
) -> None:
    client = team_client("editor")
    query = every_filter(workspace, editor) if filtered else ""
    workspace.grow_to(editor, 1)
    with django_assert_max_num_queries(40) as first:
        page = client.get(url(workspace, query), headers=headers).content.decode()
    assert listed(page) == 1
    workspace.grow_to(editor, 25)
    with django_assert_num_queries(len(first.captured_queries)):
        page = client.get(url(workspace, query), headers=headers).content.decode()
    assert listed(page) == 25


def listed(page: str) -> int:
    """How many images the page shows as cards, or counts in its filter panel."""
    if 'class="facet"' in page and "pick-box" not in page:
        found = re.search(r'data-count="(\d+)"', page)
        return int(found[1]) if found else 0
    return page.count('class="pick-box"')
