"""Live key checks against each provider's free endpoint, with a hard deadline.

A check runs while a person waits for the page, so it must end quickly whatever the provider
does. Two layers: every HTTP operation gets a short timeout (the registry's checks use the
deadline clients of generation.providers.clients), and the whole check runs in a daemon thread we
stop waiting for after KEY_CHECK_TIMEOUT_SECONDS (a server that trickles bytes can outlast
per-operation timeouts). An abandoned thread ends by itself at its own timeouts.

What a check asks, and where, is the provider's registry entry (`check_key`); the answer is
scrubbed of key-shaped text here, where it comes in, before it is stored or shown.
"""

from __future__ import annotations

import dataclasses
import logging
import threading

from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from avatarapp.keys.secret import Secret
from generation.providers.base import Endpoint, KeyCheck, KeyStatus
from generation.providers.redaction import redact
from generation.providers.registry import entry

log = logging.getLogger(__name__)


@sensitive_variables("secret")
def check_secret(
    provider: str, secret: Secret, *, region: str = "", base_url: str = ""
) -> KeyCheck:
    """The provider's verdict on `secret`, within KEY_CHECK_TIMEOUT_SECONDS. Never raises."""
    checked = entry(provider)
    assert checked.key is not None
    assert checked.check_key is not None
    check_key, seconds = checked.check_key, float(settings.KEY_CHECK_TIMEOUT_SECONDS)
    outcome: list[KeyCheck] = []

    def run() -> None:
        try:
            outcome.append(check_key(secret, Endpoint(region, base_url), seconds))
        except Exception as exc:  # the page must get an answer; the type is enough to debug
            log.warning("Key check for %s failed with %s.", provider, type(exc).__name__)
            outcome.append(KeyCheck(KeyStatus.UNREACHABLE, "The check failed unexpectedly."))

    worker = threading.Thread(target=run, name="key-check", daemon=True)
    worker.start()
    worker.join(seconds)
    if not outcome:
        name = checked.key.name
        return KeyCheck(KeyStatus.UNREACHABLE, f"{name} did not answer within {seconds:g} s.")
    check = outcome[0]
    return dataclasses.replace(check, message=redact(check.message)[:300])
