"""The compare view (gallery.compare, gallery.views.compare): a batch's rows (persona x style) and
columns (models) with each column's totals, one row large with previous and next, tenant
isolation and roles, the query count, and 2-4 portraits compared from a gallery's bulk bar."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from avatarapp.workspaces.models import Membership
from generation.models import Image, Job
from tests.conftest import ROLES, World
from tests.gallery.conftest import Team
from tests.gallery.factories import make_image, make_job
from tests.generation.conftest import make_persona
from tests.personas.conftest import TeamClient

pytestmark = pytest.mark.django_db
GPT, FLUX = "gpt-image-2", "flux-2-pro"


def compare_url(job: Job) -> str:
    return f"/jobs/{job.pk}/compare/"


def row_url(job: Job, number: int) -> str:
    return f"/jobs/{job.pk}/compare/rows/{number}/"


def text(response: Any) -> str:
    """The page as a person reads it: tags dropped, entities decoded, spaces collapsed."""
    assert response.status_code == 200, response.status_code
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def done(job: Job, persona: Any, model_id: str, cost: str, latency_ms: int, **fields: Any) -> Image:
    return make_image(
        job,
        persona,
        model_id=model_id,
        provider="bfl" if model_id == FLUX else "openai",
        actual_usd=Decimal(cost),
        cost_basis="price_table" if model_id == FLUX else "provider_usage",
        latency_ms=latency_ms,
        **fields,
    )


@pytest.fixture
def bake_off(editor: Membership) -> Job:
    """Mia and Leo in Corporate, Mia also in Editorial, by GPT Image 2 and FLUX.2 [pro].
    GPT: 3 portraits, $0.04 + $0.05 + $0.06 = $0.15, 10, 20 and 30 s (mean 20.0 s).
    FLUX: 2 done ($0.03 + $0.05 = $0.08, 4 and 8 s, mean 6.0 s) and Leo's one failed."""
    mia = make_persona(editor, name="Mia Chen")
    leo = make_persona(editor, name="Leo Park")
    job = make_job(editor)
    job.parameters = {
        "persona_ids": [str(mia.pk), str(leo.pk)],
        "style_keys": ["builtin:corporate", "builtin:editorial"],
        "model_ids": [GPT, FLUX],
    }
    job.save()
    editorial = {"style_key": "builtin:editorial", "style_name": "Editorial"}
    # Made out of order on purpose: the page orders by the batch's choices, not by row order.
    done(job, leo, FLUX, "0", 0, status=Image.Status.FAILED, error_message="The key was refused.")
    done(job, mia, FLUX, "0.05", 8000, **editorial)
    done(job, leo, GPT, "0.06", 30000)
    done(job, mia, GPT, "0.04", 10000)
    done(job, mia, GPT, "0.05", 20000, **editorial)
    done(job, mia, FLUX, "0.03", 4000)
    # The failed one was never priced nor timed.
    job.images.filter(status=Image.Status.FAILED).update(actual_usd=None, latency_ms=None)
    return job


def test_rows_columns_and_totals(bake_off: Job, team_client: TeamClient) -> None:
    page = text(team_client("editor").get(compare_url(bake_off)))
    assert "3 rows (persona and style), 2 models" in page
    totals = re.findall(
        r"(GPT Image 2|FLUX\.2 \[pro\]) (\d of \d) ready Cost (\S+) Average time (\S+ s)", page
    )
    assert totals == [
        ("GPT Image 2", "3 of 3", "$0.15", "20.0 s"),
        ("FLUX.2 [pro]", "2 of 3", "$0.08", "6.0 s"),
    ]
    rows = re.findall(r"(\w+ \w+ · \w+) View large", page)
    assert rows == ["Mia Chen · Corporate", "Mia Chen · Editorial", "Leo Park · Corporate"]
    # Each cell: its time and its cost with the cost's basis, or its status in words.
    mia_corporate = page.split("Mia Chen · Corporate View large")[1].split("Mia Chen · Editorial")[
        0
    ]
    assert "GPT Image 2 Time: 10.0 s · Cost: $0.04 (provider-reported)" in mia_corporate
    assert "FLUX.2 [pro] Time: 4.0 s · Cost: $0.03 (price table)" in mia_corporate
    leo = page.split("Leo Park · Corporate View large")[1]
    failed = "FLUX.2 [pro] Failed Time: not measured · Cost: nothing charged The key was refused."
    assert failed in leo


def test_a_row_large_with_previous_and_next(bake_off: Job, team_client: TeamClient) -> None:
    client = team_client("viewer")
    first = client.get(row_url(bake_off, 1))
    page = text(first)
    assert page.count("Mia Chen · Corporate") >= 2
    assert "row 1 of 3" in page
    body = first.content.decode()
    assert f'rel="next" href="{row_url(bake_off, 2)}"' in body
    assert 'rel="prev"' not in body
    assert "js/lightbox.js" in body  # the arrow keys; the links work without it
    last = client.get(row_url(bake_off, 3)).content.decode()
    assert f'rel="prev" href="{row_url(bake_off, 2)}"' in last
    assert 'rel="next"' not in last
    assert "Leo Park · Corporate" in text(client.get(row_url(bake_off, 3)))
    assert client.get(row_url(bake_off, 4)).status_code == 404
    assert client.get(row_url(bake_off, 0)).status_code == 404


