"""Campaigns (issue 19, item 1): a batch is given one of the workspace's campaigns, or a new one
typed on Generate; another workspace's campaign, names over 80 characters and a name already
taken (in any case) get a sentence and change nothing; the Campaigns page renames and deletes;
the Costs page's totals narrow to one campaign."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from avatarapp.workspaces.models import Membership
from generation import campaigns, ledger, services
from generation.models import Budget, Campaign, Job
from personas.models import Persona
from tests.conftest import World
from tests.gallery.factories import make_image, make_job
from tests.generation.conftest import generate_form, make_persona
from tests.generation.cost_rows import csv_rows
from tests.keys.factories import outsider_membership, store_key
from tests.markup import attribute, find, find_all, text

pytestmark = pytest.mark.django_db
GENERATE = reverse("generation:generate")
CAMPAIGNS = reverse("generation:campaigns")
LONG = "x" * 81


@pytest.fixture
def editor(world: World) -> Membership:
    return world.membership("editor")


@pytest.fixture
def theirs(world: World) -> Campaign:
    """A campaign of the other workspace."""
    other = outsider_membership(world)
    return Campaign.objects.create(workspace_id=other.workspace_id, name="Their launch")


@pytest.fixture
def spring(world: World) -> Campaign:
    return Campaign.objects.create(workspace=world.team, name="Spring Launch", client_name="Acme")


def builtin_batch(
    persona: Persona,
    campaign_id: str = "",
    new_campaign: str = "",
    new_campaign_client: str = "",
    model: str = "builtin",
) -> services.BatchRequest:
    return services.BatchRequest(
        [str(persona.pk)],
        ["builtin:corporate"],
        [model],
        1,
        "1:1",
        "1K",
        "low",
        campaign_id=campaign_id,
        new_campaign=new_campaign,
        new_campaign_client=new_campaign_client,
    )


def refusal(membership: Membership, request: services.BatchRequest) -> services.SubmitError:
    before = Campaign.objects.count()
    with pytest.raises(services.SubmitError) as caught:
        services.batch_submit(membership=membership, batch=request)
    assert not Job.objects.exists()
    assert Campaign.objects.count() == before
    return caught.value


# --- The service ----------------------------------------------------------------------------


def test_a_new_campaign_is_made_with_the_batch(editor: Membership) -> None:
    request = builtin_batch(
        make_persona(editor), new_campaign="  Spring   launch ", new_campaign_client="Acme"
    )
    job = services.batch_submit(membership=editor, batch=request)
    job.refresh_from_db()
    assert job.campaign is not None
    assert (job.campaign.name, job.campaign.client_name) == ("Spring launch", "Acme")
    assert (job.campaign.workspace_id, job.campaign.created_by) == (
        editor.workspace_id,
        editor.user,
    )


def test_a_chosen_campaign_is_kept_on_the_batch(editor: Membership, spring: Campaign) -> None:
    job = services.batch_submit(
        membership=editor, batch=builtin_batch(make_persona(editor), campaign_id=str(spring.pk))
    )
    job.refresh_from_db()
    assert job.campaign == spring


def test_typing_an_existing_name_in_another_case_uses_that_campaign(
    editor: Membership, spring: Campaign
) -> None:
    request = builtin_batch(make_persona(editor), new_campaign="spring LAUNCH")
    job = services.batch_submit(membership=editor, batch=request)
    job.refresh_from_db()
    assert job.campaign == spring
    assert Campaign.objects.filter(workspace=spring.workspace).count() == 1


@pytest.mark.parametrize("which", ["theirs", "unknown", "unreadable"])
def test_a_campaign_not_of_this_workspace_is_refused(
    editor: Membership, theirs: Campaign, which: str
) -> None:
    campaign_id = {"theirs": str(theirs.pk), "unknown": str(Job().pk), "unreadable": "abc"}[which]
    error = refusal(editor, builtin_batch(make_persona(editor), campaign_id=campaign_id))
    assert str(error) == campaigns.NOT_HERE
    assert error.field == "campaign_id"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"new_campaign": LONG}, "A campaign name has at most 80 characters."),
        ({"new_campaign": "Ok", "new_campaign_client": LONG}, "A client name has at most 80"),
        ({"new_campaign_client": "Acme"}, "A client name needs a campaign name too."),
    ],
)
def test_bad_new_campaigns_are_refused(
    editor: Membership, fields: dict[str, str], message: str
) -> None:
    assert message in str(refusal(editor, builtin_batch(make_persona(editor), **fields)))


def test_choosing_one_and_typing_another_is_refused(editor: Membership, spring: Campaign) -> None:
    request = builtin_batch(make_persona(editor), campaign_id=str(spring.pk), new_campaign="New")
    assert str(refusal(editor, request)) == campaigns.BOTH_CHOSEN


def test_a_new_name_taken_meanwhile_uses_the_campaign_that_took_it(
    editor: Membership, spring: Campaign
) -> None:
    """Two batches naming the same new campaign at once: the second to write reads the first's
    row (the unique index refuses a twin) instead of failing the batch."""
    choice = campaigns.CampaignChoice(new_name="spring launch")
    assert campaigns.for_batch(choice, editor) == spring
    assert Campaign.objects.filter(workspace=spring.workspace).count() == 1


def test_a_batch_refused_by_the_budget_leaves_no_new_campaign(
    world: World, editor: Membership
) -> None:
    store_key(world.membership("owner"))
    Budget.objects.create(workspace=world.team, monthly_cap_usd=Decimal("0"))
    request = builtin_batch(make_persona(editor), new_campaign="Autumn", model="gpt-image-2")
    assert "budget" in str(refusal(editor, request))


# --- The Generate page -----------------------------------------------------------------------


@pytest.fixture
def editor_client(in_team: Callable[[str], Client]) -> Client:
    return in_team("editor")


def test_the_page_offers_only_this_workspaces_campaigns(
    editor_client: Client, editor: Membership, spring: Campaign, theirs: Campaign
) -> None:
    make_persona(editor)
    page = editor_client.get(GENERATE).content.decode()
    options = [text(o) for o in find_all(str(find(page, "select", name="campaign")), "option")]
    assert options == ["No campaign", "Spring Launch · Acme"]
    assert find(page, "input", name="new_campaign")  # works without JavaScript


def test_generate_with_a_new_campaign(editor_client: Client, editor: Membership) -> None:
    data = generate_form(make_persona(editor), new_campaign="Summer", new_campaign_client="Beta")
    estimate = editor_client.post(reverse("generation:estimate"), data).content.decode()
    assert "in the new campaign “Summer”" in estimate
    response = editor_client.post(GENERATE, data)
    job = Job.objects.select_related("campaign").get()
    assert response.status_code == 302
    assert job.campaign is not None
    assert (job.campaign.name, job.campaign.client_name) == ("Summer", "Beta")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"campaign": "THEIRS"}, campaigns.NOT_HERE),
        ({"new_campaign": LONG}, campaigns.NAME_TOO_LONG),
    ],
)
def test_generate_refuses_a_bad_campaign_and_writes_nothing(
    editor_client: Client,
    editor: Membership,
    theirs: Campaign,
    fields: dict[str, str],
    message: str,
) -> None:
    fields = {name: str(theirs.pk) if v == "THEIRS" else v for name, v in fields.items()}
    data = generate_form(make_persona(editor), **fields)
    response = editor_client.post(GENERATE, data)
    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    estimate = editor_client.post(reverse("generation:estimate"), data).content.decode()
    assert escape(message) in estimate
    assert not Job.objects.exists()
    assert list(Campaign.objects.values_list("name", flat=True)) == ["Their launch"]


def test_reuse_these_settings_carries_the_campaign(
    editor_client: Client, editor: Membership, spring: Campaign, theirs: Campaign
) -> None:
    persona = make_persona(editor)
    job = make_job(editor)
    job.campaign = spring
    job.save()
    image = make_image(job, persona, model_id="builtin", provider="builtin")
    image_page = editor_client.get(reverse("gallery:image", args=[image.pk])).content.decode()
    reuse = next(a for a in find_all(image_page, "a") if text(a) == "Reuse these settings")
    href = attribute(reuse, "href")
    assert f"campaign={spring.pk}" in href
    page = editor_client.get(href).content.decode()
    options = find_all(str(find(page, "select", name="campaign")), "option")
    assert [text(o) for o in options if "selected" in dict(o.attributes)] == [
        "Spring Launch · Acme"
    ]
    # A link naming another workspace's campaign: left out, with a sentence.
    foreign = editor_client.get(f"{GENERATE}?persona={persona.pk}&campaign={theirs.pk}")
    assert "The campaign in that link is not in this workspace" in foreign.content.decode()


# --- The Campaigns page ----------------------------------------------------------------------


def test_the_list_shows_this_workspaces_campaigns_with_their_batches(
    editor_client: Client, editor: Membership, spring: Campaign, theirs: Campaign
) -> None:
    for _ in range(2):
        Job.objects.create(workspace_id=editor.workspace_id, campaign=spring)
    page = editor_client.get(CAMPAIGNS).content.decode()
    card = find(page, "li", id=f"campaign-{spring.pk}")
    assert text(find(str(card), "h2")) == "Spring Launch · Acme"
    assert "2 batches" in text(card)
    assert "Their launch" not in page


def test_rename_and_refusals(
    editor_client: Client, world: World, spring: Campaign, theirs: Campaign
) -> None:
    Campaign.objects.create(workspace=world.team, name="Autumn")
    edit = reverse("generation:campaign_edit", args=[spring.pk])
    prefix = f"c{spring.pk.hex[:12]}"
    for name, message in [
        ("autumn", "There is already a campaign called “Autumn”."),
        (LONG, campaigns.NAME_TOO_LONG),
        ("  ", campaigns.NAME_NEEDED),
    ]:
        response = editor_client.post(edit, {f"{prefix}-name": name})
        assert response.status_code == 400
        assert escape(message) in response.content.decode()
        spring.refresh_from_db()
        assert (spring.name, spring.client_name) == ("Spring Launch", "Acme")
    response = editor_client.post(
        edit, {f"{prefix}-name": "Spring launch 2027", f"{prefix}-client_name": ""}
    )
    assert response.status_code == 302
    spring.refresh_from_db()
    assert (spring.name, spring.client_name) == ("Spring launch 2027", "")
    # Another workspace's campaign is not found.
    theirs_edit = reverse("generation:campaign_edit", args=[theirs.pk])
    assert (
        editor_client.post(theirs_edit, {f"c{theirs.pk.hex[:12]}-name": "Mine"}).status_code == 404
    )
    theirs.refresh_from_db()
    assert theirs.name == "Their launch"


def test_viewers_see_the_list_without_its_forms(
    in_team: Callable[[str], Client], spring: Campaign
) -> None:
    page = in_team("viewer").get(CAMPAIGNS).content.decode()
    assert "Spring Launch" in page
    assert not find_all(page, "form", method="post", action=f"{CAMPAIGNS}{spring.pk}/")


def test_delete_keeps_the_batches_in_no_campaign(
    editor_client: Client, in_team: Callable[[str], Client], editor: Membership, spring: Campaign
) -> None:
    job = Job.objects.create(workspace_id=editor.workspace_id, campaign=spring)
    delete = reverse("generation:campaign_delete", args=[spring.pk])
    assert in_team("viewer").post(delete).status_code == 403
    assert Campaign.objects.filter(pk=spring.pk).exists()
    assert editor_client.post(delete).status_code == 302
    assert not Campaign.objects.filter(pk=spring.pk).exists()
    job.refresh_from_db()
    assert job.campaign is None


def test_outsiders_cannot_delete(client_as: Callable[[str], Client], spring: Campaign) -> None:
    response = client_as("outsider").post(reverse("generation:campaign_delete", args=[spring.pk]))
    assert response.status_code == 404
    assert Campaign.objects.filter(pk=spring.pk).exists()


# --- The Costs page's campaign filter -------------------------------------------------------


def _spent(membership: Membership, amount: str, campaign: Campaign | None = None) -> None:
    """An image of `campaign` (or none) that cost `amount`, reserved and settled by the ledger."""
    job = make_job(membership)
    job.campaign = campaign
    job.save()
    persona = make_persona(membership, name=f"P {amount}")
    image = make_image(job, persona, model_id="gpt-image-2", estimated_usd=Decimal(amount))
    ledger.reserve([image])
    ledger.settle(image, Decimal(amount), rule="test", as_of=date.today())


def spent_row(page: str) -> str:
    return text(find(page, "tbody"))


def test_costs_narrow_to_a_campaign(
    in_team: Callable[[str], Client], editor: Membership, spring: Campaign, theirs: Campaign
) -> None:
    _spent(editor, "0.25", spring)
    _spent(editor, "0.50")
    client = in_team("viewer")
    costs = reverse("generation:costs")
    assert spent_row(client.get(costs).content.decode()) == "GPT Image 2 2 $0.75 $0"
    assert (
        spent_row(client.get(f"{costs}?campaign={spring.pk}").content.decode())
        == "GPT Image 2 1 $0.25 $0"
    )


def test_the_costs_csv_of_a_campaign_has_its_images_only(
    in_team: Callable[[str], Client], editor: Membership, spring: Campaign
) -> None:
    _spent(editor, "0.25", spring)
    _spent(editor, "0.50")
    rows = csv_rows(in_team("viewer"), campaign=str(spring.pk))
    assert [(row["campaign"], row["persona"]) for row in rows] == [("Spring Launch", "P 0.25")]


@pytest.mark.parametrize("name", ["generation:costs", "generation:costs_csv"])
def test_costs_refuse_another_workspaces_campaign(
    in_team: Callable[[str], Client], editor: Membership, theirs: Campaign, name: str
) -> None:
    """Whole-workspace figures under another campaign's id would mislead: refused, said why."""
    _spent(editor, "0.50")
    response = in_team("viewer").get(f"{reverse(name)}?campaign={theirs.pk}")
    page = response.content.decode()
    assert response.status_code == 400
    assert escape(campaigns.NOT_HERE) in page
    assert 'id="totals-title"' not in page  # no figures (the budget line is the workspace's)
    assert "text/csv" not in response["Content-Type"]


def is_open(page: str) -> bool:
    (choice,) = [
        details
        for details in find_all(page, "details")
        if "campaign-choice" in attribute(details, "class").split()
    ]
    return "open" in dict(choice.attributes)


def test_generate_folds_the_campaign_choice_until_the_workspace_has_campaigns(
    in_team: Callable[[str], Client], editor: Membership
) -> None:
    """One Tab stop for a workspace that never uses campaigns; unfolded once it has one."""
    make_persona(editor)
    client = in_team("editor")
    page = client.get(reverse("generation:generate")).content.decode()
    assert not is_open(page)
    assert "Or a new campaign" not in page
    assert 'name="campaign"' not in page  # no list holding only "No campaign"
    Campaign.objects.create(workspace_id=editor.workspace_id, name="Spring")
    page = client.get(reverse("generation:generate")).content.decode()
    assert is_open(page)
    assert "Or a new campaign" in page
