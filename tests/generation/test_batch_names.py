"""Batches have names: a default made of who and what is in it and the day
("Mia Chen - Corporate, 6 Dec 2026"), or the person's own, shown as the job page's heading and in
the batches history instead of a timestamp."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from generation.models import Job
from personas.models import Persona
from tests.conftest import World
from tests.gallery.factories import make_image, make_job
from tests.generation.conftest import generate_form, make_persona
from tests.markup import find, text


@pytest.fixture
def editor(in_team: Callable[[str], Client]) -> Client:
    return in_team("editor")


def today() -> str:
    day = timezone.localdate()
    return f"{day.day} {day:%b %Y}"


def heading(history: str, job: Job) -> str:
    return text(find(str(find(history, id=f"batch-{job.pk}")), "h2"))


def submitted(client: Client, form: dict[str, object]) -> Job:
    response = client.post(reverse("generation:generate"), form)
    assert response.status_code == 302
    return Job.objects.get()


def test_a_batch_is_named_after_its_persona_and_style_and_the_day(
    editor: Client, persona: Persona
) -> None:
    job = submitted(editor, generate_form(persona))
    assert job.name == f"Mia Chen - Corporate, {today()}"
    page = editor.get(reverse("generation:job", args=[job.pk])).content.decode()
    assert text(find(page, "h1")) == job.name
    assert text(find(page, "title")).startswith(job.name)


def test_several_personas_and_styles_are_counted(
    editor: Client, world: World, persona: Persona
) -> None:
    leo = make_persona(world.membership("editor"), name="Leo Park")
    form = generate_form(
        persona,
        personas=[str(persona.pk), str(leo.pk)],
        styles=["builtin:corporate", "builtin:editorial"],
    )
    assert submitted(editor, form).name == f"2 personas - 2 styles, {today()}"


def test_the_persons_own_name_is_kept(editor: Client, persona: Persona) -> None:
    job = submitted(editor, generate_form(persona, name="  Spring campaign, round 2 "))
    assert job.name == "Spring campaign, round 2"


def test_a_name_too_long_is_refused_in_words_and_nothing_is_made(
    editor: Client, persona: Persona
) -> None:
    response = editor.post(reverse("generation:generate"), generate_form(persona, name="x" * 121))
    assert response.status_code == 200
    assert "at most 120 characters" in text(find(response.content.decode(), id="id_name_error"))
    assert not Job.objects.exists()


def test_the_history_shows_names_and_keeps_who_is_in_an_unnamed_old_batch(
    editor: Client, world: World, persona: Persona
) -> None:
    named = submitted(editor, generate_form(persona, name="Spring campaign"))
    old = make_job(world.membership("editor"))
    make_image(old, persona)
    page = editor.get(reverse("gallery:jobs")).content.decode()
    assert heading(page, named) == "Spring campaign"
    assert heading(page, old) == "Mia Chen"
    old_page = editor.get(reverse("generation:job", args=[old.pk])).content.decode()
    assert text(find(old_page, "h1")).startswith("Batch of ")
