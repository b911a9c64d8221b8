"""The Costs page and its CSV: the sums on the page, in the CSV and in the ledger agree to the
cent for a month of mixed providers (settled, cancelled, failed, reconciled both ways, still
needing checking); every breakdown adds up; bad choices are refused in plain words; another
workspace's spending never shows; the page's query count does not grow with the images."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from avatarapp.money import usd
from avatarapp.workspaces.models import Workspace
from generation import cost_export, costs
from generation.models import BudgetPeriod, Campaign, CostBasis, Image, LedgerEntry
from tests.conftest import World
from tests.generation.cost_rows import MADE, S, batch, csv_rows, key, release, settle

pytestmark = pytest.mark.django_db

OCTOBER = {"month": "2026-10"}


@pytest.fixture
def month(world: World) -> dict[str, Any]:
    """October 2026 in the team: four providers, two people, two campaigns and none, and every
    way an image's money can end."""
    team = world.team
    spring = Campaign.objects.create(workspace=team, name="Spring launch", created_by=world.owner)
    openai = key(team, "openai", "AbCd")
    bfl = key(team, "bfl", "WxYz")
    personal = key(team, "fal", "Pp99", owner=world.owner)
    first = batch(
        team,
        world.editor,
        [
            ("gpt-image-1", "openai", openai, "Mia Chen", "0.25"),
            ("flux-pro-1.1", "bfl", bfl, "Mia Chen", "0.06"),
            ("flux-pro-1.1", "bfl", bfl, '=HYPERLINK("http://x")', "0.06"),
            ("fal-seedream-4.5", "fal", personal, "Ravi Shah", "0.04"),
            ("builtin", "builtin", None, "Ravi Shah", "0"),
        ],
        campaign=spring,
    )
    second = batch(
        team,
        world.owner,
        [
            ("gpt-image-1", "openai", openai, "Ravi Shah", "0.25"),
            ("gpt-image-1", "openai", openai, "Mia Chen", "0.25"),
            ("gpt-image-1", "openai", openai, "Mia Chen", "0.25"),
            ("flux-pro-1.1", "bfl", bfl, "@Ravi", "0.06"),
            ("flux-pro-1.1", "bfl", bfl, "-Mia", "0.06"),
        ],
        made=MADE + timedelta(days=3),
    )
    settle(first[0], "0.1875", CostBasis.PROVIDER_USAGE)
    settle(first[1], "0.075", CostBasis.PROVIDER_CREDITS)  # above its reservation: overshoot
    settle(first[2], "0.05", CostBasis.PROVIDER_CREDITS)
    release(first[3], S.CANCELLED, "cancelled before any provider call")
    settle(first[4], "0", CostBasis.PRICE_TABLE)
    release(second[0], S.FAILED, "failed: provider")
    # Needs checking, then resolved as billed, and as not billed; one is still unresolved.
    settle(second[1], "0.21", CostBasis.WORKSPACE_PRICE, status=S.NEEDS_RECONCILIATION)
    release(second[2], S.NEEDS_RECONCILIATION, "checked: not billed")
    Image.objects.filter(pk=second[3].pk).update(status=S.NEEDS_RECONCILIATION)
    # Given up for lost (released), then finished after all: charged once, released once.
    release(second[4], S.FAILED, "failed: lost")
    settle(second[4], "0.055", CostBasis.PROVIDER_CREDITS)
    # Another workspace's spending in the same month, and the team's in the next one.
    other = Workspace.objects.filter(memberships__user=world.outsider).first()
    assert other is not None
    settle(batch(other, world.outsider, [("gpt-image-1", "openai", None, "X", "9")])[0], "7", "")
    late = batch(
        team, world.editor, [("gpt-image-1", "openai", openai, "Mia Chen", "0.25")],
        made=datetime(2026, 11, 1, 0, 0, tzinfo=UTC),
    )  # fmt: skip
    settle(late[0], "0.2", CostBasis.PROVIDER_USAGE)
    return {"team": team, "other": other, "first": first, "second": second}


def ledger_sums(team: Workspace) -> tuple[Decimal, Decimal]:
    """October's spent and reserved, from the ledger's lines and from its counters."""
    lines = LedgerEntry.objects.filter(workspace=team, month="2026-10-01")

    def total(kind: str) -> Decimal:
        return lines.filter(kind=kind).aggregate(s=Sum("amount_usd"))["s"] or Decimal(0)

    spent, reserved = total("settlement"), total("reservation") - total("release")
    period = BudgetPeriod.objects.get(workspace=team, month="2026-10-01")
    assert (period.spent_usd, period.reserved_usd) == (spent, reserved)
    return spent, reserved


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"))


