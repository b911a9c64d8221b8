"""Rate limits on the generation side: Generate, the live estimate and Retry are rate limited
per user and per workspace; over a limit the answer is 429 with Retry-After, a message saying
when to try again, in the shape the request expects, and nothing is created or charged."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from generation.cancellation import image_cancel
from generation.models import Image, Job, LedgerEntry
from personas.models import Persona
from tests.conftest import World
from tests.generation.conftest import generate_form, make_persona, submit_builtin
from tests.markup import find, text
from tests.ratelimits import Limits

GENERATING = "You are generating faster than this workspace allows. Try again in {} seconds."
PRICING = "You are pricing batches faster than this workspace allows. Try again in {} seconds."
RETRYING = "You are retrying images faster than this workspace allows. Try again in {} seconds."


def batch(persona: Persona) -> dict[str, Any]:
    return generate_form(persona, per_combination="4")


def written() -> tuple[int, int, int]:
    return Job.objects.count(), Image.objects.count(), LedgerEntry.objects.count()


def assert_refused(response: Any, sentence: str) -> None:
    assert response.status_code == 429
    assert response["Retry-After"] == "40"  # the fake clock is 20 s into its minute
    assert sentence.format(40) in text(find(response.content.decode(), "main"))


def test_generate_limit_per_user(limits: Limits, in_team: Any, persona: Persona) -> None:
    limits("generate", user="2/minute", workspace="10/minute")
    editor = in_team("editor")
    for _ in range(2):
        assert editor.post(reverse("generation:generate"), batch(persona)).status_code == 302
    before = written()
    refused = editor.post(reverse("generation:generate"), batch(persona))
    assert_refused(refused, GENERATING)
    page = refused.content.decode()
    assert find(page, "h1").children == ["Generate"]  # the page itself, choices kept
    assert "checked" in dict(find(page, "input", name="personas").attributes)
    assert written() == before
    # A colleague in the same workspace is not held up by this person's limit.
    assert in_team("admin").post(reverse("generation:generate"), batch(persona)).status_code == 302


def test_generate_limit_per_workspace_is_shared_by_members_only(
    limits: Limits, world: World, in_team: Any, persona: Persona, client_as: Any
) -> None:
    limits("generate", user="10/minute", workspace="3/minute")
    editor, admin = in_team("editor"), in_team("admin")
    for client in (editor, admin, editor):
        assert client.post(reverse("generation:generate"), batch(persona)).status_code == 302
    before = written()
    assert_refused(admin.post(reverse("generation:generate"), batch(persona)), GENERATING)
    assert_refused(editor.post(reverse("generation:generate"), batch(persona)), GENERATING)
    assert written() == before
    # Another agency's workspace has an allowance of its own.
    own_team = world.outsider.memberships.get(workspace__is_personal=False)
    theirs = make_persona(own_team)
    outsider = client_as("outsider")
    outsider.post(reverse("workspaces:switch", args=[own_team.workspace_id]))
    assert outsider.post(reverse("generation:generate"), batch(theirs)).status_code == 302


def test_generate_limit_resets_when_its_window_turns(
    limits: Limits, in_team: Any, persona: Persona
) -> None:
    limits("generate", user="1/minute")
    editor = in_team("editor")
    assert editor.post(reverse("generation:generate"), batch(persona)).status_code == 302
    refused = editor.post(reverse("generation:generate"), batch(persona))
    assert refused.status_code == 429
    limits.clock.advance(int(refused["Retry-After"]))
    assert editor.post(reverse("generation:generate"), batch(persona)).status_code == 302
    assert Job.objects.count() == 2


def test_estimate_over_its_limit_swaps_a_fragment_that_says_when(
    limits: Limits, in_team: Any, persona: Persona
) -> None:
    limits("estimate", user="1/minute")
    editor = in_team("editor")
    url = reverse("generation:estimate")
    assert editor.post(url, batch(persona), HTTP_HX_REQUEST="true").status_code == 200
    refused = editor.post(url, batch(persona), HTTP_HX_REQUEST="true")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"
    fragment = refused.content.decode()
    assert fragment.lstrip().startswith('<section class="card estimate" id="estimate"')
    assert PRICING.format(40) in text(find(fragment, id="estimate"))
    assert "disabled" in dict(find(fragment, "button", id="generate-button").attributes)


def test_default_estimate_limit_never_meets_a_person_clicking(
    in_team: Any, persona: Persona
) -> None:
    """The estimate fires on every change: a minute of brisk clicking, 2 changes a second, and
    then the Generate click, all pass on the default limits."""
    editor = in_team("editor")
    for _ in range(120):
        response = editor.post(reverse("generation:estimate"), batch(persona))
        assert response.status_code == 200
    assert editor.post(reverse("generation:generate"), batch(persona)).status_code == 302


def test_retry_limit_shows_the_job_page_and_creates_nothing(
    limits: Limits, world: World, in_team: Any
) -> None:
    limits("retry", user="1/minute")
    job = submit_builtin(world.membership("editor"), count=2)
    first, second = job.images.order_by("pk")
    for image in (first, second):
        image_cancel(membership=world.membership("editor"), image=image)
    editor = in_team("editor")
    assert editor.post(reverse("generation:image_retry", args=[first.pk])).status_code == 302
    before = written()
    refused = editor.post(reverse("generation:image_retry", args=[second.pk]))
    assert_refused(refused, RETRYING)
    assert text(find(refused.content.decode(), "h1")) == job.name
    assert written() == before
    assert not Image.objects.filter(retry_of=second).exists()
