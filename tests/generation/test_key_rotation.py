"""A provider refuses a key for quota or rate limits: the image moves to the workspace's next key of
that provider at once (generation/failed_attempts.py rotate_key), with a real worker and every
provider."""

from __future__ import annotations

import pytest

from avatarapp.keys.models import ProviderKey
from generation import ledger, services
from generation.models import Image, LedgerEntry
from generation.provider_keys.services import NewKey, key_add
from tests.conftest import World
from tests.emulator import Emulator
from tests.generation.conftest import add_keys, all_terminal, make_persona, wait_for
from tests.providers.conftest import BFL_KEY, GOOGLE_KEY, OPENAI_KEY

pytestmark = pytest.mark.django_db(transaction=True)

# provider, a model of it, the key added first (refused), a second key of the same provider
SECOND_KEYS = {
    "openai": ("gpt-image-2", OPENAI_KEY, "sk-test-emulator-second"),
    "bfl": ("flux-2-pro", BFL_KEY, "bfl-test-emulator-second"),
    "google": ("gemini-2.5-flash-image", GOOGLE_KEY, "AIza-test-emulator-second"),
}


@pytest.mark.parametrize(
    ("provider", "fault"),
    [
        # Each provider once, and both kinds of refusal (a worker per case costs a second).
        ("openai", "insufficient_quota"),  # 429 insufficient_quota: permanent for that key
        ("bfl", "insufficient_quota"),  # 402: no credits left on that key
        ("google", "rate_limit"),  # 429 RESOURCE_EXHAUSTED: another key need not wait
    ],
)
def test_a_refused_key_hands_the_image_to_the_next_key(
    world: World, providers: Emulator, worker: None, provider: str, fault: str
) -> None:
    owner = world.membership("owner")
    first = add_keys(owner)[provider]
    model, first_plain, second_plain = SECOND_KEYS[provider]
    region = "global" if provider == "bfl" else ""
    second, _ = key_add(
        membership=owner, new=NewKey(provider, region, "", "second key", False), plain=second_plain
    )
    first_status = ProviderKey.objects.get(pk=first.pk).status
    providers.add_fault(fault, key=first_plain)  # every image request with the first key
    persona = make_persona(world.membership("editor"))
    batch = services.BatchRequest(
        [str(persona.pk)], ["builtin:corporate"], [model], 1, "1:1", "1K", "low"
    )
    job = services.batch_submit(membership=world.membership("editor"), batch=batch)
    wait_for(lambda: all_terminal(job.pk), what="the image to finish")

    image = Image.objects.get(job=job)
    assert (image.status, image.attempts) == ("succeeded", 2), image.error_message
    assert image.provider_key_id == second.pk
    # Money: reserved against the key picked at submit, charged to the key that made the image.
    lines = {line.kind: line for line in LedgerEntry.objects.filter(image=image)}
    assert lines["reservation"].provider_key_id == first.pk
    assert lines["settlement"].provider_key_id == second.pk
    assert lines["settlement"].amount_usd == image.actual_usd
    assert lines["release"].amount_usd == lines["reservation"].amount_usd
    status = ledger.budget_status(world.team)
    assert (status.reserved, status.spent) == (0, image.actual_usd)
    # Quota and rate limits are about the account, not the key: the first key is not marked
    # refused (that would drop it from every later job until someone checks it again).
    assert ProviderKey.objects.get(pk=first.pk).status == first_status != "invalid"
    # One image request per key: the refused one, then the one that made the image.
    assert providers.submit_count(first_plain) == 1
    assert providers.submit_count(second_plain) == 1
