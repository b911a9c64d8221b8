"""The sweeper reads the rows whose worker looks dead, then moves each one. Between its read and
its move the row can have been re-queued by another sweep (beat's runs pile up while no worker
is up, then run side by side) and claimed again by a new worker: the move must leave that new
attempt alone, or an image that kills its worker every time is claimed once more than the
attempts allow (the fault suite's poison test caught it). On PostgreSQL, with the sweeper's
UPDATE held on a row lock while the attempt moves on, as it would in production."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from generation import sweeper
from generation.models import Image
from tests.conftest import World
from tests.generation.conftest import submit_builtin, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def _other_connection() -> psycopg.Connection[Any]:
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"],
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"],
    )


def _someone_waits_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return bool(cursor.fetchone()[0])


def test_the_sweeper_leaves_alone_an_attempt_claimed_since_it_read_the_row(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("The race needs PostgreSQL's row locks (make test runs on it).")
    [image] = submit_builtin(world.membership("editor")).images.all()
    long_ago = timezone.now() - timedelta(days=1)
    # Its first attempt's worker died before calling the provider: the sweeper re-queues it.
    Image.objects.filter(pk=image.pk).update(status="running", attempts=1, updated_at=long_ago)
    swept: dict[str, int] = {}

    def sweep() -> None:
        try:
            swept.update(sweeper.sweep())
        finally:
            connection.close()

    with _other_connection() as other:
        other.execute("SELECT 1 FROM generation_image WHERE id = %s FOR UPDATE", [image.pk])
        thread = threading.Thread(target=sweep)
        thread.start()
        wait_for(_someone_waits_on_a_lock, 10, "the sweeper's move to wait on the row")
        # Meanwhile another sweep re-queued it and a new worker claimed it: attempt 2, alive.
        other.execute(
            "UPDATE generation_image SET attempts = 2, updated_at = now() WHERE id = %s",
            [image.pk],
        )
        other.commit()
    thread.join(30)

    image.refresh_from_db()
    assert (image.status, image.attempts) == ("running", 2)
    assert swept["requeued"] == 0
