"""django-allauth hooks: a new account gets its personal workspace in the same transaction."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction
from django.http import HttpRequest

from avatarapp.workspaces.access import SESSION_KEY
from avatarapp.workspaces.services import create_personal_workspace


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=True)
            workspace = create_personal_workspace(user)
        request.session[SESSION_KEY] = str(workspace.pk)
        return user
