"""What a logged-in user is sent is never kept by a shared cache, and pages are
not kept at all (Cache-Control: no-store). Image bytes are private to the browser for a short
while (avatarapp/caching.py says why); static files keep WhiteNoise's public caching."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from avatarapp.workspaces.access import SESSION_KEY
from tests.conftest import World
from tests.keys.conftest import keyring_entry
from tests.site_pages import MEMBER_FRAGMENTS, MEMBER_PAGES, Page, Site, build_site


def directives(response: Any) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.fixture
def site(world: World, settings: Any) -> Site:
    settings.KEY_ENCRYPTION_KEYS = keyring_entry(1)
    settings.KEY_FINGERPRINT_SECRET = "a-test-fingerprint-secret-of-enough-length-0123456789"
    return build_site(world.membership("owner"))


@pytest.fixture
def owner(world: World, client_as) -> Client:
    """The owner, looking at the team (their personal workspace would be the default)."""
    client = client_as("owner")
    session = client.session
    session[SESSION_KEY] = str(world.team.pk)
    session.save()
    return client


@pytest.mark.parametrize("page", MEMBER_PAGES + MEMBER_FRAGMENTS, ids=lambda page: page[0])
def test_pages_and_fragments_for_a_logged_in_user_are_not_stored(
    page: Page, site: Site, owner: Client
) -> None:
    headers = {"HX-Request": "true"} if page in MEMBER_FRAGMENTS else {}
    response = owner.get(site.url(page), headers=headers)
    assert response.status_code == (404 if page[0].startswith("/") else 200)
    assert "no-store" in directives(response), response.get("Cache-Control")


def test_htmx_posts_redirects_and_errors_are_not_stored_either(site: Site, owner: Client) -> None:
    estimate = owner.post(reverse("generation:estimate"), {}, headers={"HX-Request": "true"})
    home = owner.get(reverse("home"))
    wrong_variant = owner.get(reverse("generation:image_file", args=[site.image.pk, "nope"]))
    assert (estimate.status_code, home.status_code, wrong_variant.status_code) == (200, 302, 404)
    for response in (estimate, home, wrong_variant):
        assert directives(response) == {"no-store"}


@pytest.mark.parametrize("variant", ["thumbnail", "original"], ids=["thumbnail", "original"])
def test_image_bytes_stay_in_the_users_own_browser_only(
    variant: str, site: Site, owner: Client
) -> None:
    response = owner.get(reverse("generation:image_file", args=[site.image.pk, variant]))
    assert response.status_code in (200, 302)  # streamed, or a presigned S3 URL
    cache = directives(response)
    assert "private" in cache
    assert "public" not in cache
    max_age = next(int(d.split("=")[1]) for d in cache if d.startswith("max-age="))
    assert 0 < max_age <= 300


def test_reference_images_are_private_too(site: Site, owner: Client) -> None:
    reference = site.persona.references.get()
    url = reverse("personas:reference_file", args=[site.persona.pk, reference.pk, "thumb"])
    assert "private" in directives(owner.get(url))


@pytest.mark.parametrize("role", ["anonymous", "owner"])
def test_static_files_keep_their_public_cache_headers(role: str, client_as, settings: Any) -> None:
    # Served from the source folders, so the test needs no collectstatic.
    settings.WHITENOISE_USE_FINDERS = True
    response = client_as(role).get("/static/css/app.css")
    assert response.status_code == 200
    cache = directives(response)
    assert "public" in cache
    assert "no-store" not in cache
    assert "private" not in cache