def test_the_batch_page_links_to_its_comparison(
    bake_off: Job, editor: Membership, team_client: TeamClient
) -> None:
    client = team_client("editor")
    assert compare_url(bake_off) in client.get(f"/jobs/{bake_off.pk}/").content.decode()

    one_model = make_job(editor)
    make_image(one_model, make_persona(editor, name="Ada Stone"))
    assert "/compare/" not in client.get(f"/jobs/{one_model.pk}/").content.decode()
    page = text(client.get(compare_url(one_model)))
    assert "This batch used one model, so there is nothing to compare side by side." in page


@pytest.mark.parametrize("role", ROLES)
def test_who_may_look(role: str, bake_off: Job, team_client: TeamClient) -> None:
    client = team_client(role)
    for url in (compare_url(bake_off), row_url(bake_off, 1)):
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302
            assert "/accounts/login/" in response["Location"]
        elif role == "outsider":
            assert response.status_code == 404
        else:
            assert response.status_code == 200


def test_queries_do_not_grow_with_the_batch(
    editor: Membership, team_client: TeamClient, django_assert_max_num_queries: Any
) -> None:
    job = make_job(editor)
    client = team_client("editor")

    def grow(personas: int) -> None:
        for n in range(personas):
            persona = make_persona(editor, name=f"Persona {job.images.count()} {n}")
            for model_id in (GPT, FLUX):
                done(job, persona, model_id, "0.01", 1000)

    grow(1)
    with django_assert_max_num_queries(30) as small:
        assert client.get(compare_url(job)).status_code == 200
    grow(12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = text(client.get(compare_url(job)))
    assert "13 rows" in page
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(row_url(job, 13)).status_code == 200


# --- From a gallery's bulk bar -----------------------------------------------------------------

BULK = "/gallery/bulk/"
BACK = "/gallery/?status=done"


def compare_from_gallery(client: Client, world: World, *ids: object, **data: Any) -> Any:
    return client.post(
        BULK,
        {"workspace": world.team.pk, "action": "compare", "next": BACK, "image": ids, **data},
    )


def refused(client: Client, response: Any) -> str:
    assert response.status_code == 302
    assert response["Location"] == BACK
    return html.unescape(client.get(response["Location"]).content.decode())


def test_compare_two_to_four_chosen_portraits(
    world: World, team: Team, team_client: TeamClient
) -> None:
    client = team_client("viewer")  # looking is for every member
    response = compare_from_gallery(client, world, team.mia_done.pk, team.leo_done.pk)
    assert response.status_code == 302
    assert response["Location"].startswith("/gallery/compare/")
    page = client.get(response["Location"])
    words = text(page)
    assert "2 chosen portraits" in words
    # Columns are the chosen portraits' models, in the order they were ticked.
    assert words.index("GPT Image 2") < words.index("FLUX.2 [pro]")
    assert "Mia Chen · Corporate" in words
    assert "Leo Park · Corporate" in words
    assert f"/images/{team.mia_done.pk}/original" in page.content.decode()


@pytest.mark.parametrize(
    ("picked", "message"),
    [
        (1, "Select 2 to 4 portraits to compare (1 selected)."),
        (5, "Select 2 to 4 portraits to compare (5 selected)."),
    ],
)
def test_too_few_or_too_many(
    picked: int, message: str, world: World, editor: Membership, team_client: TeamClient
) -> None:
    job = make_job(editor)
    persona = make_persona(editor, name="Ada Stone")
    ids = [make_image(job, persona).pk for _ in range(picked)]
    client = team_client("editor")
    assert message in refused(client, compare_from_gallery(client, world, *ids))


def test_another_workspaces_or_unknown_portraits_are_refused(
    world: World, team: Team, their_image: Image, team_client: TeamClient
) -> None:
    client = team_client("editor")
    message = "Some of the selected portraits are not in this workspace"
    for other in (their_image.pk, "not-an-id", "00000000-0000-0000-0000-000000000000"):
        response = compare_from_gallery(client, world, team.mia_done.pk, other)
        assert message in refused(client, response)
        # The same words for a hand-edited link, which names the portraits itself.
        link = f"/gallery/compare/?workspace={world.team.pk}&images={team.mia_done.pk},{other}"
        followed = client.get(link, follow=True)
        assert message in html.unescape(followed.content.decode())
        assert "chosen portraits" not in followed.content.decode()


def test_a_link_to_another_workspace_is_not_found(
    world: World, their_image: Image, team: Team, team_client: TeamClient
) -> None:
    client = team_client("editor")
    theirs = their_image.workspace_id
    link = f"/gallery/compare/?workspace={theirs}&images={their_image.pk},{team.mia_done.pk}"
    assert client.get(link).status_code == 404
    assert client.get("/gallery/compare/?workspace=nonsense").status_code == 404
