"""The Content-Security-Policy header, on every response the app sends, in every mode.

The policy is fixed: no nonces, no per-view exceptions, so a few lines do what django-csp would.
django-csp 4.0 was considered and not used: it leaves the header off 404 and 500 responses
whenever DEBUG is on (its middleware exempts them for Django's debug pages), and the policy must
hold in every mode. The setting, SECURE_CSP, has the shape of Django 6.0's setting of that name
(directive -> list of sources), so moving to Django's own middleware then is a one-line change.

Django's technical 404/500 pages (DEBUG only) style themselves inline, so under this policy they
show unstyled; their content is all there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

HEADER = "Content-Security-Policy"
SELF = "'self'"
NONE = "'none'"


def header_value(directives: Mapping[str, Sequence[str]]) -> str:
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an http(s) URL")
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def s3_image_origins(endpoint_url: str | None, region: str) -> list[str]:
    """The origins of presigned URLs for path-style S3 at `endpoint_url` (None: AWS itself)."""
    if endpoint_url:
        return [origin_of(endpoint_url)]
    if region == "us-east-1":  # botocore presigns on the global name; newer ones may not
        return ["https://s3.amazonaws.com", "https://s3.us-east-1.amazonaws.com"]
    return [f"https://s3.{region}.amazonaws.com"]


class ContentSecurityPolicyMiddleware:
    """First in MIDDLEWARE, so redirects, static files and error pages carry the policy too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        # Read on each response (a join of a few strings) so tests may override the setting.
        response[HEADER] = header_value(settings.SECURE_CSP)
        return response
