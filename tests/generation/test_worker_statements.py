"""What one image costs the database on the worker's side: the statements of a whole OpenAI
image, claim to settlement. Each one is a round trip and PostgreSQL CPU under a hundred threads
(make bench), so a change that adds one should mean to. A persona with reference images costs
one statement more, and its references still go with the call, but not with a poll."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from generation import pipeline, services
from generation.models import Image
from personas import services as persona_services
from personas.reference_files import prepare_reference
from tests.conftest import World
from tests.emulator import Emulator
from tests.generation.conftest import add_keys, make_persona
from tests.personas import images

pytestmark = pytest.mark.django_db(transaction=True)


def two_images(
    world: World, references: int = 0, model: str = "gpt-image-2"
) -> tuple[Image, Image]:
    """Two queued images of `model` for a persona with `references` reference images."""
    add_keys(world.membership("owner"))
    editor = world.membership("editor")
    persona = make_persona(editor)
    prepared = [prepare_reference(images.png(seed=i)) for i in range(references)]
    persona_services.reference_add(persona=persona, user=world.editor, prepared=prepared)
    batch = services.BatchRequest(
        [str(persona.pk)], ["builtin:corporate"], [model], 2, "1:1", "1K", "low"
    )
    first, second = services.batch_submit(membership=editor, batch=batch).images.order_by(
        "created_at"
    )
    return first, second


def test_an_openai_image_takes_a_dozen_statements_or_so(world: World, providers: Emulator) -> None:
    first, second = two_images(world)
    pipeline.run_image(first.pk)  # records the key's first use (once per interval, not per image)
    with CaptureQueriesContext(connection) as queries:
        pipeline.run_image(second.pk)
    second.refresh_from_db()
    assert second.status == Image.Status.SUCCEEDED
    # claim, read the row (and whether the persona has references), the key with the creator's
    # access to it, record the call, storing, then one transaction: succeeded, the ledger lines
    # read and written and mirrored on the image (for the Costs page), the month's counters and
    # whether they passed an alert threshold (generation.alerts.spend_moved: one read when
    # nothing is due).
    assert len(queries.captured_queries) <= 13


def test_a_personas_references_go_with_the_call(world: World, providers: Emulator) -> None:
    first, second = two_images(world, references=2)
    pipeline.run_image(first.pk)
    with CaptureQueriesContext(connection) as queries:
        pipeline.run_image(second.pk)
    second.refresh_from_db()
    assert second.status == Image.Status.SUCCEEDED
    sent = providers.requests[-1]
    assert sent.operation == "images.edit"
    assert sent.form is not None
    assert len(sent.form["image"]) == 2
    assert len(queries.captured_queries) <= 14  # the references' own statement on top


def test_a_poll_reads_no_references(world: World, providers: Emulator) -> None:
    """A BFL poll needs the key and the polling URL, not the request: the persona's reference
    images are read (from the database and storage) for the submit only."""
    providers.configure(latency_overrides={"flux-2-pro": 60})
    image, _ = two_images(world, references=2, model="flux-2-pro")
    pipeline.run_image(image.pk)
    image.refresh_from_db()
    assert image.status == Image.Status.POLLING
    with CaptureQueriesContext(connection) as queries:
        pipeline.poll_image(image.pk)
    assert providers.count(operation="poll") == 1
    assert not [q for q in queries.captured_queries if "personas_referenceimage" in q["sql"]]
