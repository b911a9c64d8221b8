"""Reference-image uploads: every file goes through the image safety pipeline here, and nothing
is stored until every file of the submission has passed, so a bad file leaves no half-saved
upload behind."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from avatarapp import imagesafety
from personas.models import MAX_REFERENCES
from personas.reference_files import PreparedReference, prepare_reference

ACCEPT = "image/png,image/jpeg,image/webp"
HELP = (
    f"PNG, JPEG or WEBP, up to {imagesafety.MAX_BYTES // (1024 * 1024)} MB each. "
    "Location and camera data are removed."
)


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented recipe)."""

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files and self.required:
            raise forms.ValidationError("Choose at least one image.", code="required")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def prepare_uploads(files: list[UploadedFile], limit: int) -> list[PreparedReference]:
    """Check and re-encode every file, or raise ValidationError naming the first bad one."""
    if len(files) > limit:
        raise forms.ValidationError(f"Choose at most {limit} images at a time.")
    prepared = []
    for upload in files:
        try:
            if upload.size is not None and upload.size > imagesafety.MAX_BYTES:
                # Refused on the declared size, without reading a byte into memory.
                raise imagesafety.UnsafeImageError(
                    f"This file is larger than {imagesafety.MAX_BYTES // (1024 * 1024)} MB."
                )
            prepared.append(prepare_reference(imagesafety.read_capped(upload)))
        except imagesafety.UnsafeImageError as error:
            name = (upload.name or "image")[:60]
            raise forms.ValidationError(f"{name}: {error.user_message}") from None
    return prepared


def images_field(label: str, *, required: bool = True) -> MultipleFileField:
    return MultipleFileField(
        label=label,
        required=required,
        help_text=HELP,
        widget=MultipleImageInput(attrs={"accept": ACCEPT}),
    )


class ReferenceUploadForm(forms.Form):
    """Reference images added to a saved persona (its page)."""

    images = images_field("Add reference images")

    def clean_images(self) -> list[PreparedReference]:
        return prepare_uploads(self.cleaned_data["images"], MAX_REFERENCES)


class PendingUploadForm(forms.Form):
    """Reference images dropped on a persona or style form before it is saved (personas.uploads).
    Without JavaScript the same field is posted with the form itself."""

    images = images_field("Add reference images", required=False)

    def __init__(self, *args: Any, limit: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit = limit

    def clean_images(self) -> list[PreparedReference]:
        return prepare_uploads(self.cleaned_data["images"], self.limit)
