"""The gallery and the batches history filtered by campaign (`?campaign=<id>`): only that
campaign's batches and portraits; the filter panel lists the workspace's campaigns with counts;
another workspace's campaign is left out with a sentence, and the page shows everything."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.utils.html import escape

from avatarapp.workspaces.models import Membership
from gallery.facets import facets
from gallery.query import GalleryFilter
from generation import campaigns
from generation.models import Campaign, Image, Job
from tests.gallery.conftest import HTMX, Team
from tests.gallery.factories import make_image, make_job
from tests.markup import attribute, find, find_all, text
from tests.personas.conftest import TeamClient

pytestmark = pytest.mark.django_db
GALLERY = "/gallery/"
JOBS = "/jobs/"


@pytest.fixture
def spring(team: Team, editor: Membership) -> Campaign:
    """Spring launch holds the team's batch (four images, one failed)."""
    campaign = Campaign.objects.create(workspace_id=editor.workspace_id, name="Spring launch")
    team.job.campaign = campaign
    team.job.name = "Launch portraits"
    team.job.save()
    return campaign


@pytest.fixture
def other_batch(team: Team, editor: Membership) -> Image:
    """A batch in no campaign, with one portrait of Leo."""
    job = make_job(editor)
    job.name = "Loose batch"
    job.save()
    return make_image(job, team.leo)


@pytest.fixture
def theirs(outsider: Membership, their_image: Image) -> Campaign:
    campaign = Campaign.objects.create(workspace_id=outsider.workspace_id, name="Their launch")
    Job.objects.filter(pk=their_image.job_id).update(campaign=campaign)
    return campaign


def cards(page: str) -> set[str]:
    return {attribute(box, "value") for box in find_all(page, "input", name="image")}


def test_the_gallery_shows_only_the_campaigns_portraits(
    team: Team, team_client: TeamClient, spring: Campaign, other_batch: Image
) -> None:
    page = team_client("viewer").get(f"{GALLERY}?campaign={spring.pk}").content.decode()
    assert cards(page) == {
        str(i.pk) for i in (team.mia_done, team.mia_failed, team.leo_done, team.mia_newest)
    }
    # The filter rides in the form until the panel arrives (and for good without JavaScript).
    form = str(find(page, "form", id="gallery-filter"))
    assert [attribute(f, "value") for f in find_all(form, "input", name="campaign")] == [
        str(spring.pk)
    ]


def test_the_panel_lists_the_workspaces_campaigns_with_counts(
    team: Team,
    team_client: TeamClient,
    editor: Membership,
    spring: Campaign,
    other_batch: Image,
    theirs: Campaign,
) -> None:
    counted = facets(GalleryFilter.from_query(QueryDict(""), editor), editor)
    assert [(v.label, v.count, v.selected) for v in counted["campaign"]] == [
        ("Spring launch", 4, False)
    ]
    panel = team_client("viewer").get(f"{GALLERY}filters/?campaign={spring.pk}", headers=HTMX)
    box = find(panel.content.decode(), "input", name="campaign")
    assert attribute(box, "value") == str(spring.pk)
    assert "checked" in dict(box.attributes)


def test_another_workspaces_campaign_is_left_out_with_a_sentence(
    team: Team, team_client: TeamClient, other_batch: Image, theirs: Campaign
) -> None:
    page = team_client("viewer").get(f"{GALLERY}?campaign={theirs.pk}").content.decode()
    assert escape(campaigns.LEFT_OUT) in page
    assert str(other_batch.pk) in cards(page)  # everything of this workspace, nothing of theirs
    assert len(cards(page)) == 5


def test_the_batches_history_by_campaign(
    team: Team, team_client: TeamClient, spring: Campaign, other_batch: Image, theirs: Campaign
) -> None:
    client = team_client("viewer")
    every = client.get(JOBS).content.decode()
    titles = [text(h) for h in find_all(every, "h2")]
    assert titles == ["Loose batch", "Launch portraits"]
    options = find_all(str(find(every, "select", name="campaign")), "option")
    assert [text(o) for o in options] == ["Every batch", "Spring launch"]

    only = client.get(f"{JOBS}?campaign={spring.pk}").content.decode()
    assert [text(h) for h in find_all(only, "h2")] == ["Launch portraits"]
    assert "Campaign: Spring launch" in text(find(only, "p", **{"class": "batch-campaign"}))

    foreign = client.get(f"{JOBS}?campaign={theirs.pk}").content.decode()
    assert escape(campaigns.LEFT_OUT) in foreign
    assert [text(h) for h in find_all(foreign, "h2")] == titles
