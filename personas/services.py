"""Everything that changes personas, reference images and workspace styles.

Views stay thin and call these. Stored files follow the rows: a file is written before its row is
created and removed again if the row is not; a deleted row's files go only after the deletion has
committed, so a rolled-back delete never leaves a row pointing at nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from avatarapp import imagesafety
from avatarapp.imagesafety import SafeImage
from avatarapp.workspaces.models import Workspace
from personas.library import (
    BUILTIN_BY_KEY,
    BUILTIN_STYLES,
    StyleSpec,
    UnknownStyleError,
    spec_from_style,
    workspace_style_id,
)
from personas.models import (
    BRIEF_FIELDS,
    LOOK_FIELDS,
    MAX_REFERENCES,
    Persona,
    ReferenceImage,
    Style,
)

REFERENCE_MAX_SIDE = 2048  # more than any provider uses for likeness, and keeps requests small
THUMBNAIL_SIDE = 320


class PersonaError(Exception):
    """A refused change. The message is a sentence a user can act on."""


def persona_has_running_jobs(persona: Persona) -> bool:
    """Whether images of this persona are still being made. Deleting a persona is refused while
    this is True, so no running job loses its references mid-flight."""
    from generation.models import Image

    return Image.objects.filter(persona=persona).exclude(status__in=Image.TERMINAL).exists()


# --- Personas ------------------------------------------------------------------------------------


def archive(persona: Persona) -> None:
    persona.archived_at = timezone.now()
    persona.save(update_fields=["archived_at", "updated_at"])


def unarchive(persona: Persona) -> None:
    persona.archived_at = None
    persona.save(update_fields=["archived_at", "updated_at"])


def delete_persona(persona: Persona) -> None:
    if persona_has_running_jobs(persona):
        raise PersonaError(
            f"{persona.name} has generations in progress. Wait for them to finish (or cancel "
            "them), then delete the persona."
        )
    with transaction.atomic():
        names = _file_names(persona.references.all())
        persona.delete()
        transaction.on_commit(lambda: _delete_files(names))


def duplicate_persona(persona: Persona, user: User) -> Persona:
    """A copy with "(copy)" in its name, the same brief and look, and copies of its references."""
    copied = (*BRIEF_FIELDS, *LOOK_FIELDS, "default_model")
    fields = {name: getattr(persona, name) for name in copied}
    fields["name"] = f"{persona.name[:73]} (copy)"
    written: list[str] = []
    try:
        with transaction.atomic():
            copy = Persona.objects.create(workspace=persona.workspace, created_by=user, **fields)
            for ref in persona.references.all():
                names = [_copy_file(ref.storage_name, copy), _copy_file(ref.thumbnail_name, copy)]
                written += names
                ReferenceImage.objects.create(
                    persona=copy,
                    storage_name=names[0],
                    thumbnail_name=names[1],
                    content_type=ref.content_type,
                    width=ref.width,
                    height=ref.height,
                    byte_size=ref.byte_size,
                    sha256=ref.sha256,
                    created_by=user,
                )
    except BaseException:
        _delete_files(written)
        raise
    return copy


# --- Reference images ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedReference:
    """An upload that passed the safety pipeline, with its thumbnail; nothing stored yet."""

    image: SafeImage
    thumbnail: SafeImage


def prepare_reference(data: bytes) -> PreparedReference:
    """Raises imagesafety.UnsafeImageError with a user-facing message."""
    image, thumbnail = imagesafety.sanitize_with_thumbnail(
        data, THUMBNAIL_SIDE, max_side=REFERENCE_MAX_SIDE
    )
    return PreparedReference(image, thumbnail)


def add_references(
    persona: Persona, user: User, prepared: list[PreparedReference]
) -> list[ReferenceImage]:
    """All or nothing: either every image is stored with its row, or none is."""
    written: list[str] = []
    try:
        with transaction.atomic():
            # Lock the persona so two uploads at once cannot both see room for the last slot.
            Persona.objects.select_for_update().filter(pk=persona.pk).first()
            known = set(persona.references.values_list("sha256", flat=True))
            fresh = _unique_new(prepared, known)
            if len(known) + len(fresh) > MAX_REFERENCES:
                room = MAX_REFERENCES - len(known)
                raise PersonaError(
                    f"A persona holds up to {MAX_REFERENCES} reference images. {persona.name} has "
                    f"{len(known)}, so there is room for {room} more"
                    + (". Delete one to add another." if room == 0 else "; choose fewer.")
                )
            created = []
            for item in fresh:
                names = [_store(persona, item.image), _store(persona, item.thumbnail, "-thumb")]
                written += names
                created.append(
                    ReferenceImage.objects.create(
                        persona=persona,
                        storage_name=names[0],
                        thumbnail_name=names[1],
                        content_type=item.image.content_type,
                        width=item.image.width,
                        height=item.image.height,
                        byte_size=len(item.image.data),
                        sha256=item.image.sha256,
                        created_by=user,
                    )
                )
    except BaseException:
        _delete_files(written)
        raise
    return created


def _unique_new(prepared: list[PreparedReference], known: set[str]) -> list[PreparedReference]:
    fresh: dict[str, PreparedReference] = {}
    for item in prepared:
        if item.image.sha256 in known:
            raise PersonaError("That image is already one of this persona's references.")
        fresh.setdefault(item.image.sha256, item)
    return list(fresh.values())


def delete_reference(reference: ReferenceImage) -> None:
    names = _file_names([reference])
    with transaction.atomic():
        reference.delete()
        transaction.on_commit(lambda: _delete_files(names))


class _ImageContent(ContentFile):
    """S3Storage sends a file's `content_type` attribute as the object's Content-Type: ours is
    the fixed type of the re-encoded bytes, never what the browser claimed."""

    def __init__(self, data: bytes, content_type: str) -> None:
        super().__init__(data)
        self.content_type = content_type


def _folder(persona: Persona) -> str:
    return f"personas/{persona.workspace_id}/{persona.pk}"


def _store(persona: Persona, image: SafeImage, suffix: str = "") -> str:
    # Server-made name: nothing of the uploaded file name reaches storage.
    name = f"{_folder(persona)}/{uuid.uuid4().hex}{suffix}"
    content = _ImageContent(image.data, image.content_type)
    return default_storage.save(f"{name}.{image.extension}", content)


def _copy_file(name: str, target: Persona) -> str:
    with default_storage.open(name) as handle:
        data = handle.read()
    extension = name.rsplit(".", 1)[-1]
    content_type = content_type_of(name)
    suffix = "-thumb" if name.endswith(f"-thumb.{extension}") else ""
    new_name = f"{_folder(target)}/{uuid.uuid4().hex}{suffix}.{extension}"
    return default_storage.save(new_name, _ImageContent(data, content_type))


def content_type_of(name: str) -> str:
    """The fixed type of a stored image, from the extension we gave it ourselves."""
    extension = name.rsplit(".", 1)[-1]
    by_extension = {
        ext: imagesafety.CONTENT_TYPES[fmt] for fmt, ext in imagesafety.EXTENSIONS.items()
    }
    return by_extension[extension]


def _file_names(references: Iterable[ReferenceImage]) -> list[str]:
    return [n for ref in references for n in (ref.storage_name, ref.thumbnail_name)]


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


# --- Styles --------------------------------------------------------------------------------------


def style_specs(workspace: Workspace) -> list[StyleSpec]:
    """Every style a persona of `workspace` can use: the built-in library, then the workspace's."""
    return list(BUILTIN_STYLES) + [spec_from_style(s) for s in workspace.styles.all()]


