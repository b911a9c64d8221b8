"""What a team adds to its portraits after they are made: favourites (per person), tags (a
workspace's own vocabulary) and each persona's cover portrait.

These live above `generation` (they point at its images) and `personas`, so the lower layers
know nothing of them: a persona's cover is a row here, not a field on the persona.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from avatarapp.workspaces.models import Workspace
from generation.models import Image
from personas.models import Persona

TAG_MAX_LENGTH = 40


class Favourite(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourites"
    )
    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="favourites")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "image"], name="one_favourite_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} likes {self.image_id}"


class Tag(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=TAG_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("workspace", Lower("name"), name="one_tag_name_per_workspace")
        ]

    def __str__(self) -> str:
        return self.name


class ImageTag(models.Model):
    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="image_tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="image_tags")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["image", "tag"], name="tag_once")]
        indexes = [models.Index(fields=["tag", "image"], name="images_by_tag")]

    def __str__(self) -> str:
        return f"{self.tag_id} on {self.image_id}"


class PersonaCover(models.Model):
    """The portrait that stands for a persona on its card and in the Generate picker."""

    persona = models.OneToOneField(
        Persona, on_delete=models.CASCADE, primary_key=True, related_name="cover"
    )
    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="+")
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    chosen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"cover of {self.persona_id}: {self.image_id}"


class FocalPoint(models.Model):
    """Where the subject of a portrait is, set by an editor clicking the image: the persona
    kit's crops centre on it. x and y are fractions of the width and height (0 to 1 from the top
    left), so they hold for the image at any size. An image without a row uses the upper-third
    centre (gallery.focal_points.DEFAULT), where a portrait's face usually is.

    A table here rather than two columns on generation's Image: the focal point is something a
    team adds after the image is made, like a cover or a tag, and most images never get one."""

    image = models.OneToOneField(
        Image, on_delete=models.CASCADE, primary_key=True, related_name="focal_point"
    )
    x = models.FloatField()
    y = models.FloatField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(x__gte=0, x__lte=1, y__gte=0, y__lte=1),
                name="focal_point_inside_image",
            )
        ]

    def __str__(self) -> str:
        return f"focal point of {self.image_id}: {self.x:.3f}, {self.y:.3f}"
