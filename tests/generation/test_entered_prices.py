"""A server the workspace runs (and, later, a gateway whose price we do not hold) costs what the
workspace entered on its key: the estimate reserves it, the image is settled at it, and the image
says where its cost came from. A self-hosted server is sent the model name entered on the key."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from generation import pipeline, services
from generation.models import Image, LedgerEntry
from generation.provider_keys.services import NewKey, key_add
from tests.conftest import World
from tests.emulator import Emulator
from tests.generation.conftest import add_keys, make_persona

pytestmark = pytest.mark.django_db(transaction=True)

SERVER_KEY = "sk-test-own-server-0001"  # the emulator takes sk- keys only


def self_hosted_key(world: World, emulator: Emulator, *, model_name: str, price: str | None):
    new = NewKey(
        provider="openai_compatible",
        region="",
        base_url=emulator.openai_base_url,
        label="Our FLUX box",
        personal=False,
        model_name=model_name,
        price_per_image_usd=Decimal(price) if price is not None else None,
    )
    key, _check = key_add(membership=world.membership("owner"), new=new, plain=SERVER_KEY)
    return key


def one_image(world: World, model_id: str) -> Image:
    editor = world.membership("editor")
    persona = make_persona(editor)
    batch = services.BatchRequest(
        [str(persona.pk)], ["builtin:corporate"], [model_id], 1, "1:1", "1K", "low"
    )
    return services.batch_submit(membership=editor, batch=batch).images.get()


@pytest.fixture
def own_server(settings: Any, providers: Emulator) -> Emulator:
    settings.ALLOW_PRIVATE_PROVIDER_HOSTS = True  # the emulator is the "server" on loopback
    return providers


def test_a_self_hosted_image_costs_the_price_entered_and_names_the_servers_model(
    world: World, own_server: Emulator, client_as: Any
) -> None:
    # The emulator's OpenAI routes know gpt-image-2 and answer 404 to "openai-compatible".
    self_hosted_key(world, own_server, model_name="gpt-image-2", price="0.0125")
    image = one_image(world, "openai-compatible")
    assert image.estimated_usd == Decimal("0.0125")  # reserved at the entered price

    pipeline.run_image(image.pk)

    image.refresh_from_db()
    assert image.status == Image.Status.SUCCEEDED, image.error_message
    assert own_server.requests[-1].model == "gpt-image-2"
    assert image.actual_usd == Decimal("0.0125")
    assert image.cost_basis == "workspace_price"
    settled = LedgerEntry.objects.get(image=image, kind=LedgerEntry.Kind.SETTLEMENT)
    assert settled.amount_usd == Decimal("0.0125")
    page = client_as("editor").get(reverse("generation:job", args=[image.job_id]))
    assert "(price you entered)" in page.content.decode()


def test_a_server_without_the_model_entered_fails_with_the_servers_answer(
    world: World, own_server: Emulator
) -> None:
    self_hosted_key(world, own_server, model_name="no-such-model", price=None)
    image = one_image(world, "openai-compatible")
    assert image.estimated_usd == Decimal(0)  # nothing entered: $0, as before

    pipeline.run_image(image.pk)

    image.refresh_from_db()
    assert own_server.requests[-1].model == "no-such-model"
    assert image.status == Image.Status.FAILED
    assert "does not offer this model" in image.error_message


def test_a_providers_own_figures_are_shown_as_provider_reported(
    world: World, providers: Emulator, client_as: Any
) -> None:
    add_keys(world.membership("owner"))
    image = one_image(world, "gpt-image-2")

    pipeline.run_image(image.pk)

    image.refresh_from_db()
    assert image.status == Image.Status.SUCCEEDED
    assert image.cost_basis == "provider_usage"
    page = client_as("editor").get(reverse("generation:job", args=[image.job_id]))
    assert "(provider-reported)" in page.content.decode()


def test_a_price_cannot_be_entered_for_a_provider_we_price(world: World, providers: Emulator):
    new = NewKey(
        provider="openai",
        region="",
        base_url="",
        label="Team",
        personal=False,
        price_per_image_usd=Decimal("0.01"),
    )
    with pytest.raises(ValueError, match="priced from the catalog"):
        key_add(membership=world.membership("owner"), new=new, plain="sk-test-emulator-key-0000")