def test_page_csv_and_ledger_agree_to_the_cent(month: dict[str, Any], in_team) -> None:
    spent, reserved = ledger_sums(month["team"])
    assert (spent, reserved) == (Decimal("0.5775"), Decimal("0.06"))
    client = in_team("editor")
    html = client.get(reverse("generation:costs"), OCTOBER).content.decode()
    assert f"<dt>Spent</dt><dd>{usd(spent)}</dd>" in html
    assert f"<dt>Reserved</dt><dd>{usd(reserved)}</dd>" in html
    assert "<dt>Images</dt><dd>10</dd>" in html
    rows = csv_rows(client, **OCTOBER)
    assert len(rows) == 10  # every image of the month, none of November's or the other team's
    csv_spent = sum((Decimal(row["actual (USD)"] or 0) for row in rows), Decimal(0))
    assert cents(csv_spent) == cents(spent)
    assert csv_spent == spent
    estimates = sum(Decimal(row["estimate (USD)"]) for row in rows)
    reservations = LedgerEntry.objects.filter(workspace=month["team"], kind="reservation")
    assert estimates == reservations.filter(month="2026-10-01").aggregate(s=Sum("amount_usd"))["s"]


@pytest.mark.parametrize("by", list(costs.BREAKDOWNS))
def test_every_breakdown_adds_up_to_the_ledger(month: dict[str, Any], in_team, by: str) -> None:
    spent, reserved = ledger_sums(month["team"])
    html = in_team("viewer").get(reverse("generation:costs"), {**OCTOBER, "by": by})
    assert html.status_code == 200
    assert 'role="img"' in html.content.decode()
    assert '<caption id="breakdown-caption">' in html.content.decode()
    period = costs.month_period(MADE.date())
    rows = costs.report(month["team"], period, by=by, sort="-spent", viewer_id=0).rows
    assert sum(row.spent for row in rows) == spent
    assert sum(row.reserved for row in rows) == reserved
    assert sum(row.images for row in rows) == 10


def test_breakdowns_name_groups_in_plain_words(month: dict[str, Any], in_team) -> None:
    client = in_team("editor")

    def page(by: str) -> str:
        return client.get(reverse("generation:costs"), {**OCTOBER, "by": by}).content.decode()

    assert "Spring launch" in page("campaign")
    assert "No campaign" in page("campaign")
    assert "Black Forest Labs" in page("provider")
    assert "bob@example.com" in page("person")
    assert "alice@example.com" in page("person")
    keys = page("key")
    assert "openai team, " in keys
    assert "AbCd" in keys
    # The owner's personal key is theirs alone: named for the editor, never shown.
    assert "A teammate&#x27;s personal key" in keys
    assert "Pp99" not in keys
    assert "Pp99" in in_team("owner").get(reverse("generation:costs"), {**OCTOBER, "by": "key"})\
        .content.decode()  # fmt: skip
    # Names are the people's own words: escaped in the table's cells as anywhere.
    personas = page("persona")
    assert "<td>=HYPERLINK(&quot;http://x&quot;)</td>" in personas
    assert "<title>=HYPERLINK(&quot;http://x&quot;): $0.05</title>" in personas  # its bar
    assert "<td>A teammate&#x27;s personal key</td>" in keys
    days = page("day")
    assert "Wed 14 Oct 2026" in days
    assert "Sat 17 Oct 2026" in days
    assert days.count('class="cost-chart-bar"') == 2  # a bar a day with images
    assert "<title>17 Oct 2026: $0.265</title>" in days


def test_sorting_by_each_column(month: dict[str, Any], in_team) -> None:
    period = costs.month_period(MADE.date())
    team = month["team"]

    def labels(sort: str) -> list[str]:
        rows = costs.report(team, period, by="persona", sort=sort, viewer_id=0).rows
        return [row.label for row in rows]

    assert labels("name")[0] == "-Mia"
    assert labels("-name")[0] == "Ravi Shah"
    assert labels("-spent")[0] == "Mia Chen"  # 0.1875 + 0.075 + 0.21
    assert labels("spent")[-1] == "Mia Chen"
    assert labels("-images")[0] == "Mia Chen"
    assert labels("-reserved")[0] == "@Ravi"
    html = in_team("editor").get(reverse("generation:costs"), {**OCTOBER, "sort": "spent"})
    assert 'aria-sort="ascending"' in html.content.decode()


