"""Workspace roles, ordered from least to most powerful."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    EDITOR = "editor", "Editor"
    ADMIN = "admin", "Admin"
    OWNER = "owner", "Owner"


_RANK = {Role.VIEWER: 0, Role.EDITOR: 1, Role.ADMIN: 2, Role.OWNER: 3}

ROLE_HELP = {
    Role.VIEWER: "sees personas, galleries and costs",
    Role.EDITOR: "also creates personas and styles and runs generations with workspace keys",
    Role.ADMIN: "also manages members, invitations, provider keys and the budget",
    Role.OWNER: "also manages owners and can delete the workspace",
}


def rank(role: str) -> int:
    return _RANK[Role(role)]


def at_least(role: str, minimum: str) -> bool:
    return rank(role) >= rank(minimum)


def grantable_by(role: str) -> list[Role]:
    """The roles a member with `role` may give to others: owners give any, admins up to admin."""
    if role == Role.OWNER:
        return list(Role)
    if role == Role.ADMIN:
        return [Role.VIEWER, Role.EDITOR, Role.ADMIN]
    return []
