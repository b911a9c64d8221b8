"""One Content-Security-Policy on every response, in every mode: pages,
fragments, redirects, static files and every error page, with DEBUG on and off."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from avatarapp.csp import origin_of, s3_image_origins
from tests.conftest import World

ROOT = Path(__file__).resolve().parent.parent

PAGE_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}


def expected_directives() -> dict[str, str]:
    images = "'self' data:"
    if os.environ.get("S3_BUCKET"):  # make test's S3 server: images come from presigned URLs
        images += " " + os.environ["S3_ENDPOINT_URL"].rstrip("/")
    return {**PAGE_DIRECTIVES, "img-src": images}


def policy_of(response: Any) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(directive.split(" ", 1) for directive in header.split("; "))


HTMX = {"HX-Request": "true"}
CASES = {  # who asks, how, where (tests/error_urls.py adds /forbidden/ and /fail/), what comes
    "page": ("owner", "get", "/personas/", {}, 200),
    "htmx fragment": ("editor", "post", "/generate/estimate/", HTMX, 200),
    "redirect": ("anonymous", "get", "/personas/", {}, 302),
    "403": ("viewer", "get", "/forbidden/", {}, 403),
    "404": ("owner", "get", "/no-such-page/", {}, 404),
    "500": ("owner", "get", "/fail/", {}, 500),
    "static file": ("anonymous", "get", "/static/css/app.css", {}, 200),
}


@pytest.mark.urls("tests.error_urls")
@pytest.mark.parametrize("debug", [False, True], ids=["DEBUG off", "DEBUG on"])
@pytest.mark.parametrize("case", CASES)
def test_every_response_carries_the_policy(
    case: str, debug: bool, client_as, settings: Any
) -> None:
    settings.DEBUG = debug
    settings.WHITENOISE_USE_FINDERS = True  # static files from the source folders
    role, method, path, headers, status = CASES[case]
    client = client_as(role)
    client.raise_request_exception = False  # answer the 500 page, as a server would
    response = getattr(client, method)(path, headers=headers)
    assert response.status_code == status
    assert policy_of(response) == expected_directives()


# What the policy would block: inline scripts (a <script> without src, other than JSON data),
# style="" attributes, on...="" handlers and htmx's hx-on, which runs through eval.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*application/json)|\sstyle=|\son[a-z]+=|\shx-on", re.I
)


def test_no_template_has_inline_script_style_or_handler() -> None:
    templates = sorted((ROOT / "templates").rglob("*.html"))
    assert templates, "found the templates"
    found = [
        f"{t.relative_to(ROOT)}: {m.group()}"
        for t in templates
        for m in INLINE.finditer(t.read_text())
    ]
    assert found == []


@pytest.mark.parametrize("debug", [False, True], ids=["DEBUG off", "DEBUG on"])
def test_htmx_is_loaded_from_files_and_told_not_to_inject_styles(
    debug: bool, world: World, client_as, settings: Any
) -> None:
    settings.DEBUG = debug  # DEBUG adds django-htmx's error-page helper, also a file
    page = client_as("owner").get(reverse("workspaces:members", args=[world.team.pk]))
    html = page.content.decode()
    assert INLINE.findall(html) == []
    scripts = re.findall(r"<script [^>]*>", html)
    assert any("/static/django_htmx/htmx-2" in tag for tag in scripts)
    assert any("/static/django_htmx/django-htmx.js" in tag for tag in scripts) is debug
    assert '"includeIndicatorStyles": false, "allowEval": false, "allowScriptTags": false' in html


@pytest.mark.parametrize(
    ("endpoint", "region", "origins"),
    [
        ("http://minio:9000", "us-east-1", ["http://minio:9000"]),
        ("https://files.example.com/s3/", "eu-west-1", ["https://files.example.com"]),
        (
            "https://user:secret@files.example.com:8443",
            "us-east-1",
            ["https://files.example.com:8443"],
        ),
        (None, "eu-west-1", ["https://s3.eu-west-1.amazonaws.com"]),
        (None, "us-east-1", ["https://s3.amazonaws.com", "https://s3.us-east-1.amazonaws.com"]),
    ],
)
def test_presigned_images_are_allowed_from_the_s3_origin_only(
    endpoint: str | None, region: str, origins: list[str]
) -> None:
    assert s3_image_origins(endpoint, region) == origins


def test_an_endpoint_that_is_not_a_url_is_refused() -> None:
    with pytest.raises(ValueError, match="not an http"):
        origin_of("minio:9000")


def test_the_public_presigning_endpoint_wins_when_settings_have_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """S3_PUBLIC_ENDPOINT_URL (used only for presigning) is what browsers see in image URLs."""
    from avatarapp import settings as settings_module

    options = {
        "endpoint_url": "http://minio:9000",
        "public_endpoint_url": None,
        "region_name": "us-east-1",
    }
    monkeypatch.setattr(settings_module, "S3_BUCKET", "avatarapp")
    monkeypatch.setattr(settings_module, "_default_storage", {"OPTIONS": options})
    assert settings_module.presigned_image_origins() == ["http://minio:9000"]
    options["public_endpoint_url"] = "https://files.example.com"
    assert settings_module.presigned_image_origins() == ["https://files.example.com"]
