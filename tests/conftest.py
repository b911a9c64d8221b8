"""Shared fixtures: a tiny world of people and the browser set-up. The offline guard is a plugin
of its own, tests/offline_plugin.py."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Request

from avatarapp.workspaces.models import Membership, Workspace
from avatarapp.workspaces.roles import Role
from avatarapp.workspaces.services import workspace_create_personal, workspace_create_team
from tests import offline
from tests.browser.support import RECORD_CSP_VIOLATIONS

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make from
# there are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = [
    "tests.offline_plugin",
    "tests.emulator.pytest_plugin",
    "tests.skip_policy",
    "tests.ratelimits",
]

PASSWORD = "correct-horse-battery-staple-test"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    # PBKDF2 at production strength costs ~0.3 s per user; tests make many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache_keys(settings: Any) -> None:
    """Every test counts from zero in the cache (rate limits, allauth's throttles): a key prefix
    of its own, because Redis outlives a test and is shared with the broker, so no flushing.
    Without it, a rerun's users (ids start again at 1) would inherit the last run's counts."""
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": uuid.uuid4().hex} for name, config in settings.CACHES.items()
    }


@pytest.fixture(autouse=True, scope="session")
def s3_bucket() -> str | None:
    """Create the test bucket on the S3 server once, when the suite runs with one (make test)."""
    name = os.environ.get("S3_BUCKET")
    if not name:
        return None
    import boto3

    boto3.client(
        "s3",
        endpoint_url=os.environ["S3_ENDPOINT_URL"],
        aws_access_key_id=os.environ["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["S3_SECRET_ACCESS_KEY"],
        region_name="us-east-1",
    ).create_bucket(Bucket=name)
    return name


# --- A tiny world per test (healthchecks' Alice/Bob/Charlie, plus one of each role). --------------


@dataclass
class World:
    team: Workspace
    owner: Any  # alice
    admin: Any  # dana
    editor: Any  # bob
    viewer: Any  # victor
    outsider: Any  # charlie, owner of another team

    def user(self, role: str) -> Any:
        return getattr(self, role)

    def membership(self, role: str) -> Membership:
        return Membership.objects.get(workspace=self.team, user=self.user(role))


def make_user(email: str) -> Any:
    from allauth.account.models import EmailAddress

    user = get_user_model().objects.create_user(
        username=email.split("@")[0], email=email, password=PASSWORD
    )
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    workspace_create_personal(user=user)
    return user


@pytest.fixture
def world(db: None) -> World:
    alice = make_user("alice@example.com")
    team = workspace_create_team(user=alice, name="Acme marketing")
    people = {
        Role.ADMIN: make_user("dana@example.com"),
        Role.EDITOR: make_user("bob@example.com"),
        Role.VIEWER: make_user("victor@example.com"),
    }
    for role, person in people.items():
        Membership.objects.create(workspace=team, user=person, role=role)
    charlie = make_user("charlie@example.com")
    workspace_create_team(user=charlie, name="Other agency")
    return World(
        team=team,
        owner=alice,
        admin=people[Role.ADMIN],
        editor=people[Role.EDITOR],
        viewer=people[Role.VIEWER],
        outsider=charlie,
    )


ROLES = ["owner", "admin", "editor", "viewer", "outsider", "anonymous"]


@pytest.fixture
def client_as(world: World):
    """client_as("editor") -> a Client logged in as the world's editor ("anonymous": no login)."""

    def make(role: str) -> Client:
        client = Client()
        if role != "anonymous":
            client.force_login(world.user(role))
        return client

    return make


# --- Browser: Debian's Chromium driven by Playwright. ---------------------------------------------

# Offline: every host but this machine resolves to nothing, IP literals included (Chromium applies
# the rules to them too), so neither a page nor Chromium itself reaches outside. Background
# networking (updates, sync, metrics, field trials, search preconnects) is also off through
# Playwright's own default switches, which include the first four flags below.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.*, EXCLUDE ::1",
]


def _record_outside_request(request: Request) -> None:
    """Chromium refuses these by itself (CHROMIUM_ARGS); the record makes the test fail."""
    url = urlsplit(request.url)
    if url.scheme in ("http", "https", "ws", "wss") and not offline.is_local_host(url.hostname):
        offline.record(f"Chromium {request.method} {request.url}")


@pytest.fixture(scope="session")
def browser(browser: Browser) -> Browser:
    """Every context records Content-Security-Policy violations (support.check_page reads them)
    and its pages' requests outside the machine (the offline guard's record)."""
    open_context = browser.new_context

    def new_context(**options: Any) -> BrowserContext:
        context = open_context(**options)
        context.add_init_script(RECORD_CSP_VIOLATIONS)
        context.on("request", _record_outside_request)
        return context

    browser.new_context = new_context  # type: ignore[method-assign]
    return browser


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }
