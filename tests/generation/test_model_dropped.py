"""Issue 15's Must show: Google's model list drops a model while a batch is queued. An admin's
"Check now" reads the list; the queued images of that model fail for good with "not offered by
Google any more" and their reservations come back to the cent; a new submit is refused with the
same sentence and reserves nothing; the Generate page greys the model out; and the real worker,
started afterwards, makes the batch's other images and never calls Google for the dropped ones."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from avatarapp.keys.models import ProviderKey
from generation import ledger, services
from generation.models import Image, LedgerEntry
from generation.offer import dom_id
from tests.conftest import World
from tests.emulator import Emulator
from tests.generation.conftest import add_keys, all_terminal, generate_form, make_persona, wait_for
from tests.markup import find, text

pytestmark = pytest.mark.django_db(transaction=True)

DROPPED = "gemini-2.5-flash-image"
SENTENCE = (
    "Gemini 2.5 Flash Image (Nano Banana) is not offered by Google any more; choose another model."
)


def lines(image: Image) -> dict[str, Decimal]:
    return dict(LedgerEntry.objects.filter(image=image).values_list("kind", "amount_usd"))


def test_a_model_dropped_while_its_batch_is_queued(
    world: World,
    providers: Emulator,
    in_team: Callable[[str], Client],
    request: pytest.FixtureRequest,
) -> None:
    add_keys(world.membership("owner"))  # their checks read OpenAI's and Google's lists
    editor = world.membership("editor")
    persona = make_persona(editor, name="Maya Costa")
    batch = services.BatchRequest(
        [str(persona.pk)], ["builtin:corporate"], [DROPPED, "gpt-image-2"], 2, "1:1", "1K", "low"
    )
    job = services.batch_submit(
        membership=editor, batch=batch
    )  # enqueued; no worker runs yet, so all four wait
    images = list(job.images.order_by("created_at"))
    dropped = [i for i in images if i.model_id == DROPPED]
    made = [i for i in images if i.model_id != DROPPED]
    assert [i.status for i in images] == ["queued"] * 4
    reserved = ledger.budget_status(world.team).reserved
    assert reserved == sum(i.estimated_usd for i in images)

    # Google stops naming the model; an admin checks the Google key.
    providers.configure(gemini_models=[m for m in providers.model_list("gemini") if m != DROPPED])
    key = ProviderKey.objects.get(workspace=world.team, provider="google")
    checked = in_team("admin").post(reverse("keys:check", args=[key.pk]))
    assert checked.status_code == 302

    # The queued images of the dropped model failed for good, their reservations released.
    for image in dropped:
        image.refresh_from_db()
        assert (image.status, image.error_message) == ("failed", SENTENCE)
        assert lines(image) == {"reservation": image.estimated_usd, "release": image.estimated_usd}
    dropped_total = sum(i.estimated_usd for i in dropped)
    assert ledger.budget_status(world.team).reserved == reserved - dropped_total

    # A new submit of that model is refused with the sentence: nothing created, nothing reserved.
    client = in_team("editor")
    refused = client.post(reverse("generation:generate"), generate_form(persona, models=[DROPPED]))
    html = refused.content.decode()
    assert refused.status_code == 200
    assert text(find(html, id="id_models_error")) == SENTENCE
    assert world.team.jobs.count() == 1
    assert ledger.budget_status(world.team).reserved == reserved - dropped_total

    # The Generate page greys it out and says why.
    page = client.get(reverse("generation:generate")).content.decode()
    assert "disabled" in dict(find(page, "input", name="models", value=DROPPED).attributes)
    assert text(find(page, id=f"{dom_id(DROPPED)}-note")) == "Not offered by Google any more."

    # The real worker takes the queue: the other images are made, Google is never asked.
    request.getfixturevalue("worker")
    wait_for(lambda: all_terminal(job.pk), what="the batch to finish")
    for image in made:
        image.refresh_from_db()
        assert image.status == "succeeded", image.error_message
        assert lines(image)["settlement"] == image.actual_usd
    for image in dropped:
        image.refresh_from_db()
        assert (image.status, image.error_message) == ("failed", SENTENCE)
        assert "settlement" not in lines(image)
    assert providers.count(operation="generateContent") == 0
    assert providers.count(operation="images.generate") == 2
    final = ledger.budget_status(world.team)
    assert final.reserved == 0
    assert final.spent == sum(i.actual_usd or 0 for i in made)
