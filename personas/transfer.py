"""Copying or moving a persona to another workspace its user can edit in.

A copy is a new persona there (brief, look, copies of the reference images); the original stays.
A move takes the persona itself, with its reference images. Generated portraits belong to the
workspace that paid for them: after a move they stay in its gallery and costs, still named after
the persona, but no longer linked to it (nor is its cover portrait, which is one of them).
A name the target already uses gets " (copy)", then " (copy 2)"...
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet

from avatarapp.workspaces.models import Workspace
from avatarapp.workspaces.roles import Role, at_least
from personas.models import Persona
from personas.services import PersonaError, persona_clone, persona_has_running_jobs

NAME_LENGTH = 80


def transfer_targets(user: User, source: Workspace) -> QuerySet[Workspace]:
    """The workspaces other than `source` where `user` may make personas (editor or more)."""
    roles = [role for role in Role if at_least(role, Role.EDITOR)]
    return (
        Workspace.objects.filter(memberships__user=user, memberships__role__in=roles)
        .exclude(pk=source.pk)
        .order_by("name")
    )


def free_name(workspace: Workspace, name: str) -> str:
    taken = {n.lower() for n in workspace.personas.values_list("name", flat=True)}
    candidate, n = name, 1
    while candidate.lower() in taken:
        suffix = " (copy)" if n == 1 else f" (copy {n})"
        candidate = name[: NAME_LENGTH - len(suffix)] + suffix
        n += 1
    return candidate


def persona_copy(*, persona: Persona, target: Workspace, user: User) -> Persona:
    return persona_clone(
        persona=persona, user=user, workspace=target, name=free_name(target, persona.name)
    )


def persona_move(*, persona: Persona, target: Workspace) -> Persona:
    if persona_has_running_jobs(persona=persona):
        raise PersonaError(
            f"{persona.name} has generations in progress. Wait for them to finish (or cancel "
            "them), then move the persona."
        )
    with transaction.atomic():
        # The reverse relations of generation.Image ("images") and gallery.PersonaCover
        # ("cover") are reached by name, so this layer imports neither.
        persona.images.update(persona=None)
        cover = getattr(persona, "cover", None)
        if cover is not None:
            cover.delete()
        persona.name = free_name(target, persona.name)
        persona.workspace = target
        persona.save(update_fields=["name", "workspace", "updated_at"])
    return persona