def resolve_styles(workspace: Workspace, keys: Iterable[str]) -> tuple[list[StyleSpec], list[str]]:
    """(styles found, keys not found) for style keys from a form or URL, in the order given."""
    keys = list(dict.fromkeys(k for k in keys if k))
    ids = [i for i in map(workspace_style_id, keys) if i is not None]
    rows = {f"style:{s.pk}": spec_from_style(s) for s in workspace.styles.filter(pk__in=ids)}
    found = {**BUILTIN_BY_KEY, **rows}
    return [found[k] for k in keys if k in found], [k for k in keys if k not in found]


def get_style_spec(workspace: Workspace, key: str) -> StyleSpec:
    specs, unknown = resolve_styles(workspace, [key])
    if unknown or not specs:
        raise UnknownStyleError(key)
    return specs[0]


def copy_builtin_style(workspace: Workspace, user: User, spec: StyleSpec) -> Style:
    """A workspace style with the built-in's look, named like it ("Corporate 2" if taken)."""
    taken = {n.lower() for n in workspace.styles.values_list("name", flat=True)}
    name, n = spec.name, 1
    while name.lower() in taken:
        n += 1
        name = f"{spec.name} {n}"
    return Style.objects.create(
        workspace=workspace,
        name=name,
        description=spec.description,
        palette=spec.palette,
        background=spec.background,
        lighting=spec.lighting,
        lens=spec.lens,
        wardrobe_rules=spec.wardrobe_rules,
        backdrop_colour=spec.backdrop_colour,
        backdrop=spec.backdrop,
        lighting_direction=spec.lighting_direction,
        framing=spec.framing,
        mood=spec.mood,
        recommended_model=spec.recommended_model,
        default_aspect=spec.aspect,
        default_quality=spec.quality,
        copied_from=spec.slug,
        created_by=user,
    )
