"""Issue 15 item 5: the providers' own model lists, read with a workspace's key at key check and
daily by beat, and what a list that drops a model (or names a new one) changes - and what a list
that cannot be trusted does not change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from avatarapp.keys.models import ProviderKey
from generation import catalog_watch, ledger, pipeline, services
from generation.models import Image, LedgerEntry, ProviderModelList
from generation.offer import dom_id
from generation.provider_keys import services as key_services
from personas.models import Persona
from tests.conftest import World
from tests.emulator import Emulator
from tests.generation.conftest import add_keys, generate_form, make_persona
from tests.keys.factories import google_key, store_key
from tests.markup import find, find_all, text

DROPPED = "gemini-2.5-flash-image"
SENTENCE = (
    "Gemini 2.5 Flash Image (Nano Banana) is not offered by Google any more; choose another model."
)


def drop(emulator: Emulator, model_id: str) -> None:
    """Google's list stops naming `model_id` (and Google stops drawing with it)."""
    emulator.configure(gemini_models=[m for m in emulator.model_list("gemini") if m != model_id])


def queued_batch(world: World, model_id: str = DROPPED, count: int = 2) -> list[Image]:
    editor = world.membership("editor")
    persona = make_persona(editor)
    batch = services.BatchRequest(
        [str(persona.pk)], ["builtin:corporate"], [model_id], count, "1:1", "1K", "low"
    )
    job, _ids = services.batch_create(membership=editor, batch=batch)
    return list(job.images.all())


def google_key_of(world: World) -> ProviderKey:
    return ProviderKey.objects.get(workspace=world.team, provider="google")


def stored(world: World, provider: str) -> ProviderModelList:
    return ProviderModelList.objects.get(workspace=world.team, provider=provider)


def test_a_key_check_keeps_the_list_it_read(world: World, providers: Emulator) -> None:
    keys = add_keys(world.membership("owner"))
    for provider, emulated in (("openai", "openai"), ("google", "gemini")):
        row = stored(world, provider)
        assert set(row.model_ids) == set(providers.model_list(emulated))
        assert row.read_with_id == keys[provider].pk
        assert row.read_at is not None
        # The check's own free request was the list: still one request per check.
        assert providers.count(provider=emulated, operation="models.list") == 1
    assert not ProviderModelList.objects.filter(provider="bfl").exists()  # BFL has no list


def test_check_now_drops_a_model_fails_its_queued_images_and_releases_them(
    world: World, providers: Emulator
) -> None:
    add_keys(world.membership("owner"))
    dropped = queued_batch(world)
    kept = queued_batch(world, "gemini-3-pro-image", 1)
    period = ledger.budget_status(world.team)
    assert period.reserved == sum(i.estimated_usd for i in dropped + kept)

    drop(providers, DROPPED)
    key_services.key_check(key=google_key_of(world), actor=world.admin)

    for image in dropped:
        image.refresh_from_db()
        assert (image.status, image.error_message) == ("failed", SENTENCE)
        assert image.error_kind == "not_offered"
        release = LedgerEntry.objects.get(image=image, kind="release")
        assert release.amount_usd == image.estimated_usd
    kept[0].refresh_from_db()
    assert kept[0].status == "queued"
    assert ledger.budget_status(world.team).reserved == kept[0].estimated_usd  # to the cent
    assert providers.count(operation="generateContent") == 0


def test_submit_and_retry_refuse_a_dropped_model_and_reserve_nothing(
    world: World, providers: Emulator
) -> None:
    add_keys(world.membership("owner"))
    failed = queued_batch(world, count=1)[0]
    drop(providers, DROPPED)
    key_services.key_check(key=google_key_of(world), actor=world.admin)
    jobs = world.team.jobs.count()
    editor = world.membership("editor")
    batch = services.BatchRequest(
        [str(make_persona(editor).pk)], ["builtin:corporate"], [DROPPED], 1, "1:1", "1K", "low"
    )
    with pytest.raises(services.SubmitError) as refused:
        services.batch_submit(membership=editor, batch=batch)
    assert (str(refused.value), refused.value.field) == (SENTENCE, "model_ids")
    failed.refresh_from_db()
    with pytest.raises(services.SubmitError, match="not offered by Google any more"):
        services.image_retry(membership=editor, image=failed)
    assert world.team.jobs.count() == jobs
    assert Image.objects.filter(status="queued").count() == 0
    assert ledger.budget_status(world.team).reserved == 0