def test_estimates_against_actual_and_overshoot_by_model(month: dict[str, Any], in_team) -> None:
    period = costs.month_period(MADE.date())
    figures = costs.report(month["team"], period, by="model", sort="name", viewer_id=0)
    assert figures.accuracy is not None
    rows = {row.model_id: row for row in figures.accuracy}
    flux = rows["flux-pro-1.1"]
    assert (flux.images, flux.estimate, flux.actual) == (3, Decimal("0.18"), Decimal("0.18"))
    assert (flux.over_images, flux.overshoot) == (1, Decimal("0.015"))
    assert flux.margin == Decimal("1.25")  # 0.075 billed on 0.06 reserved: next estimates x1.25
    assert rows["gpt-image-1"].over_images == 0
    assert rows["gpt-image-1"].margin == 1
    assert rows["gpt-image-1"].ratio == Decimal("0.3975") / Decimal("0.5")
    html = in_team("editor").get(reverse("generation:costs"), OCTOBER).content.decode()
    assert "1 image, $0.015 over" in html
    assert "raised to 125% of the list price" in html
    assert "80%" in html
    # A model's estimates are a table by model: other breakdowns point to it, and skip its pass.
    assert costs.report(month["team"], period, by="persona", sort="name", viewer_id=0).accuracy \
        is None  # fmt: skip
    by_day = in_team("editor").get(reverse("generation:costs"), {**OCTOBER, "by": "day"})
    assert "Estimates and what images cost" not in by_day.content.decode()
    assert 'is shown <a href="?month=2026-10&amp;by=model">by model</a>' in by_day.content.decode()


def test_csv_escapes_formulas_and_masks_keys(month: dict[str, Any], in_team) -> None:
    rows = csv_rows(in_team("editor"), **OCTOBER)
    personas = {row["persona"] for row in rows}
    assert {'\'=HYPERLINK("http://x")', "'@Ravi", "'-Mia", "Mia Chen"} <= personas
    keys = {row["key"] for row in rows}
    assert "openai team, sk-…AbCd" in keys
    assert "A teammate's personal key" in keys
    # The first batch's GPT Image image: the only one in a campaign with the OpenAI key.
    first = next(row for row in rows if row["campaign"] and row["key"].startswith("openai"))
    assert first["persona"] == "Mia Chen"
    assert first["person"] == "bob@example.com"
    assert first["cost basis"] == "provider-reported"
    assert first["model"] != "gpt-image-1"
    assert {row["status"] for row in rows} >= {"Done", "Cancelled", "Failed", "Needs checking"}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-10-20", "end": "2026-10-01"}, "The end date is before the start date"),
        ({"start": "2024-01-01", "end": "2026-01-01"}, "at most 24 months"),
        ({"start": "2026-10-01"}, "Pick both a start and an end date"),
        ({"start": "yesterday", "end": "2026-10-01"}, "Enter a valid date"),
        ({"month": "October"}, "Pick a month, like 2026-11"),
        ({"month": "2026-13"}, "Pick a month, like 2026-11"),
        ({**OCTOBER, "by": "colour"}, "broken down by model, provider, key, person"),
        ({**OCTOBER, "sort": "price"}, "sorted by name, images, spent or reserved"),
    ],
)
def test_bad_choices_are_refused_in_plain_words(
    month: dict[str, Any], in_team, params: dict[str, str], message: str
) -> None:
    client = in_team("editor")
    page = client.get(reverse("generation:costs"), params)
    assert page.status_code == 400
    assert message in page.content.decode()
    assert "<dt>Spent</dt>" not in page.content.decode()
    download = client.get(reverse("generation:costs_csv"), params)
    assert download.status_code == 400
    assert message in download.content.decode()


def test_twenty_four_months_is_allowed(month: dict[str, Any], in_team) -> None:
    params = {"start": "2025-11-01", "end": "2027-10-31"}
    response = in_team("editor").get(reverse("generation:costs"), params)
    assert response.status_code == 200
    assert f"<dt>Spent</dt><dd>{usd(Decimal('0.7775'))}</dd>" in response.content.decode()
    assert len(csv_rows(in_team("editor"), **params)) == 11


