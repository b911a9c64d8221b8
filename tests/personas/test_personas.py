"""Persona CRUD: create, edit, validate in place, duplicate, archive, delete (and its refusal)."""

from __future__ import annotations

from html import unescape

import pytest
from django.urls import reverse

from personas import services
from personas.models import Persona
from personas.reference_files import prepare_reference
from tests.conftest import World
from tests.personas import images
from tests.personas.conftest import TeamClient, make_persona, stored_files

HTMX = {"HX-Request": "true", "HX-Target": "persona-form"}

FULL = {
    "name": "  Maya Costa ",
    "age_range": "35-44",
    "gender": "woman",
    "location": "Lisbon",
    "occupation": "Product manager",
    "industry": "fintech",
    "personality": "warm, analytical",
    "goals": "Ship faster",
    "pain_points": "Meetings",
    "backstory": "Grew up in Porto.",
    "tags": "b2b, Early adopter, b2b,  ",
    "skin_tone": "medium brown",
    "hair_colour": "black",
    "hair_style": "curly bob",
    "eye_colour": "brown",
    "build": "slim",
    "features": "freckles",
    "wardrobe": "navy blazer",
    "accessories": "round glasses",
    "default_model": "flux-2-pro",
}


def test_create_stores_every_field_in_the_current_workspace(
    world: World, team_client: TeamClient
) -> None:
    response = team_client("editor").post(reverse("personas:create"), FULL)
    persona = Persona.objects.get()
    assert response.status_code == 302
    assert response["Location"] == persona.get_absolute_url()
    assert persona.workspace == world.team
    assert persona.created_by == world.editor
    assert persona.name == "Maya Costa"
    assert persona.tags == ["b2b", "Early adopter"]
    assert persona.default_model == "flux-2-pro"
    assert (persona.hair_style, persona.accessories) == ("curly bob", "round glasses")


