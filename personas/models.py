"""Personas (a marketing brief plus a look), their reference images, and workspace styles."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from avatarapp.workspaces.models import Workspace
from catalog import ASPECT_RATIOS, RESOLUTIONS
from personas.choices import Backdrop, Framing, Garment, Glasses, HairLength, Lighting, Mood

MAX_REFERENCES = 8
MAX_STYLE_REFERENCES = 4
ASPECT_CHOICES = [(a, a) for a in ASPECT_RATIOS]
RESOLUTION_CHOICES = [(r, r) for r in RESOLUTIONS]
QUALITY_CHOICES = [("low", "Low"), ("medium", "Medium"), ("high", "High")]
# Bumped when the built-in renderer's drawing changes, so cached renders and ETags move on.
RENDER_VERSION = "2"


class AgeRange(models.TextChoices):
    """Marketing-brief brackets, as ad platforms and survey panels use them."""

    A18 = "18-24", "18 to 24"
    A25 = "25-34", "25 to 34"
    A35 = "35-44", "35 to 44"
    A45 = "45-54", "45 to 54"
    A55 = "55-64", "55 to 64"
    A65 = "65+", "65 and over"


BRIEF_FIELDS = (
    "name",
    "age_range",
    "gender",
    "location",
    "occupation",
    "industry",
    "personality",
    "goals",
    "pain_points",
    "backstory",
    "tags",
)
LOOK_FIELDS = (
    "skin_tone",
    "hair_length",
    "hair_colour",
    "hair_style",
    "eye_colour",
    "build",
    "features",
    "wardrobe",
    "accessories",
    "glasses",
    "garment",
    "garment_colour",
)

DEFAULT_FIELDS = ("default_model", "default_aspect", "default_resolution", "default_quality")


class Persona(models.Model):
    # UUIDs keep persona URLs from being enumerable across tenants.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="personas")

    # The marketing brief.
    name = models.CharField(max_length=80)
    age_range = models.CharField(max_length=8, choices=AgeRange.choices, blank=True)
    gender = models.CharField(max_length=40, blank=True)
    location = models.CharField(max_length=120, blank=True)
    occupation = models.CharField(max_length=120, blank=True)
    industry = models.CharField(max_length=120, blank=True)
    personality = models.CharField("personality traits", max_length=300, blank=True)
    goals = models.TextField(max_length=2000, blank=True)
    pain_points = models.TextField(max_length=2000, blank=True)
    backstory = models.TextField(max_length=4000, blank=True)
    tags = models.JSONField(default=list, blank=True)

    # The look: free text, read by the prompt composer and the built-in renderer.
    skin_tone = models.CharField(max_length=80, blank=True)
    hair_colour = models.CharField(max_length=80, blank=True)
    hair_style = models.CharField(max_length=80, blank=True)
    eye_colour = models.CharField(max_length=80, blank=True)
    build = models.CharField(max_length=80, blank=True)
    features = models.CharField("distinctive features", max_length=300, blank=True)
    wardrobe = models.CharField(max_length=300, blank=True)
    accessories = models.CharField(max_length=200, blank=True)
    # Picked from small sets (personas.choices); the free-text fields above say the rest.
    hair_length = models.CharField(max_length=20, choices=HairLength.choices, blank=True)
    glasses = models.CharField(max_length=24, choices=Glasses.choices, blank=True)
    garment = models.CharField(max_length=24, choices=Garment.choices, blank=True)
    garment_colour = models.CharField(max_length=40, blank=True)  # a colour word or #rrggbb

    # What Generate starts with when this persona is chosen (personas.defaults): a catalog id, or
    # empty (each style's recommendation); the settings all three, or none (the page's own).
    default_model = models.CharField(max_length=64, blank=True)
    default_aspect = models.CharField(max_length=5, choices=ASPECT_CHOICES, blank=True)
    default_resolution = models.CharField(max_length=2, choices=RESOLUTION_CHOICES, blank=True)
    default_quality = models.CharField(max_length=6, choices=QUALITY_CHOICES, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "name"]
        indexes = [models.Index(fields=["workspace", "archived_at", "-updated_at"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("personas:detail", args=[self.pk])

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def summary(self) -> str:
        """One line for cards: "Product manager · Lisbon"."""
        return " · ".join(p for p in (self.occupation, self.location) if p)

    @property
    def headline(self) -> str:
        """The detail page's subtitle: "35 to 44 · Woman · Product manager · Lisbon"."""
        age = self.get_age_range_display() if self.age_range else ""
        parts = (age, self.gender, self.occupation, self.location)
        return " · ".join(p for p in parts if p)

    @property
    def render_seed(self) -> int:
        """The built-in renderer's seed: stable for the persona's life, different per persona."""
        return int.from_bytes(self.pk.bytes[:4], "big") & 0x7FFFFFFF

    def render_tag(self, size: int, scene: str = "") -> str:
        """A short hash of everything the built-in render depends on (`scene`: a style's scene as
        text, or ""): the URL version and ETag."""
        parts = [RENDER_VERSION, str(self.render_seed), str(size), scene]
        parts += [getattr(self, name) for name in LOOK_FIELDS]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]

    def portrait_url(self, size: int = 512) -> str:
        return (
            reverse("personas:portrait", args=[self.pk]) + f"?size={size}&v={self.render_tag(size)}"
        )


