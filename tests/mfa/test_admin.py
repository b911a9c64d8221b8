"""The admin lists second factors without showing their secrets."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.test import Client

from tests.conftest import World
from tests.mfa.support import enable_totp, recovery_codes


def test_the_admin_never_shows_a_totp_key_or_recovery_codes(world: World) -> None:
    secret = enable_totp(world.editor)
    world.owner.is_staff = world.owner.is_superuser = True
    world.owner.save()
    client = Client()
    client.force_login(world.owner)
    base = f"/{settings.ADMIN_URL}mfa/authenticator/"
    listing = client.get(base).content.decode()
    assert "TOTP Authenticator" in listing
    for authenticator in Authenticator.objects.filter(user=world.editor):
        page = client.get(f"{base}{authenticator.pk}/change/")
        assert page.status_code == 200
        html = page.content.decode()
        assert secret not in html
        assert authenticator.data.get("seed", secret) not in html
        assert not any(code in html for code in recovery_codes(world.editor))
