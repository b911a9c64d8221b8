"""django-allauth MFA hooks: plain-word errors, a QR code the page can inline, and a member's
last second factor stays while a workspace of theirs requires two-factor sign-in (see
avatarapp.workspaces.two_factor)."""

from __future__ import annotations

from typing import Any

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.views import RemoveWebAuthnView
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect

from avatarapp.workspaces.two_factor import removal_refusal

REFUSED_REMOVAL = "cannot_delete_authenticator"


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        # Also what a replayed code gets: allauth refuses a code seen within its 30 seconds.
        "incorrect_code": (
            "That code is wrong or was already used. Enter the code your authenticator app "
            "shows now; each code works once."
        ),
    }

    def build_totp_svg(self, url: str) -> str:
        # Inlined in the setup page rather than loaded from a data: URL, which the
        # Content-Security-Policy would have to allow: drop the XML declaration, name the picture.
        svg = super().build_totp_svg(url)
        svg = svg[svg.index("<svg") :]
        return svg.replace(
            "<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1
        )

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # allauth asks this before turning off the authenticator app.
        self._refusal = removal_refusal(authenticator)
        return self._refusal is None

    def validation_error(self, code: str, *args: Any) -> ValidationError:
        # allauth asks can_delete_authenticator and then, on the same adapter, for this error:
        # the sentence names the workspaces that keep the authenticator.
        refusal = getattr(self, "_refusal", None)
        if code == REFUSED_REMOVAL and refusal:
            return ValidationError(refusal, code=code)
        return super().validation_error(code, *args)


class RemovePasskeyView(RemoveWebAuthnView):
    """allauth's passkey removal, which does not ask the adapter: the same refusal as above."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["refusal"] = removal_refusal(self.object)
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        refusal = removal_refusal(self.get_object())
        if refusal:
            messages.error(self.request, refusal)
            return redirect("mfa_list_webauthn")
        return super().form_valid(form)


remove_passkey = RemovePasskeyView.as_view()
