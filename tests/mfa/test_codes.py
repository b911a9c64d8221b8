"""Bad second factors: a TOTP code replayed within its window, wrong codes until the rate limit,
a recovery code used twice, a wrong code at setup. Each is refused with a sentence and signs no
one in."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.mfa.support import (
    confirm_password,
    enable_totp,
    enter_code,
    recovery_codes,
    sign_in_with_password,
    time_step,
    totp_code,
)

ROOT = Path(__file__).resolve().parents[2]
WRONG_OR_USED = "That code is wrong or was already used."
RATE_LIMITED = "Too many failed login attempts. Try again later."


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """Used codes and rate-limit counters live in the cache (Redis under make test): start empty
    and leave nothing behind for the next test's sign-ins."""
    cache.clear()
    yield
    cache.clear()


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _code_step(email: str) -> Client:
    """A browser that has given the right password and is asked for its code."""
    client = Client()
    response = sign_in_with_password(client, email)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    return client


def test_a_totp_code_signs_in_once_and_is_refused_when_replayed(world: World) -> None:
    secret = enable_totp(world.editor)
    code = totp_code(secret, seconds_left=5)

    first = _code_step(world.editor.email)
    response = enter_code(first, code)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _signed_in(first)

    second = _code_step(world.editor.email)
    page = enter_code(second, code)
    assert page.status_code == 200
    assert WRONG_OR_USED in page.content.decode()
    assert not _signed_in(second)


REPLAY_IN_ANOTHER_PROCESS = """
import sys
import django
from django.conf import settings
django.setup()
key_prefix, secret, code, *user_ids = sys.argv[1:]
settings.CACHES["default"]["KEY_PREFIX"] = key_prefix  # the test's own (tests/conftest.py)
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
for user_id in user_ids:
    authenticator = Authenticator(user_id=int(user_id), type="totp", data={"secret": secret})
    print("accepted" if TOTP(authenticator).validate_code(code) else "refused")
"""


def _validate_in_another_process(secret: str, code: str, *user_ids: int) -> list[str]:
    """allauth's own check of `code` for each user, run by a separate Python process."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            REPLAY_IN_ANOTHER_PROCESS,
            settings.CACHES["default"].get("KEY_PREFIX", ""),
            secret,
            code,
            *map(str, user_ids),
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "avatarapp.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.split()


def test_a_used_code_is_refused_by_every_web_process(world: World) -> None:
    """Production runs several gunicorn workers: the used-code mark must be in the shared Redis
    cache, not in one process's memory."""
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache"), (
        "run with REDIS_URL set (make test starts Redis), as production does"
    )
    secret = enable_totp(world.editor)
    Authenticator.objects.create(user=world.viewer, type="totp", data={"secret": secret})
    # Everything below must happen within one 30-second step, or an expired code would be
    # refused for the wrong reason; the last assertion checks the step did not change.
    code = totp_code(secret, seconds_left=20)
    step = time_step()
    client = _code_step(world.editor.email)
    enter_code(client, code)
    assert _signed_in(client)

    # Another process refuses the editor's used code, yet accepts the same digits for the
    # viewer (so the code had not expired): the refusal is the mark the web request left.
    assert _validate_in_another_process(secret, code, world.editor.pk, world.viewer.pk) == [
        "refused",
        "accepted",
    ]
    # And the mark that process left for the viewer is honoured here.
    viewer = _code_step(world.viewer.email)
    assert WRONG_OR_USED in enter_code(viewer, code).content.decode()
    assert not _signed_in(viewer)
    assert time_step() == step, "the 30-second step ended mid-test, so it proved nothing"


def test_five_wrong_codes_are_each_refused_then_even_the_right_one_is(world: World) -> None:
    secret = enable_totp(world.editor)
    client = _code_step(world.editor.email)
    right = totp_code(secret, seconds_left=10)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for attempt in range(5):
        page = enter_code(client, wrong)
        assert page.status_code == 200, attempt
        assert WRONG_OR_USED in page.content.decode(), attempt
        assert not _signed_in(client)

    page = enter_code(client, right)
    html = page.content.decode()
    assert RATE_LIMITED in html
    assert WRONG_OR_USED not in html
    assert not _signed_in(client)
    # The limit is on the account, not on the browser: a fresh one is refused too.
    other = _code_step(world.editor.email)
    assert RATE_LIMITED in enter_code(other, right).content.decode()
    assert not _signed_in(other)


def test_a_recovery_code_signs_in_once(world: World) -> None:
    enable_totp(world.editor)
    code = recovery_codes(world.editor)[0]

    first = _code_step(world.editor.email)
    enter_code(first, code)
    assert _signed_in(first)
    assert code not in recovery_codes(world.editor)

    second = _code_step(world.editor.email)
    page = enter_code(second, code)
    assert WRONG_OR_USED in page.content.decode()
    assert not _signed_in(second)
    index = first.get(reverse("mfa_index")).content.decode()
    assert "9 of 10 unused" in index


def test_a_wrong_code_at_setup_turns_nothing_on(world: World, client_as) -> None:
    client = client_as("editor")
    confirm_password(client)
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    assert 'id="totp-setup-key"' in page
    secret = page.split('id="totp-setup-key" class="copyable" type="text" readonly value="')[1][:32]
    right = totp_code(secret, seconds_left=5)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    page = client.post(reverse("mfa_activate_totp"), {"code": wrong}).content.decode()
    assert WRONG_OR_USED in page
    assert not Authenticator.objects.filter(user=world.editor).exists()

    response = client.post(reverse("mfa_activate_totp"), {"code": right})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=world.editor, type="totp").exists()
