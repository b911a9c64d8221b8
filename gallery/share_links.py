"""Making, listing and revoking share links (the schema and its design: gallery.models.sharing).

A link is made by an editor for one of three things, each snapshotted when the link is made:
- a selection from the gallery's bulk bar (its finished portraits, newest first);
- a persona's portraits (its finished, not deleted portraits at that moment);
- a blind pick (its batch's finished portraits, in the batch's order; the shared page never
  names a model, so the pick stays blind for the client too).

The token is `secrets.token_urlsafe(32)` (256 bits) and only its SHA-256 is stored; the creator
sees it once, on the page that follows. Editors see and revoke the links they made; admins and
owners see and revoke every link of the workspace.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from avatarapp.workspaces.access import require_role
from avatarapp.workspaces.models import Membership, hash_token
from avatarapp.workspaces.roles import Role, at_least
from gallery.models import (
    BakeOff,
    ImageReview,
    ReviewState,
    SharedImage,
    ShareLink,
)
from generation.image_states import ImageStatus
from generation.models import Image
from personas.models import Persona

EXPIRY_CHOICES = (1, 7, 14, 30)  # days, what the form offers (plus the configured default)
PASSWORD_MIN = 8
PASSWORD_MAX = 128
MAX_SHARED = 500  # a page a client scrolls through, not an archive


class ShareError(ValueError):
    """A link that cannot be made; the message says why in plain words."""


@dataclass(frozen=True)
class ShareOptions:
    days: int
    password: str = ""
    allow_review: bool = False
    ai_label: bool = True
    watermark: bool = False

    def problems(self) -> list[str]:
        found = []
        if self.days not in expiry_choices():
            offered = ", ".join(str(days) for days in expiry_choices())
            found.append(f"Choose how long the link works: {offered} days.")
        if self.password and not PASSWORD_MIN <= len(self.password) <= PASSWORD_MAX:
            found.append(
                f"A password needs {PASSWORD_MIN} to {PASSWORD_MAX} characters, "
                "or leave it empty for a link without one."
            )
        return found


def expiry_choices() -> tuple[int, ...]:
    return tuple(sorted({*EXPIRY_CHOICES, settings.SHARE_LINK_DEFAULT_DAYS}))


def finished(images: QuerySet[Image]) -> QuerySet[Image]:
    return images.filter(deleted_at=None, status=ImageStatus.SUCCEEDED)


def persona_images(persona: Persona) -> QuerySet[Image]:
    chosen = Image.objects.filter(workspace_id=persona.workspace_id, persona=persona)
    return finished(chosen).order_by("-created_at", "-id")


def bakeoff_images(bakeoff: BakeOff) -> QuerySet[Image]:
    chosen = Image.objects.filter(workspace_id=bakeoff.workspace_id, job_id=bakeoff.job_id)
    return finished(chosen).order_by("created_at", "id")


def share_create(
    *,
    membership: Membership,
    kind: str,
    title: str,
    images: QuerySet[Image],
    options: ShareOptions,
    persona: Persona | None = None,
    bakeoff: BakeOff | None = None,
) -> tuple[ShareLink, str]:
    """Make a link to `images` (ordered as they will be shown); returns it and its token, which
    exists nowhere else. Raises ShareError, changing nothing, when it cannot be made."""
    require_role(membership, Role.EDITOR)
    problems = options.problems()
    if problems:
        raise ShareError(" ".join(problems))
    chosen = finished(images.filter(workspace_id=membership.workspace_id))
    image_ids = list(chosen.values_list("pk", flat=True)[: MAX_SHARED + 1])
    if not image_ids:
        raise ShareError("There are no finished portraits to share here yet.")
    if len(image_ids) > MAX_SHARED:
        raise ShareError(f"A link can share at most {MAX_SHARED} portraits; choose fewer.")
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        link = ShareLink.objects.create(
            workspace_id=membership.workspace_id,
            kind=kind,
            title=title[:120],
            persona=persona,
            bakeoff=bakeoff,
            token_hash=hash_token(token),
            password_hash=make_password(options.password) if options.password else "",
            allow_review=options.allow_review,
            ai_label=options.ai_label,
            watermark=options.watermark,
            created_by_id=membership.user_id,
            created_at=now,
            expires_at=now + timedelta(days=options.days),
        )
        SharedImage.objects.bulk_create(
            SharedImage(link=link, image_id=image_id, position=number)
            for number, image_id in enumerate(image_ids, start=1)
        )
        if options.allow_review:
            _put_in_review(image_ids, now)
    return link, token


def _put_in_review(image_ids: list[uuid.UUID], now: datetime) -> None:
    """Images with no review yet, or whose changes were asked for (a new round), go in review;
    an approved image stays approved."""
    ImageReview.objects.bulk_create(
        [ImageReview(image_id=pk, state=ReviewState.IN_REVIEW, updated_at=now) for pk in image_ids],
        ignore_conflicts=True,
    )
    ImageReview.objects.filter(
        image_id__in=image_ids, state__in=[ReviewState.NOT_SUBMITTED, ReviewState.CHANGES_REQUESTED]
    ).update(state=ReviewState.IN_REVIEW, updated_at=now)


def visible_links(membership: Membership) -> QuerySet[ShareLink]:
    """The links this member manages: an admin's are all of the workspace's, an editor's their
    own; a viewer has none."""
    links = ShareLink.objects.filter(workspace_id=membership.workspace_id)
    if at_least(membership.role, Role.ADMIN):
        return links
    if at_least(membership.role, Role.EDITOR):
        return links.filter(created_by_id=membership.user_id)
    return links.none()


def share_revoke(*, membership: Membership, link: ShareLink) -> None:
    """Revoke at once: the token opens nothing from the next request on. Revoking twice keeps
    the first moment. `link` must come from visible_links(membership)."""
    ShareLink.objects.filter(pk=link.pk, revoked_at=None).update(
        revoked_at=timezone.now(), revoked_by_id=membership.user_id
    )


def find_live(token: str) -> ShareLink | None:
    """The live link this token opens, or None for an unknown, tampered, expired or revoked one
    (the caller answers all four alike)."""
    if not token or len(token) > 100:
        return None
    link = ShareLink.objects.filter(token_hash=hash_token(token)).first()
    return link if link is not None and link.is_live() else None


def record_view(link: ShareLink) -> None:
    """One more view, counted in the database so simultaneous views are all counted."""
    ShareLink.objects.filter(pk=link.pk).update(
        view_count=F("view_count") + 1, last_viewed_at=timezone.now()
    )
