"""The base UI: navigation, htmx with CSRF, empty states, no third-party hosts."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.conftest import World

PAGES = [
    ("personas:list", "No personas yet"),
    ("generation:generate", "Create a persona first"),
    ("gallery:gallery", "Generate your first portraits"),
    ("generation:costs", "it appears here once you generate"),
    ("keys:list", "built-in renderer works with no key"),
]


@pytest.mark.parametrize(("name", "empty_state"), PAGES)
def test_every_section_explains_the_next_step(
    name: str, empty_state: str, world: World, client_as
) -> None:
    page = client_as("editor").get(reverse(name))
    html = page.content.decode()
    assert page.status_code == 200
    assert empty_state in html
    for label in ["Personas", "Generate", "Gallery", "Costs", "Members", "Provider keys"]:
        assert f">{label}</a>" in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert "/static/django_htmx/htmx-2" in html  # vendored htmx 2, no CDN


def test_no_page_loads_anything_from_another_host(world: World, client_as) -> None:
    client = client_as("owner")
    urls = [reverse(name) for name, _ in PAGES] + [
        reverse("workspaces:members", args=[world.team.pk]),
        reverse("workspaces:list"),
    ]
    for url in urls:
        html = client.get(url).content.decode()
        external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
        assert external == [], url


def test_healthz_answers_once_the_database_does(db, client) -> None:
    assert client.get(reverse("healthz")).json() == {"status": "ok"}


def test_current_page_is_marked_in_the_navigation(world: World, client_as) -> None:
    html = client_as("viewer").get(reverse("gallery:gallery")).content.decode()
    assert 'href="/gallery/" aria-current="page"' in html
