"""Reference images added while a persona or a style is being made: the holding area.

A form that makes something carries a draft id (a UUID in a hidden field). Photos dropped on it
are checked at once (personas.upload_forms, the image safety pipeline) and held as PendingUpload
rows of the uploader, the workspace and that draft, with their files under pending/. Saving the
form attaches the draft's photos: copies go into the new persona's (or style's) folder as its
references, and the held rows go, their files after the commit. Remove deletes one before that.

Photos nobody saved are removed by the sweeper (personas.tasks, run by Celery beat every hour)
once they are older than PENDING_UPLOAD_HOURS: it does not depend on the uploader coming back.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from avatarapp.workspaces.models import Membership, Workspace
from personas import reference_files
from personas.models import (
    MAX_REFERENCES,
    MAX_STYLE_REFERENCES,
    PendingUpload,
    Persona,
    ReferenceImage,
    Style,
    StyleReference,
)
from personas.reference_files import PreparedReference
from personas.services import PersonaError, folder

PERSONA, STYLE = "persona", "style"
LIMITS = {PERSONA: MAX_REFERENCES, STYLE: MAX_STYLE_REFERENCES}
SWEEP_BATCH = 500


def draft_id(value: object) -> uuid.UUID:
    """The draft a posted form belongs to; a fresh one when it names none (a first visit)."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return uuid.uuid4()


def upload_list(*, workspace: Workspace, user: User, draft: uuid.UUID) -> QuerySet[PendingUpload]:
    return PendingUpload.objects.filter(workspace=workspace, created_by=user, draft=draft)


def upload_hold(
    *,
    workspace: Workspace,
    user: User,
    draft: uuid.UUID,
    prepared: list[tuple[PreparedReference, str]],
    limit: int,
) -> list[PendingUpload]:
    """Hold checked images (with the names they were uploaded as) for the draft: all or none."""
    with reference_files.removed_on_failure() as written, transaction.atomic():
        # One uploader's parallel uploads (a drop of several files) queue here, so they cannot
        # all see room for the last slot.
        Membership.objects.select_for_update().filter(workspace=workspace, user=user).first()
        known = set(
            upload_list(workspace=workspace, user=user, draft=draft).values_list(
                "sha256", flat=True
            )
        )
        fresh: dict[str, tuple[PreparedReference, str]] = {}
        for item, name in prepared:
            if item.image.sha256 in known or item.image.sha256 in fresh:
                raise PersonaError(f"{name}: that photo is already added.")
            fresh[item.image.sha256] = (item, name)
        if len(known) + len(fresh) > limit:
            room = limit - len(known)
            raise PersonaError(
                f"Up to {limit} reference images can be added here, and {len(known)} already "
                + ("are, so remove one to add another." if room == 0 else f"are: add {room} more.")
            )
        where = f"pending/{workspace.pk}/{user.pk}"
        return [
            PendingUpload.objects.create(
                workspace=workspace,
                created_by=user,
                draft=draft,
                original_name=name[:80],
                **reference_files.store_prepared(where, item, written),
            )
            for item, name in fresh.values()
        ]


def upload_remove(*, upload: PendingUpload) -> None:
    with transaction.atomic():
        reference_files.delete_after_commit([upload])
        upload.delete()


def _attach(
    uploads: list[PendingUpload], where: str, create: Callable[[dict[str, Any]], object]
) -> None:
    """Copy held images into `where` as rows made by `create`; call inside a transaction."""
    with reference_files.removed_on_failure() as written:
        for upload in uploads:
            create(reference_files.copy_stored(upload, where, written))
    reference_files.delete_after_commit(uploads)
    PendingUpload.objects.filter(pk__in=[u.pk for u in uploads]).delete()


def persona_create_from_draft(*, persona: Persona, user: User, draft: uuid.UUID) -> Persona:
    """Save a persona made on the create form, with the draft's photos as its references.

    It takes the draft id as its own id when that is free: the built-in portrait is seeded by
    the id, so the saved persona's portrait is the one its live preview drew."""
    with transaction.atomic():
        persona.pk = draft
        try:
            with transaction.atomic():
                persona.save(force_insert=True)
        except IntegrityError:  # the draft was saved before (a second submit): a new id
            persona.pk = uuid.uuid4()
            persona.save(force_insert=True)
        uploads = list(upload_list(workspace=persona.workspace, user=user, draft=draft))
        _attach(
            uploads,
            folder(persona),
            lambda stored: ReferenceImage.objects.create(
                persona=persona, created_by=user, **stored
            ),
        )
    return persona


def style_save_from_draft(
    *, style: Style, user: User, draft: uuid.UUID, removed: list[StyleReference]
) -> Style:
    """Save a style from its form: the draft's photos join its references, `removed` go."""
    with transaction.atomic():
        style.save()
        reference_files.delete_after_commit(removed)
        StyleReference.objects.filter(pk__in=[r.pk for r in removed]).delete()
        _attach(
            list(upload_list(workspace=style.workspace, user=user, draft=draft)),
            f"styles/{style.workspace_id}/{style.pk}",
            lambda stored: StyleReference.objects.create(style=style, created_by=user, **stored),
        )
    return style


def upload_sweep_abandoned(*, now: datetime | None = None) -> int:
    """Remove held photos older than PENDING_UPLOAD_HOURS (a batch per run); returns how many."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.PENDING_UPLOAD_HOURS)
    with transaction.atomic():
        stale = list(
            PendingUpload.objects.filter(created_at__lt=cutoff)
            .order_by("created_at")
            .select_for_update(skip_locked=True)[:SWEEP_BATCH]
        )
        reference_files.delete_after_commit(stale)
        PendingUpload.objects.filter(pk__in=[u.pk for u in stale]).delete()
    return len(stale)
