"""Two-factor helpers for tests: authenticators made with allauth's own API, and TOTP codes
computed from a secret the way an authenticator app does (RFC 6238 through allauth's hotp)."""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD


def time_step() -> int:
    """The number of the current 30-second step (RFC 6238's T)."""
    return int(time.time()) // settings.MFA_TOTP_PERIOD


def totp_code(secret: str, *, seconds_left: float = 2) -> str:
    """The code an authenticator app shows now. The server accepts only the current 30-second
    step, so when fewer than `seconds_left` seconds of it remain this waits for the next step
    rather than hand over a code about to expire."""
    period = settings.MFA_TOTP_PERIOD
    remaining = period - time.time() % period
    if remaining < seconds_left:
        time.sleep(remaining + 0.05)
    return format_hotp_value(hotp_value(secret, time_step()))


def enable_totp(user: Any) -> str:
    """Turn on the authenticator app (with recovery codes) for `user`; returns the secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def recovery_codes(user: Any) -> list[str]:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    return list(authenticator.wrap().get_unused_codes())


def sign_in_with_password(client: Client, email: str) -> Any:
    """First step of signing in; with 2FA on, this leads to the code page."""
    return client.post(reverse("account_login"), {"login": email, "password": PASSWORD})


def enter_code(client: Client, code: str) -> Any:
    return client.post(reverse("mfa_authenticate"), {"code": code})


def confirm_password(client: Client) -> None:
    """allauth asks for the password again before any two-factor change."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()


def add_passkey_record(user: Any, name: str = "Work laptop") -> Authenticator:
    """A passkey row as allauth stores one (the credential itself matters only to a browser)."""
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.WEBAUTHN, data={"name": name, "credential": {}}
    )


def signed_in_with_code(user: Any, secret: str) -> Client:
    """A browser signed in as `user` the full way: password, then the app's current code."""
    client = Client()
    assert sign_in_with_password(client, user.email)["Location"] == reverse("mfa_authenticate")
    assert enter_code(client, totp_code(secret))["Location"] == "/"
    return client
