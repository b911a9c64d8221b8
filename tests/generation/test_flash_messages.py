"""A flash message shows on the page it belongs to. The case: cancel a card that has already
finished (an htmx post from the job page); its "cannot be cancelled" message shows there, and
not later on the Costs page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from generation.models import Image, Job
from tests.conftest import World
from tests.generation.conftest import submit_builtin
from tests.markup import attribute, find, text

HTMX = {"HX-Request": "true"}
CANNOT_CANCEL = "That image has already finished, so it cannot be cancelled."


@pytest.fixture
def finished_job(world: World) -> Job:
    job = submit_builtin(world.membership("editor"))
    Image.objects.filter(job=job).update(status=Image.Status.SUCCEEDED)
    return job


@pytest.fixture
def editor(in_team: Callable[[str], Client]) -> Client:
    return in_team("editor")


def _cancel_from_the_card(client: Client, job: Job) -> str:
    image = job.images.get()
    response = client.post(reverse("generation:image_cancel", args=[image.pk]), headers=HTMX)
    assert response.status_code == 200
    return response.content.decode()


def test_an_htmx_answer_brings_its_message_and_later_pages_do_not(
    finished_job: Job, editor: Client
) -> None:
    answer = _cancel_from_the_card(editor, finished_job)
    # The card, and the page's messages box filled out of band, where the person is looking.
    box = find(answer, "div", id="messages")
    assert attribute(box, "hx-swap-oob") == "innerHTML"
    assert text(box) == CANNOT_CANCEL
    for later in ("generation:costs", "generation:job"):
        args = [finished_job.pk] if later == "generation:job" else []
        assert CANNOT_CANCEL not in editor.get(reverse(later, args=args)).content.decode()


def test_every_page_has_the_box_an_htmx_answer_fills(finished_job: Job, editor: Client) -> None:
    page = editor.get(reverse("generation:job", args=[finished_job.pk])).content.decode()
    assert find(page, "div", id="messages")


def test_a_poll_does_not_take_a_message_meant_for_the_next_page(
    finished_job: Job, editor: Client
) -> None:
    editor.post(reverse("generation:image_retry", args=[finished_job.images.get().pk]))
    poll = editor.get(reverse("generation:job_progress", args=[finished_job.pk]), headers=HTMX)
    assert 'id="messages"' not in poll.content.decode()
    page = editor.get(reverse("generation:job", args=[finished_job.pk])).content.decode()
    assert "can be retried" in text(find(page, "div", id="messages"))


def test_an_answer_that_loads_another_page_leaves_the_message_to_it(
    world: World, finished_job: Job, editor: Client
) -> None:
    world.team.require_two_factor = True
    world.team.save()
    poll = editor.get(reverse("generation:job_progress", args=[finished_job.pk]), headers=HTMX)
    assert poll["HX-Redirect"] == reverse("mfa_index")
    assert poll.content == b""
    setup = editor.get(poll["HX-Redirect"]).content.decode()
    assert "Acme marketing requires two-factor sign-in" in setup
