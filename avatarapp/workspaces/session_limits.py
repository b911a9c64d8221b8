"""Idle and absolute session limits, without a session write per request.

A signed-in session carries two times (whole seconds since the epoch):
- SIGNED_IN_AT, set at login: SESSION_ABSOLUTE_TIMEOUT_HOURS count from it, whatever the session
  does afterwards, so a stolen cookie that a script keeps busy still dies.
- ACTIVE_AT, the person's last activity: SESSION_IDLE_TIMEOUT_MINUTES count from it.

What counts as activity: what the person does. A page load, a form post, an htmx request that sends
something (POST: the live estimate, saving a persona, cancelling an image) and htmx-boosted
navigation are activity. Other htmx GETs are not: the page fires them by itself (a job page polls
every 2 s until its images are done), and counting them would keep a forgotten tab signed in
forever.

Writes: ACTIVE_AT is rewritten only when it is older than ACTIVITY_RESOLUTION_SECONDS, so an active
person costs at most one session write a minute and a poll never costs one. The price: the idle
limit is exact to within that minute (a session may end up to a minute early).

A session that reaches a limit is ended at its next request: the person is sent to the login page
with a sentence saying why, and `next` brings them back to the page they were on (for an htmx poll,
the page that polled, via HX-Redirect).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

SIGNED_IN_AT = "signed_in_at"
ACTIVE_AT = "active_at"
ACTIVITY_RESOLUTION_SECONDS = 60


def _now() -> int:
    return int(time.time())


def _plain_duration(seconds: int) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"


def _idle_seconds() -> int:
    return int(settings.SESSION_IDLE_TIMEOUT_MINUTES) * 60


def _absolute_seconds() -> int:
    return int(settings.SESSION_ABSOLUTE_TIMEOUT_HOURS) * 3600


@receiver(user_logged_in, dispatch_uid="session_limits_start_clock")
def start_clock(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """Every login starts both clocks, a login of the same person in the same browser included."""
    if request is not None and hasattr(request, "session"):
        now = _now()
        request.session[SIGNED_IN_AT] = now
        request.session[ACTIVE_AT] = now


def is_activity(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    if not htmx or htmx.boosted:
        return True
    return request.method not in ("GET", "HEAD")


def _same_site_path(url: str | None, request: HttpRequest) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != request.get_host():
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if not url_has_allowed_host_and_scheme(path, allowed_hosts={request.get_host()}):
        return None
    return path


def _where_they_were(request: HttpRequest) -> str:
    """The page to come back to after logging in again."""
    htmx = getattr(request, "htmx", None)
    if htmx:
        place = htmx.current_url_abs_path  # the page that polled or posted, not the fragment
    elif request.method in ("GET", "HEAD"):
        place = request.get_full_path()
    else:
        # A form posted after the limit: come back to the page the form was on.
        place = _same_site_path(request.headers.get("Referer"), request)
    return place or "/"


def _end(request: HttpRequest, reason: str) -> HttpResponse:
    place = _where_they_were(request)
    logout(request)
    messages.info(request, reason)
    login = redirect_to_login(place)
    if getattr(request, "htmx", None):
        return HttpResponseClientRedirect(login["Location"])
    return login


def limit_reached(request: HttpRequest) -> HttpResponse | None:
    """End the session if it is over a limit; otherwise note activity when it counts."""
    session = request.session
    now = _now()
    signed_in_at, active_at = session.get(SIGNED_IN_AT), session.get(ACTIVE_AT)
    if not isinstance(signed_in_at, int) or not isinstance(active_at, int):
        # A session from before these limits existed: its clocks start now.
        session[SIGNED_IN_AT] = session[ACTIVE_AT] = now
        return None
    reason = None
    if now - signed_in_at >= _absolute_seconds():
        every = _plain_duration(_absolute_seconds())
        reason = f"For your security, you log in again every {every}."
    elif now - active_at >= _idle_seconds():
        idle = _plain_duration(_idle_seconds())
        reason = f"You were signed out after {idle} without activity."
    if reason:
        return _end(request, f"{reason} Log in to carry on where you left off.")
    if is_activity(request) and now - active_at >= ACTIVITY_RESOLUTION_SECONDS:
        session[ACTIVE_AT] = now
    return None


class SessionLimitsMiddleware:
    """Runs after authentication and django-htmx, before anything that uses the workspace."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            ended = limit_reached(request)
            if ended is not None:
                return ended
        return self.get_response(request)
