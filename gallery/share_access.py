"""What a person holding a share link carries between requests, and the short-lived image URLs.

- A password, once given, unlocks the link for that browser's session (nothing else is kept).
  Wrong passwords are rate limited per link and client address, and per link from anywhere.
- A reviewer's name, once given, is kept in the same session for that link.
- Image URLs name a position and a variant, signed with a TimestampSigner salted with the
  link's id: they expire after SHARE_IMAGE_URL_SECONDS, work for that link only, and carry no
  image id, workspace id or storage key. The link must still be live when they are fetched, so
  revoking a link stops its images at once.
"""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core import signing
from django.http import HttpRequest

from avatarapp import ratelimit
from gallery.models import ShareLink

VARIANTS = ("thumbnail", "original")
REVIEWER_NAME_MAX = 80


def _session_key(link: ShareLink) -> str:
    return f"share:{link.pk}"


def _state(request: HttpRequest, link: ShareLink) -> dict:
    return dict(request.session.get(_session_key(link), {}))


def _remember(request: HttpRequest, link: ShareLink, **values: object) -> None:
    request.session[_session_key(link)] = {**_state(request, link), **values}


def is_unlocked(request: HttpRequest, link: ShareLink) -> bool:
    return not link.password_hash or bool(_state(request, link).get("unlocked"))


class PasswordRefused(Exception):
    """A wrong password, or too many tries; the message says which."""

    def __init__(self, message: str, retry_after: int = 0) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def unlock(request: HttpRequest, link: ShareLink, password: str) -> None:
    """Unlock `link` for this session, or raise PasswordRefused. Every try counts, so a script
    cannot guess faster than the limit, right or wrong."""
    client = get_adapter().get_client_ip(request)
    # The limiter's two scopes, here: "user" is this client address on this link, "workspace"
    # is the link itself, whoever asks (settings.RATE_LIMITS["share_password"]).
    verdict = ratelimit.hit("share_password", user_id=f"{link.pk}:{client}", workspace_id=link.pk)
    if not verdict.allowed:
        raise PasswordRefused(
            ratelimit.refusal("trying passwords", verdict, allowed_by="this link"),
            verdict.retry_after,
        )
    if not password or not check_password(password, link.password_hash):
        raise PasswordRefused("That password is not right. Check it with whoever sent the link.")
    request.session.cycle_key()  # a new session id once unlocked, as after a login
    _remember(request, link, unlocked=True)


def reviewer_name(request: HttpRequest, link: ShareLink) -> str:
    return str(_state(request, link).get("reviewer", ""))


def set_reviewer_name(request: HttpRequest, link: ShareLink, typed: str) -> str:
    """Keep the name a reviewer typed; returns the problem with it, or "" when kept."""
    name = " ".join(typed.split())
    if not name:
        return "Type your name, so the team knows who reviewed."
    if len(name) > REVIEWER_NAME_MAX:
        return f"Keep your name to {REVIEWER_NAME_MAX} characters."
    _remember(request, link, reviewer=name)
    return ""


def _signer(link: ShareLink) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"gallery.share-image:{link.pk}")


def image_ticket(link: ShareLink, position: int, variant: str) -> str:
    """The signed part of a shared image's URL, e.g. "3.thumbnail:1tVq2b:Qx..."."""
    return _signer(link).sign(f"{position}.{variant}")


def read_ticket(link: ShareLink, ticket: str) -> tuple[int, str] | None:
    """(position, variant) from a ticket this link signed within the time allowed; else None."""
    try:
        value = _signer(link).unsign(ticket, max_age=settings.SHARE_IMAGE_URL_SECONDS)
    except signing.BadSignature:  # tampered, another link's, or expired
        return None
    position, _, variant = value.partition(".")
    if not position.isdigit() or variant not in VARIANTS:
        return None
    return int(position), variant
