"""Everything that changes personas, reference images and workspace styles.

Views stay thin and call these. Stored files follow the rows (personas.reference_files).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from avatarapp.workspaces.models import Membership, Workspace
from personas import busy, reference_files
from personas.defaults import Defaults, check_defaults
from personas.errors import PersonaError
from personas.models import (
    BRIEF_FIELDS,
    DEFAULT_FIELDS,
    LOOK_FIELDS,
    MAX_REFERENCES,
    Persona,
    ReferenceImage,
    Style,
)
from personas.reference_files import PreparedReference
from personas.style_specs import (
    BUILTIN_BY_KEY,
    BUILTIN_STYLES,
    StyleSpec,
    UnknownStyleError,
    spec_from_style,
    workspace_style_id,
)


def persona_has_running_jobs(*, persona: Persona) -> bool:
    """Whether images of this persona are still being made. Deleting a persona is refused while
    this is True, so no running job loses its references mid-flight."""
    return busy.persona_is_busy(persona)


# --- Personas ------------------------------------------------------------------------------------


def persona_archive(*, persona: Persona) -> None:
    persona.archived_at = timezone.now()
    persona.save(update_fields=["archived_at", "updated_at"])


def persona_unarchive(*, persona: Persona) -> None:
    persona.archived_at = None
    persona.save(update_fields=["archived_at", "updated_at"])


def persona_delete(*, persona: Persona) -> None:
    if persona_has_running_jobs(persona=persona):
        raise PersonaError(
            f"{persona.name} has generations in progress. Wait for them to finish (or cancel "
            "them), then delete the persona."
        )
    with transaction.atomic():
        reference_files.delete_after_commit(persona.references.all())
        persona.delete()


def persona_default_set(
    *,
    membership: Membership,
    persona: Persona,
    model_id: str,
    aspect_ratio: str,
    resolution: str,
    quality: str,
) -> Persona:
    """Make these the persona's defaults for generating (personas.defaults). Raises
    PersonaError, changing nothing, for a member below editor, a persona of another workspace,
    or defaults the catalog refuses (a DefaultsError, whose `field` says which)."""
    if persona.workspace_id != membership.workspace_id:
        raise PersonaError("That persona is not in this workspace.")
    if not membership.can_edit:
        raise PersonaError("Changing a persona's defaults needs the editor role.")
    defaults = Defaults(model_id.strip(), aspect_ratio, resolution, quality)
    check_defaults(defaults)
    persona.default_model = defaults.model_id
    persona.default_aspect, persona.default_resolution, persona.default_quality = (
        aspect_ratio,
        resolution,
        quality,
    )
    persona.save(update_fields=[*DEFAULT_FIELDS, "updated_at"])
    return persona


def persona_duplicate(*, persona: Persona, user: User) -> Persona:
    """A copy with "(copy)" in its name, the same brief and look, and copies of its references."""
    return persona_clone(
        persona=persona, user=user, workspace=persona.workspace, name=f"{persona.name[:73]} (copy)"
    )


def persona_clone(*, persona: Persona, user: User, workspace: Workspace, name: str) -> Persona:
    """A new persona in `workspace` named `name`, with `persona`'s brief, look and copies of its
    reference images (its generated portraits stay with the original)."""
    fields = {field: getattr(persona, field) for field in (*BRIEF_FIELDS, *LOOK_FIELDS)}
    fields.update({field: getattr(persona, field) for field in DEFAULT_FIELDS}, name=name)
    with reference_files.removed_on_failure() as written, transaction.atomic():
        copy = Persona.objects.create(workspace=workspace, created_by=user, **fields)
        for ref in persona.references.all():
            stored = reference_files.copy_stored(ref, folder(copy), written)
            ReferenceImage.objects.create(persona=copy, created_by=user, **stored)
    return copy


def folder(persona: Persona) -> str:
    """Where a persona's reference files are stored (where it was made: a moved persona keeps
    its files where they are, the rows know their names)."""
    return f"personas/{persona.workspace_id}/{persona.pk}"


# --- Reference images ----------------------------------------------------------------------------


def reference_add(
    *, persona: Persona, user: User, prepared: list[PreparedReference]
) -> list[ReferenceImage]:
    """All or nothing: either every image is stored with its row, or none is."""
    with reference_files.removed_on_failure() as written, transaction.atomic():
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
        return [
            ReferenceImage.objects.create(
                persona=persona,
                created_by=user,
                **reference_files.store_prepared(folder(persona), item, written),
            )
            for item in fresh
        ]


def _unique_new(prepared: list[PreparedReference], known: set[str]) -> list[PreparedReference]:
    fresh: dict[str, PreparedReference] = {}
    for item in prepared:
        if item.image.sha256 in known:
            raise PersonaError("That image is already one of this persona's references.")
        fresh.setdefault(item.image.sha256, item)
    return list(fresh.values())


def reference_delete(*, reference: ReferenceImage) -> None:
    with transaction.atomic():
        reference_files.delete_after_commit([reference])
        reference.delete()


# --- Styles --------------------------------------------------------------------------------------


def style_spec_list(*, workspace: Workspace) -> list[StyleSpec]:
    """Every style a persona of `workspace` can use: the built-in library, then the workspace's."""
    return list(BUILTIN_STYLES) + [spec_from_style(s) for s in workspace.styles.all()]


def style_spec_resolve(
    *, workspace: Workspace, keys: Iterable[str]
) -> tuple[list[StyleSpec], list[str]]:
    """(styles found, keys not found) for style keys from a form or URL, in the order given."""
    keys = list(dict.fromkeys(k for k in keys if k))
    ids = [i for i in map(workspace_style_id, keys) if i is not None]
    rows = {f"style:{s.pk}": spec_from_style(s) for s in workspace.styles.filter(pk__in=ids)}
    found = {**BUILTIN_BY_KEY, **rows}
    return [found[k] for k in keys if k in found], [k for k in keys if k not in found]


def style_spec_get(*, workspace: Workspace, key: str) -> StyleSpec:
    specs, unknown = style_spec_resolve(workspace=workspace, keys=[key])
    if unknown or not specs:
        raise UnknownStyleError(key)
    return specs[0]


def style_delete(*, style: Style) -> None:
    with transaction.atomic():
        reference_files.delete_after_commit(style.references.all())
        style.delete()


def style_copy_builtin(*, workspace: Workspace, user: User, spec: StyleSpec) -> Style:
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
