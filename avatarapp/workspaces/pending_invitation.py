"""An invitation opened before signing in is not lost on the way to an account.

Someone who opens an invitation link while signed out has to sign up or log in first, and may
take any path there: the page's own buttons, the header's "Sign up" or "Log in", a forgotten
password, the email confirmation of a new account, a second browser tab. The links carry
?next= to the invitation where they can, and the invitation is also remembered in the session,
so whichever way the person signs in, in this browser, the first page after it is the invitation
(accounts.AccountAdapter asks `url` for the page to land on). Seeing the invitation page while
signed in, accepting or declining forgets it.

The raw token stays in the server-side session, which holds nothing its owner does not already
have (they opened the link).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

PENDING = "invitation_pending"


def remember(request: HttpRequest, token: str) -> None:
    request.session[PENDING] = token


def forget(request: HttpRequest) -> None:
    request.session.pop(PENDING, None)


def url(request: HttpRequest) -> str | None:
    """The invitation page to land on after signing in, if one is waiting."""
    token = request.session.get(PENDING)
    return reverse("invitation", args=[token]) if isinstance(token, str) else None
