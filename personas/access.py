"""Ownership helpers for personas, reference images and styles: every view reaches them here.

Each returns `(membership, obj)` through `avatarapp.workspaces.access.get_owned`: an object in a
workspace the user is not a member of is 404 (its id reveals nothing), a member without
two-factor sign-in is sent to set it up when the workspace requires it, a member whose role is
too low gets 403 with a sentence naming the role. One query per lookup.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest

from avatarapp.workspaces.access import get_owned
from avatarapp.workspaces.models import Membership
from avatarapp.workspaces.roles import Role
from personas.models import Persona, ReferenceImage, Style


def get_persona_for_member(
    request: HttpRequest, pk: uuid.UUID, minimum: str = Role.VIEWER
) -> tuple[Membership, Persona]:
    queryset = Persona.objects.select_related("workspace", "created_by")
    return get_owned(request, queryset, pk=pk, minimum=minimum)


def get_reference_for_member(
    request: HttpRequest, persona_pk: uuid.UUID, pk: uuid.UUID, minimum: str = Role.VIEWER
) -> tuple[Membership, ReferenceImage]:
    queryset = ReferenceImage.objects.select_related("persona").filter(persona_id=persona_pk)
    return get_owned(request, queryset, pk=pk, minimum=minimum, path="persona__workspace")


def get_style_for_member(
    request: HttpRequest, pk: uuid.UUID, minimum: str = Role.VIEWER
) -> tuple[Membership, Style]:
    return get_owned(request, Style.objects.select_related("workspace"), pk=pk, minimum=minimum)
