"""Server time and query count of the list pages as a workspace grows to many images.

A separate workspace grows from `small` to `large` images (bulk-created, already succeeded, with
a settlement line each), in jobs of MAX_IMAGES_PER_JOB as the Generate page makes them, spread
over a few personas. The job pages are those of the first job, a full one, which must not get
slower as the rest of the workspace grows. Each page is
requested through Django's test client in this process: the time is the whole server side
(middleware, view, queries, template), without a network. Query counts come from
CaptureQueriesContext at both sizes, so a count that grows with the rows shows up.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from avatarapp.workspaces.access import SESSION_KEY
from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.services import workspace_create_team
from bench.stats import ms
from bench.world import make_personas
from generation.models import Image, Job, LedgerEntry
from generation.services import MAX_IMAGES_PER_JOB

PERSONAS = 20


@dataclass
class PageResult:
    name: str
    url: str
    times_ms: dict[int, list[float]] = field(default_factory=dict)  # rows -> server times
    queries: dict[int, int] = field(default_factory=dict)  # rows -> query count
    bytes: dict[int, int] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # e.g. an htmx request's


def _images(jobs: list[Job], personas: list[Any], prompt: str, start: int, count: int) -> None:
    """Images start .. start+count-1; image i belongs to job i // MAX_IMAGES_PER_JOB (made here
    when it is the first of its job)."""
    now = timezone.now()
    first = jobs[0]
    rows = []
    for i in range(start, start + count):
        if i // MAX_IMAGES_PER_JOB == len(jobs):
            jobs.append(
                Job.objects.create(
                    workspace_id=first.workspace_id,
                    created_by_id=first.created_by_id,
                    parameters={"bench": True},
                )
            )
        job = jobs[i // MAX_IMAGES_PER_JOB]
        persona = personas[i % len(personas)]
        at = now - timedelta(seconds=count - i)
        rows.append(
            Image(
                job=job,
                workspace_id=job.workspace_id,
                persona=persona,
                persona_name=persona.name,
                style_key="builtin:professional-headshot",
                style_name="Professional headshot",
                model_id="gpt-image-2",
                provider="openai",
                aspect_ratio="1:1",
                resolution="1K",
                quality="low",
                request_fields={"model": "gpt-image-2", "width": 1024, "height": 1024},
                seed=i,
                prompt=prompt,
                status=Image.Status.SUCCEEDED,
                attempts=1,
                estimated_usd=Decimal("0.011"),
                actual_usd=Decimal("0.0105"),
                held_usd=Decimal(0),  # settled (the ledger's lines mirrored, generation.ledger)
                charged_usd=Decimal("0.0105"),
                price_rule="bench",
                price_as_of=now.date(),
                latency_ms=2000,
                original=f"images/{job.workspace_id}/{i}/original.png",
                thumbnail=f"images/{job.workspace_id}/{i}/thumbnail.webp",
                width=1024,
                height=1024,
                format="png",
                created_at=at,
                started_at=at,
                provider_call_at=at,
                finished_at=at + timedelta(seconds=2),
                deadline_at=at + timedelta(minutes=30),
            )
        )
    made = Image.objects.bulk_create(rows, batch_size=2000)
    LedgerEntry.objects.bulk_create(
        (
            LedgerEntry(
                workspace_id=image.workspace_id,
                month=now.date().replace(day=1),
                job_id=image.job_id,
                image=image,
                kind=LedgerEntry.Kind.SETTLEMENT,
                amount_usd=image.actual_usd,
                price_rule="bench",
                price_as_of=now.date(),
            )
            for image in made
        ),
        batch_size=2000,
    )


def logged_in(user: Any, workspace_id: Any) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = str(workspace_id)
    session.save()
    return client


def measure(client: Client, page: PageResult, rows: int, requests: int, budget: float) -> str:
    """Query count, size and server times of `page` at `rows` rows; returns its text."""
    for _ in range(2):  # warm: template loading, first connection, caches
        client.get(page.url, headers=page.headers)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page.url, headers=page.headers)
    if response.status_code != 200:
        raise RuntimeError(f"{page.name} answered {response.status_code}")
    page.queries[rows] = len(captured.captured_queries)
    page.bytes[rows] = len(response.content)
    times: list[float] = []
    stop_at = time.monotonic() + budget
    while len(times) < requests and (len(times) < 5 or time.monotonic() < stop_at):
        started = time.perf_counter()
        client.get(page.url, headers=page.headers)
        times.append(ms(time.perf_counter() - started))
    page.times_ms[rows] = times
    return response.content.decode()


def measure_pages(
    membership: Membership, prompt: str, sizes: tuple[int, ...], requests: int, budget: float
) -> list[PageResult]:
    """`budget`: seconds per page and size; a slow page gets fewer (at least 5) requests."""
    user = membership.user
    workspace = workspace_create_team(user=user, name="Bench gallery")
    owner = Membership.objects.get(workspace=workspace, user=user)
    personas = make_personas(owner, PERSONAS, "Gallery")
    job = Job.objects.create(workspace=workspace, created_by=user, parameters={"bench": True})
    jobs = [job]
    client = logged_in(user, workspace.pk)
    _images(jobs, personas, prompt, 0, 1)
    card = Image.objects.filter(job=job).first()
    assert card is not None
    pages = [
        PageResult("image card (htmx)", reverse("generation:image_card", args=[card.pk])),
        PageResult("job page, a full job", reverse("generation:job", args=[job.pk])),
        PageResult("its progress (htmx)", reverse("generation:job_progress", args=[job.pk])),
        PageResult("persona list", reverse("personas:list")),
        PageResult("gallery", reverse("gallery:gallery")),
        PageResult("costs", reverse("generation:costs")),
    ]  # fmt: skip
    made = 1
    for rows in sizes:
        _images(jobs, personas, prompt, made, rows - made)
        made = rows
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        for page in pages:
            measure(client, page, rows, requests, budget)
    return pages
