"""Idle and absolute session limits, polls that keep nothing alive, and signing
out everywhere else. Time moves by setting a session's stored clocks back: no sleeping."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_htmx.middleware import HtmxMiddleware

from avatarapp.workspaces.session_limits import (
    ACTIVE_AT,
    ACTIVITY_RESOLUTION_SECONDS,
    SIGNED_IN_AT,
    is_activity,
)
from generation.models import Job
from tests.conftest import PASSWORD, World
from tests.generation.conftest import submit_builtin

IDLE = 120 * 60  # the defaults: 2 hours idle, 12 hours in all
ABSOLUTE = 12 * 3600


def _log_in(email: str, next_url: str = "") -> Client:
    """A browser that logged in through the login form, as a person does."""
    client = Client()
    url = reverse("account_login") + (f"?next={quote(next_url)}" if next_url else "")
    response = client.post(url, {"login": email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def _set_clocks_back(client: Client, **seconds_ago: int) -> None:
    """_set_clocks_back(client, active_at=7200): that clock now reads 7200 seconds earlier."""
    session = client.session
    for key, seconds in seconds_ago.items():
        session[key] -= seconds
    session.save()


def _session_writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


@pytest.fixture
def job(world: World) -> Job:
    return submit_builtin(world.membership("editor"))


def test_an_idle_session_ends_and_logging_in_returns_to_the_page(world: World) -> None:
    client = _log_in("bob@example.com")
    _set_clocks_back(client, **{ACTIVE_AT: IDLE})
    page = reverse("gallery:gallery") + "?q=beach"
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=" + quote(page, safe="/")
    login_page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 2 hours without activity." in login_page
    assert client.get(reverse("personas:list")).status_code == 302  # the session is gone
    again = client.post(response["Location"], {"login": "bob@example.com", "password": PASSWORD})
    assert again["Location"] == page


def test_activity_just_inside_the_idle_limit_keeps_the_session_and_restarts_it(
    world: World,
) -> None:
    client = _log_in("bob@example.com")
    _set_clocks_back(client, **{ACTIVE_AT: IDLE - 60})
    before = client.session[ACTIVE_AT]
    assert client.get(reverse("personas:list")).status_code == 200
    assert client.session[ACTIVE_AT] >= before + IDLE - 60


def test_the_absolute_limit_ends_even_a_busy_session(world: World) -> None:
    client = _log_in("bob@example.com")
    _set_clocks_back(client, **{SIGNED_IN_AT: ABSOLUTE})  # active a moment ago, in for 12 hours
    response = client.get(reverse("personas:list"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("account_login") + "?next=/personas/")
    assert "you log in again every 12 hours" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_limits_come_from_settings(world: World, settings) -> None:
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 15
    client = _log_in("bob@example.com")
    _set_clocks_back(client, **{ACTIVE_AT: 15 * 60})
    response = client.get(reverse("personas:list"), follow=True)
    assert "You were signed out after 15 minutes without activity." in response.content.decode()


def test_polls_neither_extend_the_idle_time_nor_write_the_session(world: World, job: Job) -> None:
    client = _log_in("bob@example.com")
    job_page = reverse("generation:job", args=[job.pk])
    poll_urls = [
        reverse("generation:job_progress", args=[job.pk]),
        reverse("generation:image_card", args=[job.images.get().pk]),
    ]
    htmx = {"HX-Request": "true", "HX-Current-URL": f"http://testserver{job_page}"}
    assert client.get(job_page).status_code == 200  # the person opens the job page
    _set_clocks_back(client, **{ACTIVE_AT: IDLE - 30})  # 30 seconds left
    active_at = client.session[ACTIVE_AT]
    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            for url in poll_urls:
                assert client.get(url, headers=htmx).status_code == 200
    assert _session_writes(queries) == []
    assert client.session[ACTIVE_AT] == active_at
    _set_clocks_back(client, **{ACTIVE_AT: 30})  # the last 30 seconds pass, polling on
    ended = client.get(poll_urls[0], headers=htmx)
    # The page that polled goes to the login page, which brings the person back to it.
    assert ended["HX-Redirect"] == reverse("account_login") + "?next=" + quote(job_page, safe="/")
    assert client.get(job_page).status_code == 302


def test_an_active_person_costs_at_most_one_session_write_a_minute(world: World) -> None:
    client = _log_in("bob@example.com")
    client.get(reverse("personas:list"))  # the first page after login notes the workspace
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            client.get(reverse("personas:list"))
    assert _session_writes(queries) == []
    _set_clocks_back(client, **{ACTIVE_AT: ACTIVITY_RESOLUTION_SECONDS})
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("personas:list"))
    assert len(_session_writes(queries)) == 1


@pytest.mark.parametrize(
    ("method", "headers", "counts"),
    [
        ("get", {}, True),  # a page load
        ("post", {}, True),  # a form
        ("post", {"HX-Request": "true"}, True),  # the live estimate, saving a persona
        ("get", {"HX-Request": "true", "HX-Boosted": "true"}, True),  # boosted navigation
        ("get", {"HX-Request": "true"}, False),  # a poll or a preview the page fires by itself
    ],
)
def test_what_counts_as_activity(method: str, headers: dict[str, str], counts: bool) -> None:
    request = getattr(RequestFactory(), method)("/", headers=headers)
    HtmxMiddleware(lambda r: None)(request)  # type: ignore[arg-type]
    assert is_activity(request) is counts


def test_sign_out_everywhere_else_ends_the_other_session_at_once(world: World) -> None:
    laptop = _log_in("bob@example.com")
    phone = _log_in("bob@example.com")
    menu = laptop.get(reverse("personas:list")).content.decode()
    assert f'href="{reverse("usersessions_list")}"' in menu
    sessions = laptop.get(reverse("usersessions_list")).content.decode()
    assert sessions.count('class="session"') == 2
    assert sessions.count("<strong>This browser</strong>") == 1
    done = laptop.post(reverse("usersessions_list"), follow=True)
    assert "Signed out of all other sessions." in done.content.decode()
    assert "You are signed in here only." in done.content.decode()
    response = phone.get(reverse("personas:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert laptop.get(reverse("personas:list")).status_code == 200


def test_other_people_sessions_are_not_listed_nor_ended(world: World) -> None:
    bob = _log_in("bob@example.com")
    alice = _log_in("alice@example.com")
    sessions = bob.get(reverse("usersessions_list")).content.decode()
    assert sessions.count('class="session"') == 1  # Bob's own
    bob.post(reverse("usersessions_list"))
    assert alice.get(reverse("personas:list")).status_code == 200
