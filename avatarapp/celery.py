"""The Celery application. Configuration lives in settings.py under the CELERY_ prefix."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import task_postrun, task_prerun

from avatarapp.late_acks import AppTask

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "avatarapp.settings")

app: Celery = Celery("avatarapp", task_cls=AppTask)  # late acks survive a broker reconnect
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Database connections in a worker: as Django treats them per request, not per task.
# Celery's Django fix-up closes every database connection of the thread before and after each
# task unless CELERY_DB_REUSE_MAX is set, so each image paid for a new PostgreSQL connection
# (a backend process started and torn down: most of PostgreSQL's CPU per image in make bench).
# Past that many task starts and ends it still closes the current thread's connection, which is
# harmless. What decides reuse is DATABASE_CONN_MAX_AGE (and health checks), applied below.
app.conf.update(CELERY_DB_REUSE_MAX=10_000)


@task_prerun.connect
@task_postrun.connect
def _close_old_database_connections(**_: Any) -> None:
    """Close this thread's connection if it is older than CONN_MAX_AGE or broken, as Django does
    at the start and end of every request."""
    from django.db import close_old_connections

    close_old_connections()
