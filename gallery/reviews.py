"""Client review through a share link, and what the team does with it.

A reviewer (no account; the name they typed, kept in their session for the link) approves a
shared image or asks for changes with a comment. Each decision is kept (Review) and moves the
image's state (ImageReview) to the newest decision; the workspace's admins and owners and the
link's maker get one email per decision. The team reads the decisions on the image page and
filters the gallery by state (gallery.query). An approved image can be locked, and deleting
refuses locked images (gallery.deletion).
"""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from avatarapp.workspaces.access import require_role
from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role
from gallery.models import ImageReview, Review, ReviewDecision, ReviewState, ShareLink
from generation.models import Image

logger = logging.getLogger(__name__)

COMMENT_MAX = 2000


class ReviewError(ValueError):
    """A decision that cannot be recorded; the message says what to change."""


def review_submit(
    *, link: ShareLink, image: Image, reviewer_name: str, decision: str, comment: str
) -> Review:
    """Record a decision on `image`, which the caller found among `link`'s shared images on a
    live link that allows review. Raises ReviewError, changing nothing, for a bad one."""
    comment = comment.strip()
    if decision not in ReviewDecision.values:
        raise ReviewError("Choose Approve or Request changes.")
    if decision == ReviewDecision.CHANGES_REQUESTED and not comment:
        raise ReviewError("Say what should change, so the team knows what to do.")
    if len(comment) > COMMENT_MAX:
        raise ReviewError(
            f"Keep the comment to {COMMENT_MAX:,} characters (this has {len(comment):,})."
        )
    now = timezone.now()
    with transaction.atomic():
        review = Review.objects.create(
            link=link,
            image=image,
            reviewer_name=reviewer_name,
            decision=decision,
            comment=comment,
            created_at=now,
        )
        # The decision values are the matching states' values.
        ImageReview.objects.update_or_create(
            image=image, defaults={"state": decision, "updated_at": now}
        )
    return review


def recipients(link: ShareLink) -> list[str]:
    """Who hears of a review: the workspace's admins and owners, and the link's maker."""
    managers = Membership.objects.filter(
        workspace_id=link.workspace_id, role__in=[Role.ADMIN, Role.OWNER]
    ).values_list("user__email", flat=True)
    emails = [*managers, link.created_by.email if link.created_by else ""]
    return sorted({email for email in emails if email})


def notify(review: Review, image_page_url: str) -> None:
    """One email per decision. A mail server that is down loses the email, not the review: the
    decision is on the image page either way."""
    image = review.image
    verdict = review.get_decision_display().lower()
    said = f'\n\nTheir comment:\n"{review.comment}"' if review.comment else ""
    try:
        send_mail(
            subject=f"{review.reviewer_name}: {verdict} · {image.persona_name}, {image.style_name}",
            message=(
                f"{review.reviewer_name} reviewed {image.persona_name} ({image.style_name}) "
                f"through the share link “{review.link.title}”: {verdict}.{said}\n\n"
                f"See it here: {image_page_url}"
            ),
            from_email=None,
            recipient_list=recipients(review.link),
        )
    except OSError:  # smtplib's errors are OSErrors
        logger.exception("The email about review %s could not be sent.", review.pk)


def in_review_states(states: tuple[str, ...]) -> Q:
    """Images in any of these review states; an image never shared for review has no row and
    counts as not submitted."""
    chosen = Q(review__state__in=states)
    if ReviewState.NOT_SUBMITTED in states:
        chosen |= Q(review__isnull=True)
    return chosen


def reviews_of(image: Image) -> QuerySet[Review]:
    return Review.objects.filter(image=image).order_by("-created_at", "-id")


def review_lock(*, membership: Membership, image: Image, locked: bool) -> None:
    """Lock an approved image against deletion, or unlock it. Raises ReviewError for an image
    that is not approved (only an approved image is locked: it is the one a client signed off)."""
    require_role(membership, Role.EDITOR)
    if not locked:
        ImageReview.objects.filter(image=image).update(locked=False)
        return
    found = ImageReview.objects.filter(image=image, state=ReviewState.APPROVED).update(locked=True)
    if not found:
        raise ReviewError("Only an approved portrait can be locked.")
