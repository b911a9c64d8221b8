"""django-allauth hooks: a new account gets its personal workspace in the same transaction;
sign-up for a known address looks and takes like sign-up for a new one; confirming an address an
invitation waits for leads back to the invitation, and so does signing up or logging in after
opening an invitation link (pending_invitation)."""

from __future__ import annotations

import secrets
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.http import HttpRequest

from avatarapp.workspaces import pending_invitation
from avatarapp.workspaces.access import SESSION_KEY
from avatarapp.workspaces.address_confirmation import invitation_to_resume
from avatarapp.workspaces.services import workspace_create_personal


def user_display(user: Any) -> str:
    """How pages and mails name an account: its email, not the username allauth makes up."""
    return str(user.email or user.get_username())


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=True)
            workspace = workspace_create_personal(user=user)
        request.session[SESSION_KEY] = str(workspace.pk)
        return user

    def send_account_already_exists_mail(self, email: str) -> None:
        # Sign-up for a known address creates nothing. Without this, it would answer faster than
        # sign-up for a new one by the time one password hash takes (a large share of a second),
        # telling a stopwatch what the page is careful not to say.
        make_password(secrets.token_urlsafe())
        super().send_account_already_exists_mail(email)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return pending_invitation.url(request) or super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return pending_invitation.url(request) or super().get_signup_redirect_url(request)

    def get_email_verification_redirect_url(self, email_address: EmailAddress) -> str:
        resume = invitation_to_resume(self.request, email_address)
        if resume is None and self.request.user.is_authenticated:
            resume = pending_invitation.url(self.request)
        return resume or super().get_email_verification_redirect_url(email_address)
