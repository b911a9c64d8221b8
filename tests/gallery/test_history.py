"""The batches history (/jobs/): every batch newest first, who and when in plain words, a strip
of thumbnails, counts by status, estimate vs actual, links to the failed and needs-checking
images; keyset pages in a constant number of queries; members only, each their own workspace."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from avatarapp.workspaces.models import Membership
from gallery.history import plain_when
from gallery.query import GalleryFilter
from generation.models import Image, Job
from generation.progress import Counts
from tests.conftest import ROLES, World
from tests.gallery.factories import make_image, make_job
from tests.generation.conftest import make_persona

pytestmark = pytest.mark.django_db
Status = Image.Status
URL = "/jobs/"


def job_at(membership: Membership, created_at: datetime) -> Job:
    job = make_job(membership)
    Job.objects.filter(pk=job.pk).update(created_at=created_at)
    job.refresh_from_db()
    return job


@pytest.fixture
def team_client(world: World, client_as):
    def make(role: str) -> Client:
        client = client_as(role)
        if role != "anonymous":
            client.post(reverse("workspaces:switch", args=[world.team.pk]))
        return client

    return make


def test_reverse_is_the_same_path():
    assert reverse("gallery:jobs") == URL


@pytest.mark.parametrize(
    ("counts", "sentence"),
    [
        (Counts(done=6, failed=1, checking=1), "6 of 8 ready, 1 failed, 1 needs checking"),
        (
            Counts(done=1, checking=2, working=3),
            "1 of 6 ready, 2 need checking, 3 still being made",
        ),
        (Counts(cancelled=1, deleted=2), "0 of 3 ready, 1 cancelled, 2 deleted"),
    ],
)
def test_counts_read_as_a_sentence(counts: Counts, sentence: str):
    assert counts.sentence() == sentence


@pytest.mark.parametrize(
    ("ago", "words"),
    [
        (timedelta(seconds=20), "Just now"),
        (timedelta(minutes=1), "1 minute ago"),
        (timedelta(minutes=42), "42 minutes ago"),
        (timedelta(hours=3), "Today at 09:00"),
        (timedelta(days=1), "Yesterday at 12:00"),
        (timedelta(days=3), "Monday at 12:00"),
        (timedelta(days=30), "5 May at 12:00"),
        (timedelta(days=400), "30 Apr 2025"),
    ],
)
def test_when_reads_in_plain_words(settings, ago: timedelta, words: str):
    settings.TIME_ZONE = "UTC"
    now = datetime(2026, 6, 4, 12, 0, tzinfo=UTC)  # a Thursday
    assert plain_when(now - ago, now) == words


def test_a_batch_reads_who_when_what_became_of_it_and_what_it_cost(world: World, team_client):
    editor = world.membership("editor")
    mia, leo = make_persona(editor, name="Mia Chen"), make_persona(editor, name="Leo Park")
    job = make_job(editor)
    cost: dict[str, Any] = {"estimated_usd": Decimal("0.0100"), "actual_usd": Decimal("0.0080")}
    ready = [make_image(job, mia, **cost) for _ in range(7)] + [make_image(job, leo, **cost)]
    make_image(job, mia, status=Status.FAILED)
    make_image(job, leo, status=Status.NEEDS_RECONCILIATION)
    gone = make_image(job, leo, deleted_at=timezone.now(), **cost)

    page = team_client("viewer").get(URL)

    html = page.content.decode()
    assert page.status_code == 200
    card = html[html.index(f'id="batch-{job.pk}"') :]
    assert "Leo Park and Mia Chen" in card
    assert "Started by bob@example.com" in card
    assert "Just now" in card
    assert "8 of 11 ready, 1 failed, 1 needs checking, 1 deleted" in card
    # Deleted images keep their cost; the failed ones cost nothing.
    assert "Estimated $0.11, cost $0.072" in card
    strip = card[: card.index("batch-body")]
    assert strip.count("<img ") == 6  # the first six ready, oldest first
    for image in ready[:6]:
        assert reverse("generation:image_file", args=[image.pk, "thumbnail"]) in strip
    assert str(gone.pk) not in html
    assert "+2" in strip  # two more ready ones in the gallery
    assert reverse("generation:job", args=[job.pk]) in card


def test_failed_and_needs_checking_images_are_one_link_away(world: World, team_client):
    editor = world.membership("editor")
    persona = make_persona(editor)
    job = make_job(editor)
    failed = make_image(job, persona, status=Status.FAILED)
    checking = make_image(job, persona, status=Status.NEEDS_RECONCILIATION)
    make_image(job, persona)
    make_image(make_job(editor), persona, status=Status.FAILED)  # another batch's
    html = team_client("viewer").get(URL).content.decode()

    for label, wanted in [
        ("See the failed ones", failed),
        ("See the ones needing checking", checking),
    ]:
        card = html[html.index(f'id="batch-{job.pk}"') :]
        href = card[: card.index(f">{label}</a>")].rsplit('href="', 1)[1].split('"')[0]
        link = urlsplit(href.replace("&amp;", "&"))
        assert link.path == reverse("gallery:gallery")
        chosen = GalleryFilter.from_query(QueryDict(link.query), world.membership("viewer"))
        assert list(chosen.images(world.membership("viewer"))) == [wanted]


def test_a_batch_with_nothing_to_check_offers_no_such_link(world: World, team_client):
    editor = world.membership("editor")
    make_image(make_job(editor), make_persona(editor))
    html = team_client("viewer").get(URL).content.decode()
    assert "1 of 1 ready" in html
    assert "See the failed ones" not in html
    assert "See the ones needing checking" not in html


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_which_batches(world: World, team_client, role: str):
    team_job = make_job(world.membership("editor"))
    outsider = world.outsider.memberships.get(workspace__name="Other agency")
    own_job = make_job(outsider)
    client = team_client(role)  # the outsider's switch to the team is refused (404)
    if role == "outsider":
        client.post(reverse("workspaces:switch", args=[outsider.workspace_id]))

    page = client.get(URL)

    if role == "anonymous":
        assert page.status_code == 302
        assert page["Location"].startswith(reverse("account_login"))
        return
    html = page.content.decode()
    assert page.status_code == 200
    # The outsider sees their own workspace's batches, never the team's.
    assert (f"batch-{team_job.pk}" in html) == (role != "outsider")
    assert (f"batch-{own_job.pk}" in html) == (role == "outsider")


def test_pages_are_keyset_pages_that_new_batches_do_not_shift(world: World, team_client):
    editor = world.membership("editor")
    start = timezone.now() - timedelta(days=1)
    jobs = [job_at(editor, start + timedelta(minutes=i)) for i in range(22)]
    jobs += [job_at(editor, start + timedelta(minutes=30)) for _ in range(2)]  # a tie
    newest_first = sorted(jobs, key=lambda job: (job.created_at, job.pk), reverse=True)
    client = team_client("viewer")

    first = client.get(URL).content.decode()
    make_job(editor)  # a new batch starts between two page loads
    after = first.split('href="?after=')[1].split('"')[0]
    second = client.get(f"{URL}?after={after}").content.decode()

    def shown(html: str) -> list[str]:
        return [part.split('"')[0] for part in html.split('id="batch-')[1:]]

    assert shown(first) + shown(second) == [str(job.pk) for job in newest_first]
    assert len(shown(first)) == 20
    assert "Older batches" not in second
    assert "Newest batches" in second


@pytest.mark.parametrize("cursor", ["garbage", "x" * 500, "%%%"])
def test_a_bad_cursor_starts_from_the_newest(world: World, team_client, cursor: str):
    job = make_job(world.membership("editor"))
    page = team_client("viewer").get(URL, {"after": cursor})
    assert page.status_code == 200
    assert f"batch-{job.pk}" in page.content.decode()


def test_the_empty_history_says_what_to_do(team_client):
    html = team_client("viewer").get(URL).content.decode()
    assert "No batches yet" in html
    assert reverse("generation:generate") in html


def test_the_page_costs_the_same_queries_however_many_batches(world: World, team_client):
    editor = world.membership("editor")
    persona = make_persona(editor)
    client = team_client("viewer")
    counts = []
    for batches, images in ((1, 1), (24, 9)):
        for _ in range(batches):
            job = make_job(editor)
            for status in [Status.SUCCEEDED] * (images - 1) + [Status.FAILED]:
                make_image(job, persona, status=status)
        client.get(URL)  # the session settles
        with CaptureQueriesContext(connection) as queries:
            page = client.get(URL)
        assert page.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
