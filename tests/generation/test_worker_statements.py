"""What one image costs the database on the worker's side: the statements of a whole OpenAI
image, claim to settlement. Each one is a round trip and PostgreSQL CPU under a hundred threads
(make bench), so a change that adds one should mean to."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from generation import pipeline, services
from generation.models import Image
from tests.conftest import World
from tests.emulator import Emulator
from tests.generation.conftest import add_keys, make_persona

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_openai_image_takes_a_dozen_statements_or_so(world: World, providers: Emulator) -> None:
    add_keys(world.membership("owner"))
    editor = world.membership("editor")
    batch = services.BatchRequest(
        [str(make_persona(editor).pk)],
        ["builtin:corporate"],
        ["gpt-image-2"],
        2,
        "1:1",
        "1K",
        "low",
    )
    first, second = services.batch_submit(membership=editor, batch=batch).images.order_by(
        "created_at"
    )
    pipeline.run_image(first.pk)  # records the key's first use (once per interval, not per image)
    with CaptureQueriesContext(connection) as queries:
        pipeline.run_image(second.pk)
    second.refresh_from_db()
    assert second.status == Image.Status.SUCCEEDED
    # claim, read the row, the creator's membership, the key, the persona's references, record
    # the call, storing, then one transaction: succeeded, the ledger lines read and written,
    # the month's counters.
    assert len(queries.captured_queries) <= 13
