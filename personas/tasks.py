"""Housekeeping for personas, run by Celery beat (avatarapp/settings.py CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from personas import uploads


@shared_task(name="personas.sweep_pending_uploads")
def sweep_pending_uploads() -> None:
    """Remove reference photos held for forms nobody saved (personas.uploads)."""
    uploads.upload_sweep_abandoned()
