"""Persona test helpers: clients whose current workspace is the team, personas, stored files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.test import Client

from avatarapp.workspaces.access import SESSION_KEY
from avatarapp.workspaces.models import Workspace
from personas.models import Persona
from tests.conftest import World

TeamClient = Callable[[str], Client]


@pytest.fixture(autouse=True)
def private_media(settings: Any, tmp_path: Path) -> None:
    """Local storage goes to a fresh folder per test (S3, when configured, is used as it is)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()


@pytest.fixture
def team_client(world: World, client_as: Callable[[str], Client]) -> TeamClient:
    """team_client("editor"): logged in, with the team as the current workspace. The outsider's
    session names the team too, but membership is re-checked, so they land in their own."""

    def make(role: str) -> Client:
        client = client_as(role)
        if role != "anonymous":
            session = client.session
            session[SESSION_KEY] = str(world.team.pk)
            session.save()
        return client

    return make


def make_persona(workspace: Workspace, **fields: Any) -> Persona:
    defaults: dict[str, Any] = {
        "name": "Maya Costa",
        "age_range": "35-44",
        "gender": "woman",
        "location": "Lisbon, Portugal",
        "occupation": "Product manager",
        "industry": "fintech",
        "personality": "warm, analytical",
        "goals": "Ship a mobile app this quarter",
        "pain_points": "Too many status meetings",
        "backstory": "Grew up in Porto, moved to Lisbon for a startup.",
        "tags": ["b2b", "early adopter"],
        "skin_tone": "medium brown",
        "hair_colour": "black",
        "hair_style": "curly bob",
        "eye_colour": "brown",
        "build": "slim",
        "features": "freckles across the nose",
        "wardrobe": "navy blazer over a white t-shirt",
        "accessories": "round glasses",
    }
    return Persona.objects.create(workspace=workspace, **{**defaults, **fields})


@pytest.fixture
def persona(world: World) -> Persona:
    return make_persona(world.team, created_by=world.owner)


def stored_files(persona: Persona) -> list[str]:
    """Every stored object under the persona's folder, on local storage or S3."""
    folder = f"personas/{persona.workspace_id}/{persona.pk}"
    try:
        _, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    return sorted(files)
