"""Canary sweep: save known fake keys, check them, call every provider with
them through the emulator, break things on purpose, then search everything we keep or show for
the keys: every table of the database (raw rows, bytes included), `dumpdata`, the log output (at
DEBUG, httpx / httpcore / openai included), every rendered page, fragment, header and cookie, and
Django's error report. Zero hits.

Broker messages are swept in tests/generation/test_canary_broker.py, which runs jobs with canary
keys and searches every Redis key and value.
"""

from __future__ import annotations

import base64
import io
import logging
import secrets
import time
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.views.debug import ExceptionReporter

from avatarapp.keys import crypto, vault
from avatarapp.keys.models import ProviderKey
from catalog import Provider
from generation.providers.base import ImageRequest, PermanentError
from generation.providers.google import GeminiImages
from generation.providers.openai_images import OpenAIImages
from tests.conftest import World
from tests.emulator import Emulator
from tests.providers.conftest import bfl_client, gemini_root

DEBUG_LOGGERS = (
    *("", "httpx", "httpcore", "httpx2", "httpcore2", "openai", "urllib3", "django", "avatarapp"),
)


def _canaries() -> dict[str, str]:
    # Built at run time: no key-shaped literal in the repository.
    tag = secrets.token_hex(10)
    return {
        "openai": "sk-" + "canary" + tag + "OpenAI",
        "bfl": "bflcanary-" + tag + "-region-eu",
        "google": "AIza" + "Canary" + tag + secrets.token_hex(8),
        "compatible": "sk-" + "compatcanary" + tag,
        "personal": "sk-" + "canary" + tag + "Personal",
        "refused": "sk-" + "canaryinvalid" + tag,  # the emulator refuses keys with "invalid"
        "wrong": "AIza" + "CanaryWrongProvider" + tag,
    }


def _forms(canary: str) -> list[str]:
    """The canary as text, and as base64 in every alignment (a JSON or pickle might encode it)."""
    forms = [canary]
    for skip in range(3):
        encoded = base64.b64encode(canary[skip:].encode()).decode()
        forms.append(encoded[4:-4])
    return forms


class Sweep:
    def __init__(self, canaries: dict[str, str]) -> None:
        self.canaries = canaries
        self.texts: list[tuple[str, str]] = []

    def add(self, where: str, text: str | bytes) -> None:
        if isinstance(text, bytes):
            text = text.decode("latin-1")
        self.texts.append((where, text))

    def page(self, where: str, response: Any) -> None:
        self.add(where, response.content)
        self.add(f"{where} headers", repr(dict(response.items())))
        self.add(f"{where} cookies", response.cookies.output())

    def hits(self) -> list[str]:
        found = []
        for where, text in self.texts:
            for name, canary in self.canaries.items():
                if any(form in text for form in _forms(canary)):
                    found.append(f"{name} in {where}")
        return found


@pytest.fixture
def console() -> Iterator[io.StringIO]:
    """What the configured root handler (with the redaction filter) actually writes."""
    stream = io.StringIO()
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)]
    configured = [h for h in handlers if h.filters]
    assert configured, "settings.LOGGING installs a filtered root handler"
    old = [h.setStream(stream) for h in configured]
    yield stream
    for handler, previous in zip(configured, old, strict=True):
        handler.setStream(previous)


def _add(client: Client, world: World, data: dict[str, str]) -> Any:
    return client.post(reverse("keys:add", args=[world.team.pk]), data, follow=True)


def _call_providers(world: World, emulator: Emulator, canaries: dict[str, str]) -> None:
    """Provider calls as the pipeline will make them: key opened just in time by the vault."""
    editor = world.membership("editor")
    for key in vault.usable_keys(editor):
        _key, secret = vault.secret_for_job(key.pk, editor, detail="Sweep job")
        if key.provider in (Provider.OPENAI, Provider.OPENAI_COMPATIBLE):
            base = emulator.openai_base_url
            request = ImageRequest(model="gpt-image-2", prompt="sweep", width=1024, height=1024)
            assert OpenAIImages(secret, base_url=base).generate(request).images
        elif key.provider == Provider.BFL:
            client = bfl_client(emulator, secret, base_url=emulator.bfl_eu_base_url)
            task = client.submit(
                ImageRequest(model="flux-2-pro", prompt="sweep", width=1024, height=1024)
            )
            deadline = time.monotonic() + 10
            while client.poll(task).result is None and time.monotonic() < deadline:
                time.sleep(0.05)
        else:
            request = ImageRequest(model="gemini-2.5-flash-image", prompt="sweep")
            assert GeminiImages(secret, base_url=gemini_root(emulator)).generate(request).images
    # A provider refusal on the way: the error is logged the way a worker would log it.
    emulator.add_fault("insufficient_quota", provider="openai")
    key = ProviderKey.objects.get(label="Sweep OpenAI")
    _key, secret = vault.secret_for_job(key.pk, editor)
    with pytest.raises(PermanentError) as caught:
        OpenAIImages(secret, base_url=emulator.openai_base_url).generate(
            ImageRequest(model="gpt-image-2", prompt="sweep", width=1024, height=1024)
        )
    logging.getLogger("generation.tasks").exception("Image failed: %s", caught.value.user_message)


