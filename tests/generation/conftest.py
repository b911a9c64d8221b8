"""The generation pipeline wired to real services: the emulator for providers, the S3 server,
Redis and a real Celery worker (threads pool, in this process)."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from avatarapp.celery import app
from avatarapp.workspaces.models import Membership
from catalog import get_model
from generation import services
from generation.models import Image, Job
from generation.provider_keys.services import NewKey, key_add
from personas.models import Persona
from tests.conftest import World
from tests.emulator import Emulator
from tests.providers.conftest import (
    APIMART_KEY,
    BFL_KEY,
    FAL_KEY,
    GOOGLE_KEY,
    HIAPI_KEY,
    OPENAI_KEY,
    OPENROUTER_KEY,
    bfl_allowlists,
    fal_host_settings,
    gateway_settings,
    gemini_root,
)

LOOK = {
    "skin_tone": "medium brown",
    "hair_colour": "black",
    "hair_style": "short curly",
    "eye_colour": "brown",
    "build": "athletic",
    "features": "freckles",
    "wardrobe": "navy blazer over a white shirt",
    "accessories": "round glasses",
}


@pytest.fixture
def providers(settings: Any, emulator: Emulator) -> Emulator:
    """Point every provider setting at the emulator on loopback."""
    polling, delivery = bfl_allowlists(emulator)
    settings.OPENAI_BASE_URL = emulator.openai_base_url
    settings.GOOGLE_BASE_URL = gemini_root(emulator)
    settings.OPENROUTER_BASE_URL = emulator.openrouter_base_url
    settings.BFL_BASE_URLS = {
        "global": emulator.bfl_base_url,
        "eu": emulator.bfl_eu_base_url,
        "us": emulator.bfl_us_base_url,
    }
    settings.BFL_POLL_HOSTS, settings.BFL_POLL_SCHEME = list(polling.hosts), polling.scheme
    settings.BFL_DELIVERY_HOSTS, settings.BFL_DELIVERY_SCHEME = (
        list(delivery.hosts),
        delivery.scheme,
    )
    fal = fal_host_settings(emulator)
    settings.FAL_QUEUE_BASE_URL, settings.FAL_API_BASE_URL = (
        fal["FAL_QUEUE_BASE_URL"],
        fal["FAL_API_BASE_URL"],
    )
    settings.FAL_QUEUE_HOSTS, settings.FAL_QUEUE_SCHEME = (
        [fal["FAL_QUEUE_HOSTS"]],
        fal["FAL_QUEUE_SCHEME"],
    )
    settings.FAL_DELIVERY_ORIGINS = [fal["FAL_DELIVERY_ORIGINS"]]
    for name, value in gateway_settings(emulator).items():
        setattr(settings, name, value == "true" if name.startswith("ALLOW_") else value)
    return emulator


@pytest.fixture
def worker(transactional_db: None) -> Iterator[None]:
    if not os.environ.get("REDIS_URL"):
        pytest.skip("Needs the Redis broker and a real worker; make test starts Redis.")
    with start_worker(
        app, pool="threads", concurrency=8, perform_ping_check=False, loglevel="WARNING"
    ):
        yield


def make_persona(membership: Membership, name: str = "Mia Chen", **fields: Any) -> Persona:
    values = {"occupation": "product marketer", **LOOK, **fields}
    return Persona.objects.create(
        workspace_id=membership.workspace_id, created_by=membership.user, name=name, **values
    )


def submit_builtin(membership: Membership, count: int = 1) -> Job:
    """A job of the built-in renderer (no key needed) for a new persona."""
    persona = make_persona(membership)
    batch = services.BatchRequest(
        [str(persona.pk)], ["builtin:corporate"], ["builtin"], count, "1:1", "1K", "low"
    )
    return services.batch_submit(membership=membership, batch=batch)


def add_keys(membership: Membership, *, bfl_region: str = "global") -> dict[str, Any]:
    keys = {}
    for provider, plain, region in [
        ("openai", OPENAI_KEY, ""),
        ("bfl", BFL_KEY, bfl_region),
        ("google", GOOGLE_KEY, ""),
        ("openrouter", OPENROUTER_KEY, ""),
    ]:
        new = NewKey(
            provider=provider, region=region, base_url="", label=f"{provider} team", personal=False
        )
        keys[provider], _ = key_add(membership=membership, new=new, plain=plain)
    return keys


def add_fal_key(membership: Membership) -> Any:
    """A checked-in fal.ai workspace key (the emulator's), apart from add_keys so that tests
    counting those keys stay as they are."""
    new = NewKey(provider="fal", region="", base_url="", label="fal team", personal=False)
    key, _ = key_add(membership=membership, new=new, plain=FAL_KEY)
    return key


def add_gateway_keys(membership: Membership) -> None:
    """Workspace keys for HiAPI and APIMart, checked live against the emulator."""
    for provider, plain in [("hiapi", HIAPI_KEY), ("apimart", APIMART_KEY)]:
        new = NewKey(
            provider=provider, region="", base_url="", label=f"{provider} team", personal=False
        )
        key_add(membership=membership, new=new, plain=plain)


def store_every_key(membership: Membership) -> None:
    """A saved workspace key for every provider (no live check), so every model can be picked."""
    from tests.keys.factories import bfl_key, google_key, openai_key, store_key

    for provider, plain in [
        ("openai", openai_key()),
        ("bfl", bfl_key()),
        ("google", google_key()),
        ("openai_compatible", openai_key("own")),
    ]:
        store_key(membership, plain, provider=provider, label=f"{provider} team")


def finished_in(membership: Membership, persona: Persona, model_id: str, *seconds: float) -> Job:
    """A batch of `model_id` portraits that each took these seconds (the workspace's history)."""
    from tests.gallery.factories import make_image, make_job

    job = make_job(membership)
    provider = str(get_model(model_id).provider)
    for each in seconds:
        make_image(job, persona, model_id=model_id, provider=provider, latency_ms=int(each * 1000))
    return job


def wait_for(condition: Callable[[], bool], seconds: float = 30, what: str = "condition") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def all_terminal(job_id: uuid.UUID) -> bool:
    return not Image.objects.filter(job_id=job_id).unfinished().exists()


@pytest.fixture
def in_team(world: World, client_as: Callable[[str], Client]) -> Callable[[str], Client]:
    """in_team("editor"): a logged-in client whose current workspace is the team."""

    def make(role: str) -> Client:
        client = client_as(role)
        client.post(reverse("workspaces:switch", args=[world.team.pk]))
        return client

    return make


@pytest.fixture
def persona(world: World) -> Persona:
    """A persona in the team, made by its editor."""
    return make_persona(world.membership("editor"))


def generate_form(persona: Persona, **changes: Any) -> dict[str, Any]:
    """What the Generate form posts for one image of `persona` by the built-in renderer (no key
    needed), with `changes` applied."""
    data = {
        "personas": [str(persona.pk)],
        "styles": ["builtin:corporate"],
        "models": ["builtin"],
        "per_combination": "1",
        "aspect_ratio": "1:1",
        "resolution": "1K",
        "quality": "low",
    }
    return {**data, **changes}


def provider_called(world: World) -> Image:
    """An editor's GPT Image 2 portrait, submitted and now waiting on the provider (running), so
    a test can hand `pipeline._finish` the provider's answer it wants."""
    add_keys(world.membership("owner"))
    editor = world.membership("editor")
    batch = services.BatchRequest(
        [str(make_persona(editor).pk)],
        ["builtin:corporate"],
        ["gpt-image-2"],
        1,
        "1:1",
        "1K",
        "low",
    )
    image = services.batch_submit(membership=editor, batch=batch).images.get()
    Image.objects.filter(pk=image.pk).update(status="running", provider_call_at=timezone.now())
    image.refresh_from_db()
    return image