def test_htmx_create_redirects_the_browser_itself(team_client: TeamClient) -> None:
    response = team_client("editor").post(reverse("personas:create"), FULL, headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == Persona.objects.get().get_absolute_url()


BAD_INPUT = [
    ({"name": ""}, "name", "This field is required."),
    ({"name": "   "}, "name", "This field is required."),
    ({"name": "x" * 81}, "name", "at most 80 characters (it has 81)"),
    ({"occupation": "y" * 121}, "occupation", "at most 120 characters"),
    ({"backstory": "z" * 4001}, "backstory", "at most 4000 characters"),
    ({"age_range": "12-15"}, "age_range", "Pick one of the age range choices shown."),
    ({"default_model": "dall-e-9"}, "default_model", "Unknown model 'dall-e-9'"),
    ({"default_model": "dall-e-3"}, "default_model", "was shut down on 2026-05-12"),
    ({"tags": "a" * 31}, "tags", "30 characters or fewer"),
    ({"tags": ",".join(f"t{i}" for i in range(13))}, "tags", "at most 12 tags"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_INPUT)
def test_bad_input_is_refused_in_place_and_nothing_is_saved(
    change: dict[str, str], field: str, message: str, team_client: TeamClient
) -> None:
    response = team_client("editor").post(
        reverse("personas:create"), {**FULL, **change}, headers=HTMX
    )
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert message in html
    assert f'id="id_{field}_error"' in html  # the error sits beside its field
    assert 'id="persona-form"' in html
    assert "<html" not in html
    assert not Persona.objects.exists()


def test_invalid_form_without_js_renders_the_whole_page(team_client: TeamClient) -> None:
    response = team_client("editor").post(reverse("personas:create"), {**FULL, "name": ""})
    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert "nothing was saved" in response.content.decode()


def test_edit_saves_changes_and_bad_edit_leaves_the_row_alone(
    persona: Persona, team_client: TeamClient
) -> None:
    client = team_client("editor")
    url = reverse("personas:edit", args=[persona.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {**FULL, "name": "x" * 81}, headers=HTMX)
    assert response.status_code == 200
    persona.refresh_from_db()
    assert persona.name == "Maya Costa"
    response = client.post(url, {**FULL, "name": "Maya C.", "tags": ""})
    assert response.status_code == 302
    persona.refresh_from_db()
    assert (persona.name, persona.tags) == ("Maya C.", [])


def test_duplicate_copies_brief_look_and_reference_files(
    world: World, persona: Persona, team_client: TeamClient
) -> None:
    services.reference_add(
        persona=persona, user=world.owner, prepared=[prepare_reference(images.png())]
    )
    response = team_client("editor").post(reverse("personas:duplicate", args=[persona.pk]))
    copy = Persona.objects.exclude(pk=persona.pk).get()
    assert response["Location"] == reverse("personas:edit", args=[copy.pk])
    assert copy.name == "Maya Costa (copy)"
    assert (copy.wardrobe, copy.tags) == (persona.wardrobe, persona.tags)
    assert copy.created_by == world.editor
    [original_ref], [copied_ref] = persona.references.all(), copy.references.all()
    assert copied_ref.sha256 == original_ref.sha256
    assert copied_ref.storage_name != original_ref.storage_name
    assert len(stored_files(copy)) == 2
    assert len(stored_files(persona)) == 2


def test_archive_hides_from_the_list_and_unarchive_brings_back(
    persona: Persona, team_client: TeamClient
) -> None:
    client = team_client("editor")
    client.post(reverse("personas:archive", args=[persona.pk]))
    card = f'href="{persona.get_absolute_url()}"'
    assert card not in client.get(reverse("personas:list")).content.decode()
    archived = client.get(reverse("personas:list") + "?archived=1").content.decode()
    assert card in archived
    assert "Archived <span" in archived
    client.post(reverse("personas:unarchive", args=[persona.pk]))
    assert card in client.get(reverse("personas:list")).content.decode()


def test_delete_asks_first_then_removes_row_and_files(
    world: World, persona: Persona, team_client: TeamClient, django_capture_on_commit_callbacks
) -> None:
    services.reference_add(
        persona=persona, user=world.owner, prepared=[prepare_reference(images.png())]
    )
    client = team_client("editor")
    confirm = client.get(reverse("personas:delete", args=[persona.pk]))
    assert "cannot be undone" in confirm.content.decode()
    assert "1 reference image" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("personas:delete", args=[persona.pk]))
    assert response["Location"] == reverse("personas:list")
    assert not Persona.objects.exists()
    assert stored_files(persona) == []


def test_delete_is_refused_while_jobs_run(
    persona: Persona, team_client: TeamClient, world: World
) -> None:
    from generation import services as generation
    from generation.cancellation import image_cancel

    editor = world.membership("editor")
    batch = generation.BatchRequest(
        [str(persona.pk)], ["builtin:corporate"], ["builtin"], 1, "1:1", "1K", "low"
    )
    job = generation.batch_submit(
        membership=editor, batch=batch
    )  # queued: no worker runs in this test
    assert services.persona_has_running_jobs(persona=persona) is True
    response = team_client("editor").post(
        reverse("personas:delete", args=[persona.pk]), follow=True
    )
    assert "has generations in progress" in response.content.decode()
    assert Persona.objects.filter(pk=persona.pk).exists()
    image_cancel(membership=editor, image=job.images.get())
    assert services.persona_has_running_jobs(persona=persona) is False


def test_list_shows_cards_with_built_in_portraits(world: World, team_client: TeamClient) -> None:
    make_persona(world.team, name="Ana", tags=["retail"])
    make_persona(world.team, name="Ben", occupation="Nurse", location="Leeds")
    html = team_client("viewer").get(reverse("personas:list")).content.decode()
    assert html.count('class="persona-card"') == 2
    assert "Nurse · Leeds" in html
    assert "retail" in html
    assert "/portrait.png?size=512&amp;v=" in html
    assert "New persona" not in html  # viewers do not get the button


def test_empty_list_says_what_to_do_next(team_client: TeamClient) -> None:
    assert (
        "Create your first persona"
        in team_client("editor").get(reverse("personas:list")).content.decode()
    )
    assert "ask an editor" in team_client("viewer").get(reverse("personas:list")).content.decode()
