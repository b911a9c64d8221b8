"""Confirming the address an invitation is bound to, then coming back to the invitation.

Someone who tries to accept with the invited address on their account but unconfirmed is sent
allauth's confirmation link for that address (allauth's cooldown stops repeated clicks from
flooding the mailbox: the link sent a moment ago still works). The invitation is remembered in
their session, so confirming the address in this browser brings them back to the invitation page.
Confirmed on another device, the link confirms the address all the same and they reopen the
invitation link to accept.

Confirming does not accept for them. The confirmation link proves only that someone read that
mailbox; joining a workspace, with the role it gives, stays a decision of the person signed in,
taken on the page that names the workspace and the role.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.urls import reverse

# {"email": ..., "token": ...}: the raw token stays in the server-side session only, which holds
# nothing its owner does not already have (they opened the link).
AWAITING_CONFIRMATION = "invitation_awaiting_confirmation"


def ask_to_confirm(request: HttpRequest, user: User, email: str, token: str) -> str:
    """Email the confirmation link for `email` and remember the invitation; returns the sentence
    that tells the person what to do next."""
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:  # the address is on the user record only (an account made by an admin)
        address = EmailAddress.objects.create(user=user, email=email.lower(), verified=False)
    # allauth's own cooldown for confirmation mails, per address.
    if ratelimit.consume(request, action="confirm_email", key=address.email.lower()):
        address.send_confirmation(request)
    request.session[AWAITING_CONFIRMATION] = {"email": address.email.lower(), "token": token}
    return (
        f"Confirm {address.email} before you accept: we have emailed a confirmation link to it. "
        "Open the link and you come back here to accept."
    )


def invitation_to_resume(request: HttpRequest, confirmed: EmailAddress) -> str | None:
    """The invitation page to return to now that `confirmed` is verified, if one is waiting."""
    awaiting = request.session.get(AWAITING_CONFIRMATION)
    if not isinstance(awaiting, dict) or awaiting.get("email") != confirmed.email.lower():
        return None
    if request.user.pk != confirmed.user_id:
        return None
    del request.session[AWAITING_CONFIRMATION]
    return reverse("invitation", args=[awaiting["token"]])