class StoredImage(models.Model):
    """An uploaded image as stored: re-encoded (no metadata) under a server-made name, with its
    thumbnail. The concrete kinds below differ only in what they belong to."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    storage_name = models.CharField(max_length=255, unique=True)
    thumbnail_name = models.CharField(max_length=255, unique=True)
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    byte_size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


class ReferenceImage(StoredImage):
    """A likeness reference of a persona."""

    persona = models.ForeignKey(Persona, on_delete=models.CASCADE, related_name="references")

    class Meta(StoredImage.Meta):
        constraints = [
            models.UniqueConstraint(fields=["persona", "sha256"], name="one_copy_of_each_reference")
        ]

    def __str__(self) -> str:
        return f"Reference {self.pk} of {self.persona_id}"


class Style(models.Model):
    """A workspace's own style: a brand look the prompt composer phrases per model family."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="styles")
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)
    palette = models.CharField(max_length=200, blank=True)
    background = models.CharField(max_length=200, blank=True)
    lighting = models.CharField(max_length=200, blank=True)
    lens = models.CharField(max_length=120, blank=True)
    wardrobe_rules = models.CharField(max_length=300, blank=True)
    # The scene, picked (personas.choices); the free-text fields above say the rest.
    backdrop_colour = models.CharField(max_length=7, blank=True)  # #rrggbb
    backdrop = models.CharField(max_length=12, choices=Backdrop.choices, blank=True)
    lighting_direction = models.CharField(max_length=12, choices=Lighting.choices, blank=True)
    framing = models.CharField(max_length=12, choices=Framing.choices, blank=True)
    mood = models.CharField(max_length=12, choices=Mood.choices, blank=True)
    recommended_model = models.CharField(max_length=64, blank=True)
    default_aspect = models.CharField(max_length=5, choices=ASPECT_CHOICES, default="4:5")
    default_quality = models.CharField(max_length=6, choices=QUALITY_CHOICES, default="medium")
    copied_from = models.CharField(max_length=60, blank=True)  # a built-in slug, for provenance
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="style_name_per_workspace")
        ]

    def __str__(self) -> str:
        return self.name


class StyleReference(StoredImage):
    """An image that shows a style (a mood board shot, a brand photo). Stored for the providers
    that accept style references; the built-in renderer and today's prompts do not read them."""

    style = models.ForeignKey(Style, on_delete=models.CASCADE, related_name="references")

    class Meta(StoredImage.Meta):
        constraints = [
            models.UniqueConstraint(fields=["style", "sha256"], name="one_copy_of_each_style_ref")
        ]

    def __str__(self) -> str:
        return f"Reference {self.pk} of style {self.style_id}"


class PendingUpload(StoredImage):
    """A reference image uploaded while its persona or style is still being made (personas.
    uploads): held for the one person who uploaded it (created_by), in one workspace, under the
    draft id of the form it was dropped on, until that form is saved (it becomes a reference) or
    the sweeper removes it as abandoned (an uploader's deleted account leaves it to the sweeper
    too, so its files go with it)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    draft = models.UUIDField()
    original_name = models.CharField(max_length=80, blank=True)  # shown beside the thumbnail

    class Meta(StoredImage.Meta):
        indexes = [
            models.Index(fields=["created_by", "workspace", "draft"]),
            models.Index(fields=["created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "workspace", "draft", "sha256"], name="one_copy_per_draft"
            )
        ]

    def __str__(self) -> str:
        return f"Pending upload {self.pk} of draft {self.draft}"
