"""A call carries no more of the persona's reference images than its model takes: the estimate and
the prompt count `min(references, max_references)`, so sending more would bill what nobody saw
priced (a self-hosted server's entry takes none; FLUX1.1 takes one)."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from catalog import BUILTIN_MODEL_ID, SELF_HOSTED_MODEL_ID, get_model
from generation import services
from generation.provider_call import build_request, images_for_call, reference_limit
from generation.providers.registry import entry
from personas import services as persona_services
from personas.reference_files import prepare_reference
from tests.conftest import World
from tests.emulator import Emulator
from tests.generation.conftest import add_keys, make_persona
from tests.personas import images

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("model_id", "limit"),
    [(SELF_HOSTED_MODEL_ID, 0), ("flux-pro-1.1", 1), ("gpt-image-2", 16), (BUILTIN_MODEL_ID, 0)],
)
def test_the_limit_is_what_the_model_takes(model_id: str, limit: int) -> None:
    model = get_model(model_id)
    assert reference_limit(model, entry(model.provider)) == limit


def test_a_request_carries_at_most_the_limit_and_the_first_ones(
    world: World, providers: Emulator
) -> None:
    add_keys(world.membership("owner"))
    editor = world.membership("editor")
    persona = make_persona(editor)
    prepared = [prepare_reference(images.png(seed=i)) for i in range(3)]
    stored = persona_services.reference_add(persona=persona, user=world.editor, prepared=prepared)
    batch = services.BatchRequest(
        [str(persona.pk)], ["builtin:corporate"], ["gpt-image-2"], 1, "1:1", "1K", "low"
    )
    queued = services.batch_submit(membership=editor, batch=batch).images.get()
    image = images_for_call().get(pk=queued.pk)

    assert build_request(image, 0).references == ()
    first = build_request(image, 1).references
    assert len(first) == 1
    with default_storage.open(stored[0].storage_name) as original:
        assert first[0].data == original.read()
    assert len(build_request(image, 16).references) == 3
