"""The Celery app: JSON only, rows are the truth, late acks, and a real worker over the broker."""

from __future__ import annotations

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection, connections

from avatarapp.celery import app
from avatarapp.workspaces.models import Workspace


@app.task(name="tests.create_workspace")
def create_workspace(name: str) -> None:
    Workspace.objects.get_or_create(name=name)


def test_configuration_follows_the_house_rules() -> None:
    conf = app.conf
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.result_backend is None
    assert conf.task_ignore_result is True
    assert conf.task_acks_late is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_time_limit > conf.task_soft_time_limit
    assert {q.name for q in conf.task_queues} == {"default", "providers", "maintenance"}
    routes = {name: app.amqp.router.route({}, name)["queue"].name for name in conf.task_routes}
    assert routes == {
        "generation.run_image": "providers",
        "generation.poll_image": "providers",
        "generation.sweep": "maintenance",
        "generation.remove_image_files": "maintenance",
        "personas.sweep_pending_uploads": "maintenance",
        "generation.refresh_credit_balances": "maintenance",
    }
    timeout = conf.broker_transport_options["visibility_timeout"]
    assert timeout >= 2 * max(conf.task_time_limit, settings.GENERATION_MAX_RETRY_BACKOFF)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_from_the_broker() -> None:
    if not os.environ.get("REDIS_URL"):
        pytest.skip("Needs the Redis broker; make test starts one and sets REDIS_URL.")
    assert app.conf.broker_url.startswith("redis://")
    with start_worker(
        app, pool="threads", concurrency=2, perform_ping_check=False, loglevel="WARNING"
    ):
        create_workspace.delay("Made by the worker")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if Workspace.objects.filter(name="Made by the worker").exists():
                break
            time.sleep(0.1)
    assert Workspace.objects.filter(name="Made by the worker").count() == 1


@app.task(name="tests.note_database_backend")
def note_database_backend(marker: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    Workspace.objects.create(name=f"{marker} {backend}")


@app.task(name="tests.close_database_connection")
def close_database_connection() -> None:
    Workspace.objects.create(name="closed")
    connection.close()


def _backends_of(marker: str, tasks: int) -> set[str]:
    for _ in range(tasks):  # one at a time: each waits for the one before
        count = Workspace.objects.filter(name__startswith=marker).count()
        note_database_backend.delay(marker)
        deadline = time.monotonic() + 15
        while Workspace.objects.filter(name__startswith=marker).count() == count:
            assert time.monotonic() < deadline, "the worker did not run the task"
            time.sleep(0.05)
    names = Workspace.objects.filter(name__startswith=marker).values_list("name", flat=True)
    return {name.rsplit(" ", 1)[1] for name in names}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("max_age", "backends"), [(60, 1), (0, 3)])
def test_worker_threads_keep_their_database_connection_for_conn_max_age(
    max_age: int, backends: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Celery's Django fix-up would close it around every task, a new PostgreSQL backend per
    image: CONN_MAX_AGE decides instead, as for web requests."""
    if not os.environ.get("REDIS_URL") or connection.vendor != "postgresql":
        pytest.skip("Needs the Redis broker and PostgreSQL; make test starts both.")
    # Worker threads build their connections from these settings (the running ones stay).
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", max_age)
    with start_worker(
        app, pool="threads", concurrency=1, perform_ping_check=False, loglevel="WARNING"
    ):
        assert len(_backends_of(f"max-age-{max_age}", tasks=3)) == backends
        # The one worker thread's kept connection would outlive the test and its database.
        close_database_connection.delay()
        deadline = time.monotonic() + 15
        while Workspace.objects.filter(name="closed").count() == 0:
            assert time.monotonic() < deadline, "the worker did not close its connection"
            time.sleep(0.05)
