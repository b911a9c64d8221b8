"""The gallery's batch filter (`job=`, the link from a batch's page or the batches history)
survives the filter panel: the panel reloads its choices (gallery.views.browse.filters), and the
batch must still be in the form afterwards, and on the page of filters without JavaScript; the
results say which batch they show, with a way to remove it."""

from __future__ import annotations

import pytest

from avatarapp.workspaces.models import Membership
from tests.gallery.conftest import HTMX, Team
from tests.gallery.factories import make_image, make_job
from tests.markup import attribute, find, find_all, text
from tests.personas.conftest import TeamClient

pytestmark = pytest.mark.django_db
GALLERY = "/gallery/"
FILTERS = "/gallery/filters/"


def jobs_in(form_html: str) -> list[str]:
    return [attribute(field, "value") for field in find_all(form_html, "input", name="job")]


def test_the_batch_filter_is_still_in_the_form_after_the_panel_reloads(
    team: Team, team_client: TeamClient
) -> None:
    client = team_client("viewer")
    query = f"?job={team.job.pk}"
    page = client.get(GALLERY + query).content.decode()
    form = str(find(page, "form", id="gallery-filter"))
    assert jobs_in(form) == [str(team.job.pk)]
    # What htmx does when the panel reloads: the #facets div's content becomes the fragment.
    panel = client.get(FILTERS + query, headers=HTMX).content.decode()
    facets = find(form, "div", id="facets")
    reloaded = form.replace(str(facets), f'<div id="facets">{panel}</div>')
    assert reloaded != form
    assert jobs_in(reloaded) == [str(team.job.pk)]


def test_the_filters_page_without_javascript_keeps_the_batch(
    team: Team, team_client: TeamClient
) -> None:
    page = team_client("viewer").get(f"{FILTERS}?job={team.job.pk}&status=done").content.decode()
    assert jobs_in(str(find(page, "form", role="search"))) == [str(team.job.pk)]


def test_the_results_name_the_batch_with_a_way_to_remove_it(
    team: Team, team_client: TeamClient, editor: Membership
) -> None:
    team.job.name = "Launch day"
    team.job.save()
    other = make_job(editor)
    make_image(other, team.mia)
    page = team_client("viewer").get(f"{GALLERY}?job={team.job.pk}&status=done").content.decode()
    chip = find(page, "p", **{"class": "batch-chip filter-chip"})
    assert text(chip) == "Only the batch Launch day Remove this filter"
    links = find_all(str(chip), "a")
    assert attribute(links[0], "href") == f"/jobs/{team.job.pk}/"
    assert attribute(links[1], "href") == f"{GALLERY}?status=done"