def _database(sweep: Sweep) -> None:
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from introspection
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview):
                        value = value.tobytes()
                    sweep.add(f"table {table}", value if isinstance(value, bytes) else str(value))
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    sweep.add("dumpdata", dump.getvalue())


def test_no_canary_anywhere(
    world: World,
    client_as: Any,
    provider_urls: Emulator,
    key_settings: Any,
    caplog: pytest.LogCaptureFixture,
    console: io.StringIO,
) -> None:
    key_settings.ALLOW_PRIVATE_PROVIDER_HOSTS = True  # the emulator is the "compatible server"
    for name in DEBUG_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    canaries = _canaries()
    sweep = Sweep(canaries)
    admin, editor = client_as("admin"), client_as("editor")
    provider_urls.set_credits(canaries["bfl"], 321)

    def add(client: Client, where: str, **data: str) -> None:
        sweep.page(where, _add(client, world, {"scope": "workspace", **data}))

    # Saving: four providers, a personal key, and three refusals that re-render the form.
    add(admin, "add openai", endpoint="openai", label="Sweep OpenAI", api_key=canaries["openai"])
    add(admin, "add bfl", endpoint="bfl-eu", label="Sweep BFL", api_key=canaries["bfl"])
    add(admin, "add google", endpoint="google", label="Sweep Gemini", api_key=canaries["google"])
    add(admin, "add compatible", endpoint="openai_compatible", label="Sweep server",
        api_key=canaries["compatible"], base_url=provider_urls.openai_base_url)  # fmt: skip
    add(editor, "add personal", endpoint="openai", label="Sweep mine", scope="personal",
        api_key=canaries["personal"])  # fmt: skip
    add(admin, "refused", endpoint="openai", label="Refused", api_key=canaries["refused"])
    add(admin, "wrong provider", endpoint="openai", label="Wrong", api_key=canaries["wrong"])
    add(admin, "duplicate", endpoint="openai", label="Again", api_key=canaries["openai"])
    htmx = admin.post(
        reverse("keys:add", args=[world.team.pk]),
        {"endpoint": "openai", "label": "x", "api_key": canaries["wrong"], "scope": "workspace"},
        HTTP_HX_REQUEST="true",
    )
    sweep.page("htmx add error", htmx)
    assert ProviderKey.objects.count() == 5

    # Checking, with and without htmx, and the pages every role sees.
    for key in ProviderKey.objects.filter(owner=None):
        sweep.page("check", admin.post(reverse("keys:check", args=[key.pk]), follow=True))
        fragment = admin.post(reverse("keys:check", args=[key.pk]), HTTP_HX_REQUEST="true")
        sweep.page("check fragment", fragment)
    _call_providers(world, provider_urls, canaries)
    # Careless log lines, the kind the filter exists for.
    log = logging.getLogger("avatarapp.sweep")
    log.debug("calling with headers %s", {"Authorization": f"Bearer {canaries['openai']}"})
    log.info("x-key: %s", canaries["bfl"])
    log.warning("GET /v1beta/models?key=" + canaries["google"])
    for role in ("owner", "admin", "editor", "viewer"):
        client = client_as(role)
        sweep.page(f"{role} list", client.get(reverse("keys:workspace", args=[world.team.pk])))
        sweep.page(f"{role} activity", client.get(reverse("keys:activity", args=[world.team.pk])))
        for key in ProviderKey.objects.all():
            sweep.page(f"{role} detail", client.get(reverse("keys:detail", args=[key.pk])))

    # An error report: a crash while saving, with the key in the POST and in local variables.
    admin.raise_request_exception = False
    canaries["crash"] = "AIza" + "CanaryCrash" + canaries["refused"][-20:]
    with mock.patch.object(crypto, "keyring", side_effect=RuntimeError("keyring exploded")):
        data = {"endpoint": "google", "label": "Crash", "api_key": canaries["crash"]}
        crashed = _add(admin, world, {**data, "scope": "workspace"})
    assert crashed.status_code == 500
    failure = next(
        r for r in caplog.records if r.name == "django.request" and r.levelno == logging.ERROR
    )
    assert failure.exc_info is not None
    exc_type, exc, tb = failure.exc_info
    reporter = ExceptionReporter(failure.request, exc_type, exc, tb)  # type: ignore[attr-defined]
    report = reporter.get_traceback_text()
    assert "keyring exploded" in report
    assert "api_key = '********************'" in report
    sweep.add("error report (text)", report)
    sweep.add("error report (html)", reporter.get_traceback_html())

    _database(sweep)
    sweep.add("console log", console.getvalue())
    sweep.add("captured log records", caplog.text)
    sweep.add("captured messages", "\n".join(r.getMessage() for r in caplog.records))

    # The sweep is not vacuous: the keys did reach the providers, and the pages were real.
    sent = {r.api_key for r in provider_urls.requests}
    for name in ("openai", "bfl", "google", "compatible", "personal", "refused"):
        assert canaries[name] in sent, f"{name} never reached the emulator"
    assert "[redacted]" in console.getvalue()
    assert any("Sweep mine" in text for where, text in sweep.texts if where == "editor list")
    assert sweep.hits() == []