def test_the_generate_form_says_why_and_greys_the_model_out(
    world: World, providers: Emulator, in_team: Callable[[str], Client], persona: Persona
) -> None:
    add_keys(world.membership("owner"))
    drop(providers, DROPPED)
    key_services.key_check(key=google_key_of(world), actor=world.admin)
    client = in_team("editor")
    jobs = world.team.jobs.count()
    page = client.post(reverse("generation:generate"), generate_form(persona, models=[DROPPED]))
    html = page.content.decode()
    assert page.status_code == 200
    assert text(find(html, id="id_models_error")) == SENTENCE
    assert world.team.jobs.count() == jobs
    box = dict(find(html, "input", name="models", value=DROPPED).attributes)
    assert "disabled" in box
    assert text(find(html, id=f"{dom_id(DROPPED)}-note")) == "Not offered by Google any more."
    # Models with no list are never greyed out; the others the list names stay as they were.
    for model_id in ("flux-2-pro", "builtin", "gemini-3-pro-image", "gpt-image-2"):
        assert "disabled" not in dict(find(html, "input", name="models", value=model_id).attributes)


@pytest.mark.parametrize(
    ("listed", "outage"),
    [
        ([], None),  # an empty list
        (["gemini-9-image"], None),  # a list naming none of the catalog's Google models
        (None, "server_error"),  # the provider's trouble
    ],
)
def test_a_list_that_cannot_be_trusted_changes_nothing(
    world: World, providers: Emulator, listed: list[str] | None, outage: str | None
) -> None:
    add_keys(world.membership("owner"))
    before = stored(world, "google")
    image = queued_batch(world, count=1)[0]
    providers.configure(gemini_models=listed)
    if outage:
        providers.add_fault(outage, provider="gemini", operation="models.list")
    ProviderModelList.objects.update(tried_at=timezone.now() - timedelta(days=2))  # beat's turn
    catalog_watch.read_due_lists()
    after = stored(world, "google")
    assert (after.model_ids, after.read_at) == (before.model_ids, before.read_at)
    assert after.tried_at > before.tried_at  # tried, and not again before tomorrow
    image.refresh_from_db()
    assert image.status == "queued"
    assert catalog_watch.not_offered_models(world.team.pk) == {}


def test_beat_reads_each_workspace_list_at_most_once_a_day(
    world: World, providers: Emulator
) -> None:
    owner = world.membership("owner")
    store_key(owner, google_key(), provider="google", label="Personal", personal=True)
    workspace_key = store_key(owner, google_key(), provider="google", label="Team")
    store_key(owner, provider="bfl", label="BFL")  # no list to read
    store_key(owner, status="revoked")  # an OpenAI key, revoked: never opened
    assert catalog_watch.read_due_lists() == 1  # Google; BFL has no list, the OpenAI key is revoked
    assert stored(world, "google").read_with_id == workspace_key.pk  # the workspace's key first
    assert catalog_watch.read_due_lists() == 0  # read today already
    ProviderModelList.objects.update(tried_at=timezone.now() - timedelta(hours=25))
    assert catalog_watch.read_due_lists() == 1
    assert providers.count(operation="models.list") == 2


def test_the_claim_step_catches_an_image_queued_while_a_list_was_read(
    world: World, providers: Emulator
) -> None:
    """A read that dropped the model ran while this image was being written: the read did not
    see it, so the worker's claim step fails it, before any provider call."""
    add_keys(world.membership("owner"))
    image = queued_batch(world, count=1)[0]
    ProviderModelList.objects.filter(provider="google").update(model_ids=["gemini-3-pro-image"])
    pipeline.run_image(image.pk)
    image.refresh_from_db()
    assert (image.status, image.error_message) == ("failed", SENTENCE)
    assert LedgerEntry.objects.get(image=image, kind="release").amount_usd == image.estimated_usd
    assert ledger.budget_status(world.team).reserved == Decimal(0)
    assert providers.count(operation="generateContent") == 0


def test_admins_see_the_models_a_list_names_that_the_catalog_cannot_price(
    world: World, providers: Emulator, client_as: Callable[[str], Client]
) -> None:
    providers.configure(gemini_models=[*providers.model_list("gemini"), "gemini-4-image"])
    add_keys(world.membership("owner"))
    url = reverse("keys:workspace", args=[world.team.pk])
    admin_page = client_as("admin").get(url).content.decode()
    items = [item for item in find_all(admin_page, "li") if "priced" in text(item)]
    # The emulator's own list names Nano Banana 2 Lite, which has no price in our contracts yet;
    # OpenAI's names the dated snapshot gpt-image-2-2026-04-21, which is no new model.
    assert [text(find(str(item), "code")) for item in items] == [
        "gemini-3.1-flash-lite-image",
        "gemini-4-image",
    ]
    assert all(text(item).endswith("new at Google: not priced yet") for item in items)
    assert "not priced yet" not in client_as("editor").get(url).content.decode()
    assert catalog_watch.unpriced_models(world.team.pk) == {
        "Google": ["gemini-3.1-flash-lite-image", "gemini-4-image"]
    }
