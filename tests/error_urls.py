"""The app's URLs plus two that fail, for tests of what the error pages answer."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from avatarapp.urls import urlpatterns as app_urlpatterns


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a deliberate failure, to see the 500 page")


def forbid(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("a deliberate refusal, to see the 403 page")


urlpatterns = [*app_urlpatterns, path("fail/", fail), path("forbidden/", forbid)]
