"""Sharing outside the workspace: share links and the reviews given through them.

A share link is a capability: whoever holds its token sees what it shares and nothing else. The
token itself is never stored (only its SHA-256, as a password would be if it were guessable; at
128 bits or more it is not, so a fast hash is enough and lets a request find its link by index).
What a link shows is fixed when it is made: its images are listed in SharedImage, each under a
position number, so a link's pages and URLs name positions, never an image's id, and a portrait
made later is not shown to a client by accident.

A review is a decision a reviewer without an account gives on one shared image (approve, or
ask for changes with a comment); the image's current state is kept in ImageReview, one row per
image that has been shared for review, so the gallery can filter by it and deletion can refuse a
locked (approved) image.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from avatarapp.workspaces.models import Workspace
from generation.models import Image
from personas.models import Persona

from .bakeoffs import BakeOff


class ShareKind(models.TextChoices):
    SELECTION = "selection", "Chosen portraits"
    PERSONA = "persona", "A persona's portraits"
    BAKEOFF = "bakeoff", "A blind pick"


class ShareLink(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="share_links")
    kind = models.CharField(max_length=10, choices=ShareKind.choices)
    # What the page is about, for the team's list and the shared page's heading.
    title = models.CharField(max_length=120)
    persona = models.ForeignKey(
        Persona, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    bakeoff = models.ForeignKey(
        BakeOff, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)  # sha256 hex of the token
    password_hash = models.CharField(max_length=128, blank=True)  # Django's make_password; "" none
    allow_review = models.BooleanField(default=False)
    ai_label = models.BooleanField(default=True)  # a visible "AI-generated" label on each image
    watermark = models.BooleanField(default=False)  # a light watermark on the images served
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    view_count = models.PositiveIntegerField(default=0)
    last_viewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["workspace", "-created_at"], name="share_links_newest")]

    def __str__(self) -> str:
        return f"share link {self.pk} ({self.kind})"

    def is_live(self, now: object = None) -> bool:
        """Not revoked and not expired: the only links whose token opens anything."""
        moment = now or timezone.now()
        return self.revoked_at is None and self.expires_at > moment  # type: ignore[operator]


class SharedImage(models.Model):
    """One image a link shows, under its place on the shared page (1-based)."""

    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="shared")
    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["link", "position"]
        constraints = [
            models.UniqueConstraint(fields=["link", "position"], name="shared_position_once"),
            models.UniqueConstraint(fields=["link", "image"], name="shared_image_once"),
        ]

    def __str__(self) -> str:
        return f"{self.image_id} at {self.position} of {self.link_id}"


class ReviewState(models.TextChoices):
    NOT_SUBMITTED = "not_submitted", "Not submitted"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes", "Changes requested"


class ImageReview(models.Model):
    """An image's review state. No row: not submitted. Sharing it on a link that allows review
    puts it in review; a reviewer's decision moves it on."""

    image = models.OneToOneField(
        Image, on_delete=models.CASCADE, primary_key=True, related_name="review"
    )
    state = models.CharField(max_length=14, choices=ReviewState.choices)
    # Approved images can be locked against deletion (the gallery refuses to delete them).
    locked = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["state"], name="images_by_review_state")]

    def __str__(self) -> str:
        return f"{self.image_id}: {self.state}"


class ReviewDecision(models.TextChoices):
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes", "Changes requested"


class Review(models.Model):
    """One decision a reviewer gave through a link: who (the name they typed), on which image,
    what, and their comment. Kept in full; the image's state is the newest decision."""

    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="reviews")
    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="reviews")
    reviewer_name = models.CharField(max_length=80)
    decision = models.CharField(max_length=8, choices=ReviewDecision.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["image", "-created_at"], name="reviews_of_image")]

    def __str__(self) -> str:
        return f"{self.reviewer_name}: {self.decision} on {self.image_id}"
