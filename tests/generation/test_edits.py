"""Editing a finished portrait (generation.edits): a new job, one child image per model, the
portrait sent as the one input image through the model's edit path, priced, reserved and
settled like any image; refusals in words that change nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from avatarapp.workspaces.models import Membership
from generation import pipeline, services
from generation.edits import EditBrief, edit_submit
from generation.models import Budget, Image, Job, LedgerEntry, Origin
from generation.services import SubmitError
from tests.conftest import World
from tests.emulator import Emulator
from tests.gallery.lightbox_support import finished_image
from tests.generation.conftest import add_keys, store_every_key

pytestmark = pytest.mark.django_db

COFFEE = EditBrief(setting="in a coffee shop, same face")


@pytest.fixture
def editor(world: World) -> Membership:
    return world.membership("editor")


@pytest.fixture
def portrait(editor: Membership) -> Image:
    return finished_image(editor)


def test_the_instruction_keeps_the_face_and_lists_the_changes_in_a_fixed_order() -> None:
    brief = EditBrief(
        free_text="  Add a  laptop. ", light="golden hour.", outfit="a red   dress", setting=""
    )
    assert brief.instruction() == (
        "Edit this photo. Keep the same person: the same face, features, skin tone, hair and "
        "build. New outfit: a red dress. New light: golden hour. Add a laptop."
    )


def test_an_edit_is_a_new_job_of_children_priced_and_reserved(
    editor: Membership, portrait: Image
) -> None:
    store_every_key(editor)

    job = edit_submit(
        membership=editor,
        parent=portrait,
        brief=COFFEE,
        model_ids=["gpt-image-2", "flux-kontext-pro", "flux-2-pro"],
    )

    assert job.name == f"Edit of {portrait.persona_name} - {portrait.style_name}"
    children = {image.model_id: image for image in Image.objects.filter(job=job)}
    assert set(children) == {"gpt-image-2", "flux-kontext-pro", "flux-2-pro"}
    for child in children.values():
        assert (child.parent, child.origin, child.status) == (portrait, Origin.EDIT, "queued")
        assert (child.persona_id, child.style_name) == (portrait.persona_id, portrait.style_name)
        assert (child.aspect_ratio, child.quality) == (portrait.aspect_ratio, portrait.quality)
        assert "New setting: in a coffee shop, same face." in child.prompt
        assert child.estimated_usd > 0
        reserved = LedgerEntry.objects.get(image=child, kind=LedgerEntry.Kind.RESERVATION)
        assert reserved.amount_usd == child.estimated_usd
    assert job.estimated_usd == sum(c.estimated_usd for c in children.values())
    # High input fidelity only where OpenAI's spec takes it.
    assert children["gpt-image-2"].request_fields["input_fidelity"] == "high"
    assert "input_fidelity" not in children["flux-kontext-pro"].request_fields


def test_the_portrait_goes_to_openais_edit_endpoint_with_high_fidelity_and_is_settled(
    world: World, editor: Membership, portrait: Image, providers: Emulator
) -> None:
    add_keys(world.membership("owner"))
    job = edit_submit(membership=editor, parent=portrait, brief=COFFEE, model_ids=["gpt-image-2"])
    child = Image.objects.get(job=job)

    pipeline.run_image(child.pk)

    child.refresh_from_db()
    assert child.status == Image.Status.SUCCEEDED, child.error_message
    sent = providers.requests[-1]
    assert sent.operation == "images.edit"
    assert sent.payload["input_fidelity"] == "high"
    original_size = portrait.original.size
    assert sent.payload["image"] == [f"<file reference-1.png {original_size} bytes>"]
    assert sent.payload["prompt"] == child.prompt
    settled = LedgerEntry.objects.get(image=child, kind=LedgerEntry.Kind.SETTLEMENT)
    assert settled.amount_usd == child.actual_usd > 0


def test_an_edit_of_a_deleted_portrait_fails_in_words(
    world: World, editor: Membership, portrait: Image, providers: Emulator
) -> None:
    add_keys(world.membership("owner"))
    job = edit_submit(membership=editor, parent=portrait, brief=COFFEE, model_ids=["gpt-image-2"])
    Image.objects.filter(pk=portrait.pk).update(deleted_at=portrait.finished_at)
    child = Image.objects.get(job=job)
    calls = len(providers.requests)

    pipeline.run_image(child.pk)

    child.refresh_from_db()
    assert child.status == Image.Status.FAILED
    assert "was deleted, so there is nothing to edit" in child.error_message
    assert len(providers.requests) == calls  # no provider was called


def test_a_retry_of_a_failed_edit_is_still_an_edit_of_the_same_portrait(
    editor: Membership, portrait: Image
) -> None:
    store_every_key(editor)
    job = edit_submit(membership=editor, parent=portrait, brief=COFFEE, model_ids=["gpt-image-2"])
    failed = Image.objects.get(job=job)
    Image.objects.filter(pk=failed.pk).update(status=Image.Status.FAILED)
    failed.refresh_from_db()

    attempt = services.image_retry(membership=editor, image=failed)

    attempt.refresh_from_db()
    assert (attempt.parent_id, attempt.origin) == (portrait.pk, Origin.EDIT)
    assert attempt.estimated_usd == failed.estimated_usd  # priced for the one input image


def _refused(membership: Membership, parent: Image, **changes: Any) -> str:
    arguments: dict[str, Any] = {"brief": COFFEE, "model_ids": ["gpt-image-2"]} | changes
    counts = (Job.objects.count(), Image.objects.count(), LedgerEntry.objects.count())
    with pytest.raises(SubmitError) as refusal:
        edit_submit(membership=membership, parent=parent, **arguments)
    assert (Job.objects.count(), Image.objects.count(), LedgerEntry.objects.count()) == counts
    return str(refusal.value)


def test_a_model_that_cannot_edit_is_refused_with_the_models_that_can(
    editor: Membership, portrait: Image
) -> None:
    store_every_key(editor)
    message = _refused(editor, portrait, model_ids=["gpt-image-2", "flux-dev"])
    assert message.startswith("FLUX.1 [dev] cannot edit a portrait; these can: GPT Image 2,")
    assert "FLUX.1 Kontext [pro]" in message
    assert "FLUX.2 [pro]" in message
    assert "FLUX.1 [dev]," not in message
    assert "Built-in" not in message
    assert "cannot edit a portrait" in _refused(editor, portrait, model_ids=["builtin"])


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"brief": EditBrief()}, "Say what to change: an outfit, a setting"),
        ({"brief": EditBrief(free_text="x" * 301)}, "is 301 characters; keep it to 300"),
        ({"brief": EditBrief(outfit="y" * 81)}, "Outfit is 81 characters; keep it to 80"),
        ({"model_ids": []}, "Choose at least one model"),
        (
            {
                "model_ids": [
                    "gpt-image-2",
                    "flux-2-pro",
                    "flux-kontext-pro",
                    "flux-2-max",
                    "flux-2-flex",
                ]
            },
            "Choose at most 4 models.",
        ),
        ({"model_ids": ["no-such-model"]}, "no-such-model"),
    ],
)
def test_bad_input_is_refused_in_words_and_changes_nothing(
    editor: Membership, portrait: Image, changes: dict[str, Any], words: str
) -> None:
    store_every_key(editor)
    assert words in _refused(editor, portrait, **changes)


def test_an_unfinished_portrait_a_viewer_and_a_spent_budget_are_refused(
    world: World, editor: Membership, portrait: Image
) -> None:
    store_every_key(editor)
    failed = Image.objects.get(pk=portrait.pk)
    failed.status = Image.Status.FAILED
    assert _refused(editor, failed) == "Only a finished portrait can be edited."
    assert "needs the editor role" in _refused(world.membership("viewer"), portrait)
    Budget.objects.update_or_create(
        workspace_id=editor.workspace_id, defaults={"monthly_cap_usd": Decimal("0.01")}
    )
    assert "budget" in _refused(editor, portrait).lower()
