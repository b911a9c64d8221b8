"""The benchmark's database and the people, key and personas in it (Django is set up by then).

Runs in the orchestrator process against its own database (`avatarapp_bench`), which is dropped
and made again on every run.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import boto3
import psycopg
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.test import Client

from avatarapp.workspaces.access import SESSION_KEY
from avatarapp.workspaces.models import Membership, Workspace
from avatarapp.workspaces.services import workspace_create_personal, workspace_create_team
from generation.provider_keys.services import NewKey, key_add
from personas.models import Persona

OPENAI_KEY = "sk-test-bench-emulator-0000"  # obviously fake (tests/emulator/README.md, Keys)
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


def recreate_database(database_url: str) -> None:
    """Drop and create the database named in `database_url` (connecting to `postgres`)."""
    name = psycopg.conninfo.conninfo_to_dict(database_url)["dbname"]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def migrate() -> None:
    call_command("migrate", interactive=False, verbosity=0)


def create_bucket() -> None:
    options = settings.STORAGES["default"]["OPTIONS"]
    client = boto3.client(
        "s3",
        endpoint_url=options["endpoint_url"],
        aws_access_key_id=options["access_key"],
        aws_secret_access_key=options["secret_key"],
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=options["bucket_name"])


@dataclass
class World:
    user: Any
    workspace: Workspace
    membership: Membership
    personas: list[Persona]


def make_personas(membership: Membership, count: int, label: str) -> list[Persona]:
    """`count` personas whose occupation carries a number, so every prompt is unique and each
    request the emulator records can be matched to its Image row."""
    return Persona.objects.bulk_create(
        Persona(
            workspace_id=membership.workspace_id,
            created_by=membership.user,
            name=f"{label} {i:05d}",
            occupation=f"{label.lower()} subject {i:05d}",
            location="Lisbon",
            **LOOK,
        )
        for i in range(count)
    )


def make_world(personas: int) -> World:
    user = get_user_model().objects.create_user(
        username="bench", email="bench@example.com", password=secrets.token_urlsafe(24)
    )
    workspace_create_personal(user=user)
    workspace = workspace_create_team(user=user, name="Bench studio")
    membership = Membership.objects.get(workspace=workspace, user=user)
    new = NewKey(provider="openai", region="", base_url="", label="bench", personal=False)
    key_add(membership=membership, new=new, plain=OPENAI_KEY)
    return World(user, workspace, membership, make_personas(membership, personas, "Bench"))


def session_for(user: Any, workspace: Workspace) -> str:
    """A logged-in session (in the database, like a browser's) with `workspace` current."""
    client = Client()
    client.force_login(user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    session = SessionStore(session_key=key)
    session[SESSION_KEY] = str(workspace.pk)
    session.save()
    return key
