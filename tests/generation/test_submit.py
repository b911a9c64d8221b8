"""Submitting a batch: every bad input gets a clear message and leaves no row behind."""

from __future__ import annotations

from decimal import Decimal

import pytest

from avatarapp.keys.models import ProviderKey
from avatarapp.keys.services import key_revoke
from avatarapp.workspaces.models import Membership
from generation import ledger, services
from generation.models import Budget, BudgetPeriod, Image, Job, LedgerEntry
from personas.models import Style
from tests.conftest import World
from tests.generation.conftest import add_keys, make_persona


def batch(
    persona: object,
    *,
    style: str = "builtin:corporate",
    model: str = "gpt-image-2",
    count: int = 1,
    aspect: str = "1:1",
    resolution: str = "1K",
    quality: str = "medium",
) -> services.BatchRequest:
    return services.BatchRequest(
        [str(persona)], [style], [model], count, aspect, resolution, quality
    )


def assert_nothing_written() -> None:
    assert (Job.objects.count(), Image.objects.count(), LedgerEntry.objects.count()) == (0, 0, 0)
    assert all(p.reserved_usd == 0 for p in BudgetPeriod.objects.all())


@pytest.fixture
def editor(world: World, providers):
    add_keys(world.membership("owner"))
    return world.membership("editor")


def refused(editor, request: services.BatchRequest) -> str:
    with pytest.raises(services.SubmitError) as caught:
        services.batch_submit(membership=editor, batch=request)
    assert_nothing_written()
    return str(caught.value)


def test_a_valid_batch_reserves_its_estimate(editor) -> None:
    persona = make_persona(editor)
    job = services.batch_submit(membership=editor, batch=batch(persona.pk, count=3))
    images = list(job.images.all())
    assert len(images) == 3
    assert job.estimated_usd == sum(i.estimated_usd for i in images) > 0
    assert ledger.budget_status(editor.workspace).reserved == job.estimated_usd
    assert LedgerEntry.objects.filter(kind="reservation").count() == 3
    assert all(i.prompt and i.price_rule and i.price_as_of for i in images)


def outsiders_team(world: World) -> Membership:
    return Membership.objects.get(user=world.outsider, workspace__is_personal=False)


def test_persona_from_another_workspace(world: World, editor) -> None:
    foreign = make_persona(outsiders_team(world))
    assert "does not exist in this workspace" in refused(editor, batch(foreign.pk))


def test_style_from_another_workspace(world: World, editor) -> None:
    other = outsiders_team(world)
    style = Style.objects.create(
        workspace_id=other.workspace_id, name="Theirs", created_by=other.user
    )
    persona = make_persona(editor)
    assert "does not exist in this workspace" in refused(
        editor, batch(persona.pk, style=f"style:{style.pk}")
    )


def test_unknown_style_and_model(editor) -> None:
    persona = make_persona(editor)
    assert "no style called" in refused(editor, batch(persona.pk, style="builtin:nope"))
    assert "nope-1" in refused(editor, batch(persona.pk, model="nope-1"))


def test_retired_model_names_its_replacement(editor) -> None:
    persona = make_persona(editor)
    message = refused(editor, batch(persona.pk, model="gpt-image-1"))
    assert "shut down" in message
    assert "GPT Image 2" in message


def test_a_size_the_model_cannot_make(editor) -> None:
    persona = make_persona(editor)
    message = refused(editor, batch(persona.pk, model="flux-pro-1.1", resolution="4K"))
    assert "1K" in message


def test_a_budget_that_cannot_cover_the_batch(world: World, editor) -> None:
    Budget.objects.create(workspace=world.team, monthly_cap_usd=Decimal("0.10"))
    persona = make_persona(editor)
    message = refused(editor, batch(persona.pk, quality="high", count=2))
    assert "only $0.10 of this month's budget is left" in message


def test_no_key_for_the_provider(world: World) -> None:
    editor = world.membership("editor")
    persona = make_persona(editor)
    assert "no usable OpenAI key" in refused(editor, batch(persona.pk))


def test_a_revoked_key_is_not_offered(world: World, editor) -> None:
    owner = world.membership("owner")
    for key in ProviderKey.objects.filter(provider="openai"):
        key_revoke(key=key, actor=owner.user)
    persona = make_persona(editor)
    assert "no usable OpenAI key" in refused(editor, batch(persona.pk))


def test_viewers_cannot_generate(world: World, editor) -> None:
    persona = make_persona(editor)
    assert "editor role" in refused(world.membership("viewer"), batch(persona.pk))


def test_the_builtin_renderer_needs_no_key(world: World) -> None:
    editor = world.membership("editor")
    persona = make_persona(editor)
    job = services.batch_submit(membership=editor, batch=batch(persona.pk, model="builtin"))
    assert job.estimated_usd == 0
    assert job.images.get().request_fields["look"]["skin_tone"] == "medium brown"


def test_too_many_images(editor) -> None:
    personas = [make_persona(editor, name=f"P{i}") for i in range(5)]
    request = services.BatchRequest(
        [str(p.pk) for p in personas],
        ["builtin:corporate", "builtin:creative", "builtin:fashion", "builtin:artistic"],
        ["builtin"],
        4,
        "1:1",
        "1K",
        "low",
    )
    assert "at most 64" in refused(editor, request)
