"""Reading the mails a test caused (the locmem backend keeps them in django.core.mail.outbox)."""

from __future__ import annotations

import re

from django.core import mail


def mails_to(email: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if email.lower() in (to.lower() for to in m.to)]


def confirmation_link(email: str) -> str:
    """The path of the newest email-confirmation link mailed to `email`."""
    for message in reversed(mails_to(email)):
        found = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", str(message.body))
        if found:
            return found.group(1)
    raise AssertionError(f"no confirmation link was mailed to {email}")
