""" "Compare these models" on the Generate page (issue 17, item 6): the same brief as one
portrait per persona, style and model for 2 to 4 models, priced beside its own button, refused in
words otherwise; the batch is marked as a comparison, and the poll of its page that sees it finish
sends the browser to the compare view (a later visit shows the batch page with the link)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from avatarapp.money import usd
from generation import services
from generation.models import Image, Job
from personas.models import Persona
from tests.conftest import World
from tests.generation.conftest import generate_form, store_every_key
from tests.markup import attribute, find, find_all, text

THREE = ["builtin", "gpt-image-2", "flux-2-pro"]
FIVE = [*THREE, "gemini-3-pro-image", "flux-2-max"]


@pytest.fixture
def editor(world: World, in_team: Callable[[str], Client]) -> Client:
    store_every_key(world.membership("owner"))  # every model can be ticked
    return in_team("editor")


def compare(client: Client, persona: Persona, models: list[str], **changes: str) -> object:
    form = generate_form(persona, models=models, compare="1", **changes)
    return client.post(reverse("generation:generate"), form)


def test_compare_makes_one_portrait_per_model_and_marks_the_batch(
    editor: Client, persona: Persona
) -> None:
    response = compare(editor, persona, THREE, per_combination="3")
    job = Job.objects.get()
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert response["Location"] == reverse("generation:job", args=[job.pk])  # type: ignore[index]
    assert job.is_comparison
    assert job.parameters["per_combination"] == 1  # whatever the setting said
    models = sorted(Image.objects.filter(job=job).values_list("model_id", flat=True))
    assert models == sorted(THREE)


def test_generate_beside_it_still_makes_a_plain_batch(editor: Client, persona: Persona) -> None:
    form = generate_form(persona, models=THREE, per_combination="2")
    assert editor.post(reverse("generation:generate"), form).status_code == 302
    job = Job.objects.get()
    assert not job.is_comparison
    assert job.images.count() == 6


@pytest.mark.parametrize(("models", "ticked"), [(["builtin"], 1), (FIVE, 5)])
def test_compare_refuses_fewer_than_two_or_more_than_four_models(
    editor: Client, persona: Persona, models: list[str], ticked: int
) -> None:
    response = compare(editor, persona, models)
    page = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert (
        f"Comparing needs 2 to 4 models ticked; you ticked {ticked}. Tick more or fewer models, "
        "or use Generate."
    ) in text(find_all(page, "div", role="alert")[0])  # above the form
    assert not Job.objects.exists()


def test_a_comparison_of_more_than_one_per_combination_is_refused(
    world: World, persona: Persona
) -> None:
    store_every_key(world.membership("owner"))
    batch = services.BatchRequest(
        [str(persona.pk)], ["builtin:corporate"], THREE, 2, "1:1", "1K", "low", compare=True
    )
    with pytest.raises(services.SubmitError, match="one portrait per model"):
        services.batch_submit(membership=world.membership("editor"), batch=batch)
    assert not Job.objects.exists()


def estimate(client: Client, persona: Persona, models: list[str], **changes: str) -> str:
    form = generate_form(persona, models=models, **changes)
    response = client.post(reverse("generation:estimate"), form, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def test_the_compare_button_shows_its_own_cost(
    editor: Client, world: World, persona: Persona
) -> None:
    fragment = estimate(editor, persona, ["builtin", "gpt-image-2"], per_combination="4")
    assert text(find(fragment, "p", **{"class": "estimate-sentence"})).startswith("8 portraits")
    one_gpt_portrait = services.batch_plan(
        membership=world.membership("editor"),
        batch=services.BatchRequest(
            [str(persona.pk)], ["builtin:corporate"], ["gpt-image-2"], 1, "1:1", "1K", "low"
        ),
    ).total
    note = text(find(fragment, id="compare-note"))
    assert note.startswith("One portrait per model for each persona and style: 2 images, at most")
    assert note.endswith(f"at most {usd(one_gpt_portrait)}. They open side by side when done.")
    assert "disabled" not in dict(find(fragment, "button", id="compare-button").attributes)


def test_the_compare_button_says_why_it_cannot(editor: Client, persona: Persona) -> None:
    fragment = estimate(editor, persona, ["builtin"])
    button = find(fragment, "button", id="compare-button")
    assert "disabled" in dict(button.attributes)
    assert attribute(button, "aria-describedby") == "compare-note"
    assert text(find(fragment, id="compare-note")).startswith(
        "Comparing needs 2 to 4 models ticked; you ticked 1."
    )
    # Generate itself is not held back.
    assert "disabled" not in dict(find(fragment, "button", id="generate-button").attributes)


def _finish(job: Job) -> None:
    job.images.update(status=Image.Status.SUCCEEDED)


def test_the_poll_that_sees_a_comparison_finish_opens_the_compare_view(
    editor: Client, persona: Persona
) -> None:
    compare(editor, persona, THREE)
    job = Job.objects.get()
    poll = reverse("generation:job_progress", args=[job.pk])
    running = editor.get(poll, HTTP_HX_REQUEST="true")
    assert running.status_code == 200
    assert "HX-Redirect" not in running
    assert "0 of 3 ready" in running.content.decode()
    _finish(job)
    finished = editor.get(poll, HTTP_HX_REQUEST="true")
    assert finished["HX-Redirect"] == reverse("gallery:job_compare", args=[job.pk])


def test_a_finished_comparison_opened_later_shows_its_page_with_the_way_there(
    editor: Client, persona: Persona
) -> None:
    compare(editor, persona, THREE)
    job = Job.objects.get()
    _finish(job)
    response = editor.get(reverse("generation:job", args=[job.pk]))
    assert response.status_code == 200  # the batch page itself, not a redirect
    card = find(response.content.decode(), "div", **{"class": "card comparison-next"})
    assert "Your comparison is ready." in text(card)
    link = find(str(card), "a")
    assert attribute(link, "href") == reverse("gallery:job_compare", args=[job.pk])
    assert text(link) == "Compare the models side by side"


def test_a_plain_batch_that_finishes_is_not_redirected(editor: Client, persona: Persona) -> None:
    editor.post(reverse("generation:generate"), generate_form(persona, models=THREE))
    job = Job.objects.get()
    _finish(job)
    response = editor.get(reverse("generation:job_progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "HX-Redirect" not in response


def test_a_comparison_where_every_portrait_failed_stays_on_its_page(
    editor: Client, persona: Persona
) -> None:
    compare(editor, persona, THREE)
    job = Job.objects.get()
    job.images.update(status=Image.Status.FAILED)  # the batch page has their reasons and Retry
    response = editor.get(reverse("generation:job_progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert "HX-Redirect" not in response


def test_an_outsider_cannot_poll_a_comparison(
    editor: Client, persona: Persona, client_as: Callable[[str], Client]
) -> None:
    compare(editor, persona, THREE)
    job = Job.objects.get()
    _finish(job)
    response = client_as("outsider").get(reverse("generation:job_progress", args=[job.pk]))
    assert response.status_code == 404
