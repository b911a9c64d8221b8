"""Edit on the image page: the short form, the job it starts (landing on the batch page), the
lineage both ways, and every bad input refused in words with nothing made; no tenant leaks."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from avatarapp.workspaces.models import Membership
from generation.models import Image, Job, Origin
from tests.gallery.factories import make_image, make_job
from tests.gallery.lightbox_support import action_url, finished_image, image_url
from tests.generation.conftest import make_persona, store_every_key
from tests.ratelimits import Limits

pytestmark = pytest.mark.django_db

GALLERY = reverse("gallery:gallery")
COFFEE = {"setting": "in a coffee shop, same face", "model_ids": ["gpt-image-2"]}
TeamClient = Callable[[str], Client]


@pytest.fixture
def portrait(editor: Membership) -> Image:
    store_every_key(editor)
    return finished_image(editor)


def test_an_editor_edits_and_lands_on_the_batch_page_of_the_child(
    team_client: TeamClient, portrait: Image
) -> None:
    client = team_client("editor")
    assert (
        f'href="{action_url("image_edit", portrait)}">Edit</a>'
        in client.get(image_url(portrait)).content.decode()
    )
    form = client.get(action_url("image_edit", portrait)).content.decode()
    for words in ("Outfit", "Setting", "Expression", "Light", "in your own words", "GPT Image 2"):
        assert words in form
    assert 'value="builtin"' not in form  # the built-in renderer cannot edit

    response = client.post(action_url("image_edit", portrait), COFFEE, follow=True)

    child = Image.objects.get(parent=portrait)
    assert (child.origin, child.model_id) == (Origin.EDIT, "gpt-image-2")
    assert response.redirect_chain[-1][0] == reverse("generation:job", args=[child.job_id])
    page = response.content.decode()
    assert "Edit started." in page
    assert f"Edit of {portrait.persona_name} - {portrait.style_name}" in page


def test_the_lineage_shows_parent_and_child_and_the_gallery_filters_edits(
    team_client: TeamClient, portrait: Image
) -> None:
    client = team_client("editor")
    client.post(action_url("image_edit", portrait), COFFEE)
    child = Image.objects.get(parent=portrait)
    Image.objects.filter(pk=child.pk).update(
        status=Image.Status.SUCCEEDED, original=portrait.original, thumbnail=portrait.thumbnail
    )

    parent_page = client.get(image_url(portrait)).content.decode()
    child_page = client.get(image_url(child)).content.decode()
    edits = client.get(f"{GALLERY}?parent={portrait.pk}").content.decode()

    assert "One image was made from this one:" in parent_page
    assert image_url(child) in parent_page
    assert "Edited from this portrait:" in child_page
    assert image_url(portrait) in child_page
    assert image_url(child, f"parent={portrait.pk}") in edits
    assert image_url(portrait, f"parent={portrait.pk}") not in edits


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            {"model_ids": ["flux-dev"]},
            "FLUX.1 [dev] cannot edit a portrait; these can: GPT Image 2",
        ),
        ({"model_ids": ["builtin"]}, "cannot edit a portrait; these can:"),
        ({"setting": ""}, "Say what to change"),
        ({"free_text": "x" * 2000}, "The description is 2,000 characters; keep it to 300."),
        ({"model_ids": []}, "Choose at least one model to make the edit with."),
    ],
)
def test_bad_input_is_refused_in_words_and_makes_nothing(
    team_client: TeamClient, portrait: Image, change: dict[str, object], words: str
) -> None:
    counts = (Job.objects.count(), Image.objects.count())

    response = team_client("editor").post(action_url("image_edit", portrait), COFFEE | change)

    assert response.status_code == 400
    assert words in response.content.decode()
    assert (Job.objects.count(), Image.objects.count()) == counts


def test_an_unfinished_portrait_gets_no_form_and_no_edit(
    team_client: TeamClient, editor: Membership
) -> None:
    failed = make_image(make_job(editor), make_persona(editor), status=Image.Status.FAILED)
    client = team_client("editor")

    form = client.get(action_url("image_edit", failed)).content.decode()
    refused = client.post(action_url("image_edit", failed), COFFEE)

    assert "Only a finished portrait can be edited." in form
    assert 'name="setting"' not in form
    assert refused.status_code == 400
    assert not Image.objects.filter(parent=failed).exists()


@pytest.mark.parametrize(("role", "status"), [("viewer", 403), ("outsider", 404)])
def test_a_viewer_or_another_workspace_cannot_edit(
    team_client: TeamClient, portrait: Image, role: str, status: int
) -> None:
    client = team_client(role)
    assert client.get(action_url("image_edit", portrait)).status_code == status
    assert client.post(action_url("image_edit", portrait), COFFEE).status_code == status
    assert not Image.objects.filter(parent=portrait).exists()
    if role == "viewer":
        assert ">Edit</a>" not in client.get(image_url(portrait)).content.decode()


def test_an_edit_counts_against_the_generate_limit(
    team_client: TeamClient, portrait: Image, limits: Limits
) -> None:
    """An edit starts a paid batch, so Generate's limit covers it: past it, 429 with the
    sentence, the form kept, and no job, image or ledger line made."""
    limits("generate", user="1/minute", workspace="10/minute")
    client = team_client("editor")
    assert client.post(action_url("image_edit", portrait), COFFEE).status_code == 302
    jobs = Job.objects.count()
    refused = client.post(action_url("image_edit", portrait), COFFEE)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"  # the fake clock is 20 s into its minute
    page = refused.content.decode()
    sentence = "You are generating faster than this workspace allows. Try again in 40 seconds."
    assert sentence in page
    assert "in a coffee shop, same face" in page  # what was typed is kept
    assert Job.objects.count() == jobs
