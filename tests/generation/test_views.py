"""Generate, job and cost pages x every role; another workspace's ids are 404 (the image page is
gallery's: tests/gallery/test_lightbox.py)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from PIL import Image as PillowImage

from generation import ledger, pipeline, services
from generation.cancellation import image_cancel
from generation.models import Budget, Image, Job
from generation.storage import THUMBNAIL_SIDE
from tests.conftest import ROLES, World
from tests.generation.conftest import make_persona, submit_builtin
from tests.markup import find, text
from tests.served import served_bytes

MEMBERS = {"owner", "admin", "editor", "viewer"}
EDITORS = {"owner", "admin", "editor"}


@pytest.fixture
def job(world: World) -> Job:
    return submit_builtin(world.membership("editor"), count=2)


def _expect(response: Any, role: str, allowed: set[str], ok: int = 200) -> bool:
    if role == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
        return False
    if role == "outsider":
        assert response.status_code == 404
        return False
    if role not in allowed:
        assert response.status_code == 403
        return False
    assert response.status_code == ok
    return True


@pytest.mark.parametrize("role", ROLES)
def test_job_page_and_cards(role: str, world: World, job: Job, client_as) -> None:
    client = client_as(role)
    if _expect(client.get(reverse("generation:job", args=[job.pk])), role, MEMBERS):
        page = client.get(reverse("generation:job", args=[job.pk])).content.decode()
        assert page.count('class="image-card') == 2
        assert 'hx-trigger="every 2s"' in page  # queued cards poll themselves
        assert ("Cancel" in page) == (role in EDITORS)
    image = job.images.first()
    assert image is not None
    _expect(client.get(reverse("generation:image_card", args=[image.pk])), role, MEMBERS)
    _expect(client.get(reverse("generation:job_progress", args=[job.pk])), role, MEMBERS)


@pytest.mark.parametrize("role", ROLES)
def test_cancel(role: str, world: World, job: Job, client_as) -> None:
    image = job.images.first()
    assert image is not None
    response = client_as(role).post(reverse("generation:image_cancel", args=[image.pk]))
    cancelled = _expect(response, role, EDITORS, ok=302)
    image.refresh_from_db()
    assert (image.status == "cancelled") is cancelled


@pytest.mark.parametrize("role", ROLES)
def test_retry(role: str, world: World, job: Job, client_as) -> None:
    image = job.images.first()
    assert image is not None
    image_cancel(membership=world.membership("editor"), image=image)
    response = client_as(role).post(reverse("generation:image_retry", args=[image.pk]))
    retried = _expect(response, role, EDITORS, ok=302)
    assert Image.objects.filter(retry_of=image).exists() is retried


def test_a_terminal_card_stops_polling(world: World, job: Job, client_as) -> None:
    image = job.images.first()
    assert image is not None
    pipeline.run_image(image.pk)  # the built-in renderer, in this process
    card = client_as("viewer").get(reverse("generation:image_card", args=[image.pk]))
    html = card.content.decode()
    assert "every 2s" not in html
    assert reverse("generation:image_file", args=[image.pk, "thumbnail"]) in html
    thumb = client_as("viewer").get(reverse("generation:image_file", args=[image.pk, "thumbnail"]))
    with PillowImage.open(io.BytesIO(served_bytes(thumb))) as picture:
        # The built-in renderer's square portrait, scaled down to the thumbnail's side.
        assert (picture.format, picture.size) == ("WEBP", (THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    assert (
        client_as("outsider")
        .get(reverse("generation:image_file", args=[image.pk, "original"]))
        .status_code
        == 404
    )


@pytest.mark.parametrize("role", ROLES)
def test_generate_page(role: str, world: World, client_as) -> None:
    make_persona(world.membership("editor"))
    client = client_as(role)
    if role in MEMBERS:
        client.post(reverse("workspaces:switch", args=[world.team.pk]))
    response = client.get(reverse("generation:generate"))
    if role == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    html = response.content.decode()
    if role == "outsider":  # their own current workspace, where there is no persona
        assert "Create a persona first" in html
    elif role == "viewer":
        # One note and a way to the gallery, not a form they cannot submit.
        assert html.count("Viewers can browse the gallery; ask an editor to generate") == 1
        assert f'<a class="button" href="{reverse("gallery:gallery")}">Open the gallery</a>' in html
        assert 'name="personas"' not in html
        assert "Generating needs the editor role" not in html
    else:
        assert "Mia Chen" in html
        assert "Generating needs the editor role" not in html


def test_estimate_shows_count_cost_keys_and_budget(world: World, client_as) -> None:
    persona = make_persona(world.membership("editor"))
    Budget.objects.create(workspace=world.team, monthly_cap_usd=Decimal("5"))
    client = client_as("editor")
    client.post(reverse("workspaces:switch", args=[world.team.pk]))
    data = {
        "personas": [str(persona.pk)],
        "styles": ["builtin:corporate", "builtin:editorial"],
        "models": ["builtin"],
        "per_combination": "2",
        "aspect_ratio": "1:1",
        "resolution": "1K",
        "quality": "low",
    }
    html = client.post(reverse("generation:estimate"), data).content.decode()
    sentence = "4 portraits, free, about 1 s; Mia Chen with the built-in renderer."
    assert text(find(html, "p", **{"class": "estimate-sentence"})) == sentence
    assert "$5.00" in html
    response = client.post(reverse("generation:generate"), data)
    job = Job.objects.get()
    assert response["Location"] == reverse("generation:job", args=[job.pk])
    assert job.images.count() == 4


def test_submit_refusal_is_shown_and_writes_nothing(world: World, client_as) -> None:
    persona = make_persona(world.membership("editor"))
    client = client_as("editor")
    client.post(reverse("workspaces:switch", args=[world.team.pk]))
    data = {
        "personas": [str(persona.pk)],
        "styles": ["builtin:corporate"],
        "models": ["gpt-image-2"],
        "per_combination": "1",
        "aspect_ratio": "1:1",
        "resolution": "1K",
        "quality": "low",
    }
    html = client.post(reverse("generation:generate"), data).content.decode()
    assert "no usable OpenAI key" in html
    assert not Job.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_budget_form(role: str, world: World, client_as) -> None:
    client = client_as(role)
    if role not in ("anonymous", "outsider"):
        client.post(reverse("workspaces:switch", args=[world.team.pk]))
    response = client.post(reverse("generation:costs"), {"monthly_cap_usd": "25"})
    if role == "anonymous":
        assert response.status_code == 302
        return
    saved = Budget.objects.filter(workspace=world.team, monthly_cap_usd=Decimal("25")).exists()
    if role == "outsider":  # it lands on their own workspace, never on the team's
        assert not saved
    elif role in ("owner", "admin"):
        assert response.status_code == 302
        assert saved
        assert ledger.monthly_cap(world.team) == Decimal("25")
    else:
        assert response.status_code == 403
        assert not saved


def test_negative_budget_is_refused(world: World, client_as) -> None:
    client = client_as("owner")
    client.post(reverse("workspaces:switch", args=[world.team.pk]))
    html = client.post(reverse("generation:costs"), {"monthly_cap_usd": "-3"}).content.decode()
    assert "greater than or equal to 0" in html
    assert not Budget.objects.exists()


def test_persona_cards_show_the_latest_generated_portrait(world: World, client_as) -> None:
    editor = world.membership("editor")
    persona = make_persona(editor)
    client = client_as("viewer")
    client.post(reverse("workspaces:switch", args=[world.team.pk]))
    assert (
        f"/personas/{persona.pk}/portrait.png"
        in client.get(reverse("personas:list")).content.decode()
    )
    batch = services.BatchRequest(
        [str(persona.pk)], ["builtin:corporate"], ["builtin"], 1, "1:1", "1K", "low"
    )
    image = services.batch_submit(membership=editor, batch=batch).images.get()
    pipeline.run_image(image.pk)
    html = client.get(reverse("personas:list")).content.decode()
    assert reverse("generation:image_file", args=[image.pk, "thumbnail"]) in html


def test_each_key_shows_its_spend_this_month(world: World, providers, client_as) -> None:
    from tests.generation.conftest import add_keys

    keys = add_keys(world.membership("owner"))
    editor = world.membership("editor")
    persona = make_persona(editor)
    batch = services.BatchRequest(
        [str(persona.pk)], ["builtin:corporate"], ["gpt-image-2"], 2, "1:1", "1K", "low"
    )
    for image in services.batch_submit(membership=editor, batch=batch).images.all():
        pipeline.run_image(image.pk)
    spent = sum(i.actual_usd or Decimal(0) for i in Image.objects.all())
    assert spent > 0
    page = client_as("admin").get(reverse("keys:workspace", args=[world.team.pk])).content.decode()
    card = page[page.index(f'id="key-{keys["openai"].pk}"') :]
    assert f"Spent this month</dt><dd>${spent:.4f}" in card


def test_progress_polls_cost_the_same_queries_however_big_the_job(world: World, client_as) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    editor = world.membership("editor")
    persona = make_persona(editor)
    client = client_as("viewer")
    counts = []
    for per_combination in (1, 4):
        batch = services.BatchRequest(
            [str(persona.pk)], ["builtin:corporate", "builtin:editorial"], ["builtin"],
            per_combination, "1:1", "1K", "low",
        )  # fmt: skip
        job = services.batch_submit(membership=editor, batch=batch)
        client.get(reverse("generation:job_progress", args=[job.pk]))  # session warm-up
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("generation:job_progress", args=[job.pk]))
        assert f"0 of {2 * per_combination} ready" in response.content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1]