def test_another_workspace_sees_none_of_it(month: dict[str, Any], client_as) -> None:
    client = client_as("outsider")
    client.post(reverse("workspaces:switch", args=[month["other"].pk]))  # spent $7 in October
    html = client.get(reverse("generation:costs"), {**OCTOBER, "by": "campaign"}).content.decode()
    assert "<dt>Spent</dt><dd>$7.00</dd>" in html
    assert "Spring launch" not in html
    rows = csv_rows(client, **OCTOBER)
    assert [row["persona"] for row in rows] == ["X"]
    assert client_as("anonymous").get(reverse("generation:costs_csv")).status_code == 302


@pytest.mark.parametrize("by", list(costs.BREAKDOWNS))
def test_query_count_does_not_grow_with_the_images(
    world: World, month: dict[str, Any], in_team, by: str
) -> None:
    client = in_team("editor")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("generation:costs"), {**OCTOBER, "by": by}).status_code == 200
        return len(captured)

    before = queries()
    others = [key(world.team, "openai", f"K{n:03}") for n in range(3)]
    people = [world.viewer, world.admin]
    for number in range(6):
        spring = Campaign.objects.create(workspace=world.team, name=f"Campaign {number}")
        items = [
            ("gpt-image-1", "openai", others[n % 3], f"Persona {number}-{n}", "0.25")
            for n in range(5)
        ]
        made = MADE + timedelta(days=number + 5)
        for image in batch(world.team, people[number % 2], items, campaign=spring, made=made):
            settle(image, "0.2", CostBasis.PROVIDER_USAGE)
    assert queries() == before


def test_the_csv_reads_in_chunks_without_losing_or_repeating_an_image(
    month: dict[str, Any], in_team, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks of 2 then 3 images, across batches whose images share one created_at: every
    image of the period once, oldest first, as when it is read at once."""
    client = in_team("editor")
    whole = csv_rows(client, **OCTOBER)
    monkeypatch.setattr(cost_export, "FIRST_CHUNK", 2)
    monkeypatch.setattr(cost_export, "CHUNK", 3)
    chunked = csv_rows(client, **OCTOBER)
    assert len(whole) == 10
    assert chunked == whole
    assert [row["time"] for row in chunked] == sorted(row["time"] for row in chunked)
    made = Image.objects.filter(workspace=month["team"], created_at__month=10)
    assert made.values("created_at").distinct().count() < len(chunked)  # ties to break


def test_an_image_priced_then_lost_while_storing_shows_nothing_charged(
    world: World, in_team
) -> None:
    """The pipeline writes the provider's price when the answer comes (storing), before the
    settlement; an image that then fails is released, uncharged. The CSV says what the ledger
    charged, so its sum stays the ledger's."""
    openai = key(world.team, "openai", "AbCd")
    kept, lost = batch(
        world.team,
        world.editor,
        [
            ("gpt-image-1", "openai", openai, "Mia Chen", "0.25"),
            ("gpt-image-1", "openai", openai, "Ravi Shah", "0.25"),
        ],
    )
    settle(kept, "0.19", CostBasis.PROVIDER_USAGE)
    priced = {"actual_usd": Decimal("0.19"), "cost_basis": CostBasis.PROVIDER_USAGE}
    Image.objects.filter(pk=lost.pk).update(status=S.STORING, **priced)
    release(lost, S.FAILED, "failed: storage")
    rows = {row["persona"]: row for row in csv_rows(in_team("editor"), **OCTOBER)}
    assert (rows["Mia Chen"]["actual (USD)"], rows["Mia Chen"]["cost basis"]) == (
        "0.19",
        "provider-reported",
    )
    assert (rows["Ravi Shah"]["actual (USD)"], rows["Ravi Shah"]["cost basis"]) == ("", "")
    spent, _ = ledger_sums(world.team)
    assert sum(Decimal(row["actual (USD)"] or 0) for row in rows.values()) == spent


def test_the_migration_mirrors_the_lines_written_before_it(month: dict[str, Any]) -> None:
    """Migration 0017 fills held_usd and charged_usd from the lines alone: what it writes for
    every way an image's money can end is what the ledger keeps from then on."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("generation.migrations.0017_image_ledger_mirror")
    kept = dict(Image.objects.values_list("pk", "held_usd"))
    charged = dict(Image.objects.values_list("pk", "charged_usd"))
    assert set(kept.values()) == {Decimal(0), Decimal("0.06")}  # released, still held
    assert None in charged.values()  # not settled
    assert Decimal("0.055") in charged.values()
    Image.objects.update(held_usd=None, charged_usd=None)
    migration.copy_lines_to_images(apps, connection.schema_editor())
    assert dict(Image.objects.values_list("pk", "held_usd")) == kept
    assert dict(Image.objects.values_list("pk", "charged_usd")) == charged
